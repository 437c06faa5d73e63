"""Replenishment: a low-stock alert's suggested reorder becomes a purchase
request to the product's supplier (upstream purchase_request), by a button
or by the daily alert check; the alert follows it to the receipt."""
