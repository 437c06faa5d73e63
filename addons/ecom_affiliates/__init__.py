"""Affiliates: referral codes and links, orders attributed by link or
coupon, commissions on upstream ``commission`` (agents, plans, invoices),
payable after the return window, clawed back by credit notes."""
