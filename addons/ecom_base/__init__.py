"""E-commerce back office: root menu, access groups and shared helpers."""
from . import module_lookup

module_lookup.install()
