"""Online orders: sales channels, intake, fulfilment and after-sales."""

from . import routes

__all__ = ['routes']
