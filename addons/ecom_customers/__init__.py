"""Customers: consent ledger, newsletter double opt-in, erasure."""
from . import routes  # noqa: F401  (HTTP routes register on import)
