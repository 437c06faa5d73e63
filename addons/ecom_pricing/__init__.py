"""B2B prices: customer-group price lists, quantity tiers, dated prices."""
