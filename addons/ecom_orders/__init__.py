"""Online orders: sales channels, intake, fulfilment and after-sales."""
