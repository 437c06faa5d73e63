"""Online orders: sales channels, intake, fulfilment and after-sales."""

from . import feed_api, openapi, payment_api, routes, status_api

__all__ = ["feed_api", "openapi", "payment_api", "routes", "status_api"]
