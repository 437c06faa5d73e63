"""E-commerce back office: root menu, access groups and shared helpers."""
