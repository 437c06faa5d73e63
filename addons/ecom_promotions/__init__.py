"""Promotion engine for online orders, built on sale_promotion and
sale_promotion_coupon: coupons, campaigns, buy X get Y, free shipping,
stacking and limits, every discount a traceable line; the cart API."""

from . import cart

__all__ = ['cart']
