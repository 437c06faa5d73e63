"""Channel credentials: API key (stored hashed, shown once) and HMAC secret.

A key looks like ``ek_<prefix>_<secret>``: the prefix is stored in clear to
find the channel and to let staff recognise a key; only the SHA-256 of the
whole key is stored (keys are 256-bit random values, so a fast hash is
enough: there is nothing to brute-force). Generating a new key replaces the
old one at once. Webhook bodies are signed the WooCommerce/Shopify way:
base64 of HMAC-SHA256(secret, raw body).
"""
import base64
import hashlib
import hmac
import secrets

from trytond.model import ModelView, fields
from trytond.wizard import Button, StateTransition, StateView, Wizard

KEY_PREFIX = 'ek_'


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def new_key():
    prefix = secrets.token_hex(4)
    return prefix, f'{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}'


def key_prefix(key):
    "The prefix of a well-formed key, else None"
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        return None
    prefix, _, secret = key[len(KEY_PREFIX):].partition('_')
    return prefix if len(prefix) == 8 and secret else None


def sign(secret, body):
    "base64(HMAC-SHA256(secret, body)), as WooCommerce and Shopify send it"
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class GenerateAPIKeyShow(ModelView):
    "New API key of a channel"
    __name__ = 'ecom.channel.generate_api_key.show'
    __string__ = "New API Key"

    channel = fields.Many2One('ecom.channel', "Channel", readonly=True)
    api_key = fields.Char(
        "API Key", readonly=True,
        help="Copy it into the storefront now: it is not stored and will "
        "not be shown again.")


class GenerateAPIKey(Wizard):
    "Generate (or rotate) a channel's API key"
    __name__ = 'ecom.channel.generate_api_key'
    __string__ = "Generate API Key"

    start = StateTransition()
    show = StateView(
        'ecom.channel.generate_api_key.show',
        'ecom_orders.channel_generate_api_key_show_view_form', [
            Button("Done", 'end', 'tryton-ok', default=True),
            ])

    def transition_start(self):
        self.show.api_key = self.record.set_new_api_key()
        return 'show'

    def default_show(self, fields):
        return {'channel': self.record.id, 'api_key': self.show.api_key}


