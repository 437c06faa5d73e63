"""Customers: consent ledger, newsletter double opt-in, erasure,
storefront accounts."""
from . import accounts_api, routes  # noqa: F401  (HTTP routes register on import)
