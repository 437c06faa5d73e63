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
from trytond.pool import PoolMeta
from trytond.pyson import Eval
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


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    api_key_prefix = fields.Char(
        "API Key", readonly=True,
        help="The start of the channel's API key, to recognise it; "
        "the key itself is shown once, when generated.")
    api_key_hash = fields.Char("API Key Hash", readonly=True)
    hmac_secret = fields.Char(
        "Webhook Secret", strip=False,
        help="Shared secret of the storefront's webhooks (WooCommerce "
        "webhook secret, Shopify app secret).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'generate_api_key': {
                    'icon': 'tryton-launch',
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def copy(cls, channels, default=None):
        default = default.copy() if default is not None else {}
        for name in ['api_key_prefix', 'api_key_hash', 'hmac_secret']:
            default.setdefault(name, None)
        return super().copy(channels, default=default)

    @classmethod
    @ModelView.button_action('ecom_orders.wizard_generate_api_key')
    def generate_api_key(cls, channels):
        pass

    def set_new_api_key(self):
        "Replace the key; return the clear key, which is not stored"
        prefix, key = new_key()
        self.api_key_prefix = f'{KEY_PREFIX}{prefix}'
        self.api_key_hash = hash_key(key)
        self.save()
        return key

    @classmethod
    def authenticate(cls, key):
        "The active channel whose API key is ``key``, else None"
        prefix = key_prefix(key)
        if not prefix:
            return None
        channels = cls.search([
                ('api_key_prefix', '=', f'{KEY_PREFIX}{prefix}'),
                ])
        digest = hash_key(key)
        for channel in channels:
            if hmac.compare_digest(channel.api_key_hash or '', digest):
                return channel
        return None

    def check_signature(self, body, signature):
        "Whether ``signature`` is the webhook signature of the raw ``body``"
        if not self.hmac_secret or not signature:
            return False
        return hmac.compare_digest(sign(self.hmac_secret, body), signature)


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


