"""The sales channel (a storefront that sends orders), all of it: what it
sells through, its credentials (helpers in channel_auth.py), its service
level (due times: fulfilment.py) and its payment gateways (payment.py)."""
import datetime as dt
import hmac

from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from .channel_auth import KEY_PREFIX, hash_key, key_prefix, new_key, sign
from .fulfilment import add_days


class Channel(DeactivableMixin, ModelSQL, ModelView):
    "A storefront that sends orders (WooCommerce, Shopify, custom shop)"
    __name__ = 'ecom.channel'
    __string__ = "Sales Channel"

    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="Short identifier used in URLs and logs, unique per company.")
    company = fields.Many2One('company.company', "Company", required=True)
    shop = fields.Many2One(
        'web.shop', "Web Shop", required=True,
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection([
            ('generic', "Generic JSON"),
            ('woocommerce', "WooCommerce"),
            ('shopify', "Shopify"),
            ], "Kind", required=True)
    allow_backorders = fields.Boolean(
        "Allow Backorders",
        help="Accept orders beyond available-to-sell and hold them "
        "instead of rejecting them.")
    warehouse = fields.Function(fields.Many2One(
            'stock.location', "Warehouse",
            help="Where the channel's orders are reserved and shipped from: "
            "the first warehouse of the web shop."),
        'on_change_with_warehouse')
    shipping_product = fields.Many2One(
        'product.product', "Shipping Product",
        domain=[('type', '=', 'service'), ('salable', '=', True)],
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The service product that charges the order's shipping.")
    invoice_policy = fields.Selection([
            ('paid', "Post When Paid"),
            ('manual', "Manually"),
            ], "Invoice Posting", required=True,
        help="Post the customer invoice as soon as the storefront reports "
        "the order paid, or leave it in draft for accounting.")
    tax_policy = fields.Selection([
            ('ours', "Our Taxes Must Match"),
            ('storefront', "Computed by the Storefront"),
            ], "Taxes", required=True,
        help="Our taxes: each line gets its product's customer taxes and "
        "the order is refused when the storefront's total differs. "
        "Computed by the storefront: each line gets the taxes the "
        "storefront charged, mapped in Storefront Taxes (for a storefront "
        "that sells where our products' taxes do not apply, such as US "
        "sales tax).")
    storefront_taxes = fields.One2Many(
        'ecom.channel.tax', 'channel', "Storefront Taxes",
        states={'invisible': Eval('tax_policy') != 'storefront'},
        help="Which of our taxes each storefront tax code is.")
    preparation_days = fields.Integer(
        "Ship Within (Days)", required=True,
        domain=[('preparation_days', '>=', 0)],
        help="The service level: days from the order to the shipment. "
        "An order shipped later counts as late in the reports.")
    sales = fields.One2Many('sale.sale', 'ecom_channel', "Orders", readonly=True)
    listings = fields.One2Many(
        'ecom.channel.listing', 'channel', "Storefront Listings",
        help="Which of our products each storefront product or variant is; "
        "order lines are matched by these first, by SKU second.")


    # credentials (helpers in channel_auth.py)
    api_key_prefix = fields.Char(
        "API Key", readonly=True,
        help="The start of the channel's API key, to recognise it; "
        "the key itself is shown once, when generated.")
    api_key_hash = fields.Char("API Key Hash", readonly=True)
    hmac_secret = fields.Char(
        "Webhook Secret", strip=False,
        help="Shared secret of the storefront's webhooks (WooCommerce "
        "webhook secret, Shopify app secret).")

    # service level (fulfilment.py computes the sales' due times)
    preparation_hours = fields.Integer(
        "Ship Within (Hours)",
        domain=['OR',
            ('preparation_hours', '=', None),
            ('preparation_hours', '>', 0)],
        help="When set, the service level is counted in hours from the "
        "order (same-day shipping) instead of days.")
    business_days = fields.Boolean(
        "Business Days Only",
        states={'invisible': Eval('preparation_hours', 0) > 0},
        help="Count only Monday to Friday, in the company's time zone.")
    pickup = fields.Boolean(
        "Store Pickup",
        help="Customers may collect their orders from the shop; the "
        "storefront says so per order.")
    require_tracking = fields.Boolean(
        "Require Tracking Number",
        help="A shipment of an order delivered by carrier is done only "
        "with its tracking number.")
    carrier = fields.Many2One(
        'carrier', "Default Carrier",
        help="The carrier set on the shipments of the channel's orders.")

    # payments (gateways: payment.py)
    gateways = fields.One2Many(
        'ecom.channel.gateway', 'channel', "Payment Gateways")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.company, t.code),
                'ecom_orders.msg_channel_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))
        cls._buttons.update({
                'generate_api_key': {
                    'icon': 'tryton-launch',
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_kind():
        return 'generic'

    @staticmethod
    def default_allow_backorders():
        return False

    @staticmethod
    def default_invoice_policy():
        return 'paid'

    @staticmethod
    def default_tax_policy():
        return 'ours'

    @staticmethod
    def default_preparation_days():
        return 2

    @fields.depends('shop')
    def on_change_with_warehouse(self, name=None):
        return self.shop.warehouse if self.shop else None

    @staticmethod
    def default_business_days():
        return True

    @staticmethod
    def default_require_tracking():
        return True

    def sla_due(self, ordered_at):
        "The time an order placed at ``ordered_at`` must be shipped by"
        if self.preparation_hours:
            return ordered_at + dt.timedelta(hours=self.preparation_hours)
        zone = tz.ZoneInfo(self.company.timezone) if (
            self.company.timezone) else tz.UTC
        return add_days(
            ordered_at, self.preparation_days or 0, self.business_days, zone)

    def gateway(self, code):
        "The gateway of the storefront's code; the only one if none is given"
        for gateway in self.gateways:
            if gateway.code == code:
                return gateway
        if not code and len(self.gateways) == 1:
            return self.gateways[0]

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


class ChannelRecordMixin:
    """A record of one channel (listing, gateway, storefront tax), in the
    channel's company: what the multi-company record rules look at"""
    __slots__ = ()
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, ondelete='CASCADE')
    company = fields.Function(fields.Many2One(
            'company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @fields.depends('channel', '_parent_channel.company')
    def on_change_with_company(self, name=None):
        return self.channel.company if self.channel else None

    @classmethod
    def search_company(cls, name, clause):
        return [('channel.' + clause[0],) + tuple(clause[1:])]
