"""Promotion engine for online orders, built on sale_promotion."""
