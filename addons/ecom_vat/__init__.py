"""EU VAT of distance sales: B2C sales to another EU country carry that
country's VAT once the company is over the distance-selling threshold
(One-Stop Shop), B2B sales to a customer with an EU VAT number are
reverse-charged; upstream account_tax_rule_country's rules do the
matching, this module chooses the rule."""
