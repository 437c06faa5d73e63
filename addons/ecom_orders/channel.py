from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction


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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.company, t.code),
                'ecom_orders.msg_channel_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

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
