"""Shipping rates of carriers by zone, weight and order amount; free
shipping above a threshold per channel; the storefront's rates API."""

from . import rates_api

__all__ = ['rates_api']
