"""Analytics for the e-commerce back office."""
