"""Shop-facing catalog: products, categories, images and stock rules."""
