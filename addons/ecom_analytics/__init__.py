"""Storefront visit analytics: a beacon route for page views, product views,
carts and checkouts; daily figures; funnel, product views against sales and
landing pages under E-commerce > Reports."""

from . import beacon

__all__ = ['beacon']
