"""Product recommendations from upstream's association rules over order
history: in the cart API, per product for the storefront, on the variant
form."""

from . import routes

__all__ = ['routes']
