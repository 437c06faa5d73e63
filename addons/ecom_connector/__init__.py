"""Outbound connector: orders pulled from, stock and fulfilments pushed to
the storefronts with their official client libraries."""
