"""Loyalty points: earned by orders, redeemed at checkout or by staff."""
