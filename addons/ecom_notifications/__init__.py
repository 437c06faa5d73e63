"""Customer emails and storefront status webhooks of online orders."""
