"""Returns (RMA) of online orders, on top of sale_complaint."""
