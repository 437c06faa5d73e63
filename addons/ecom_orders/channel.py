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
    sales = fields.One2Many('sale.sale', 'ecom_channel', "Orders", readonly=True)

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
