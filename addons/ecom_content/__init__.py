"""Storefront content and SEO: pages, banners, blog posts, navigation menus
edited in sao and served headless (content_api.py), the sitemap,
robots.txt, the redirects feed and an SEO check."""

from . import content_api

__all__ = ['content_api']
