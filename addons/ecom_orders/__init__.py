"""Online orders: sales channels, intake, fulfilment and after-sales."""

from . import feed_api, payment_api, routes

__all__ = ["feed_api", "payment_api", "routes"]
