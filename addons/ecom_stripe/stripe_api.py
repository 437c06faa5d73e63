"""Stripe's address from the configuration.

Upstream account_payment_stripe calls Stripe with the official client
library, which takes the API's address from ``stripe.api_base``; it is set
here from ``[ecom_stripe] api_base`` (env ``TRYTOND_ECOM_STRIPE__API_BASE``:
the tests' and the demo's simulator) before each batch of calls."""
import stripe
from trytond import config

STRIPE_API_BASE = 'https://api.stripe.com'


def api_base():
    return config.get('ecom_stripe', 'api_base', default=STRIPE_API_BASE)


def configure():
    stripe.api_base = api_base()
