"""Returns (RMA) of online orders, on top of sale_complaint."""

from . import returns_api

__all__ = ['returns_api']
