"""Online orders: sales channels, intake, fulfilment and after-sales."""

from . import payment_api, routes

__all__ = ["payment_api", "routes"]
