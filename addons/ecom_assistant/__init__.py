"""A customer assistant for the storefront: where is my order (after the
order number and its email match), returns, FAQ answers staff edit, and a
hand-over to staff as a complaint when unsure."""

from . import assistant_api

__all__ = ['assistant_api']
