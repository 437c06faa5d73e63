"""Taxes computed by the storefront: its tax codes mapped to our taxes.

A channel whose *Taxes* policy is *Computed by the Storefront* does not
apply the products' customer taxes to its orders: each order line (and the
shipping) gets the taxes the storefront charged, by the storefront's code
(WooCommerce ``rate_code`` of the order's ``tax_lines``, Shopify tax line
``title``, or ``taxes`` of a generic order's line) through this table. The
order total then equals the invoice total and what the customer paid. A
code without a mapping refuses the order with the code and the line named
(a webhook order lands in *Needs Attention*, to retry once mapped).
"""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .channel import ChannelRecordMixin


class ChannelTax(ChannelRecordMixin, ModelSQL, ModelView):
    "A storefront's tax code mapped to one of our taxes"
    __name__ = 'ecom.channel.tax'
    __string__ = "Storefront Tax"

    code = fields.Char(
        "Storefront Code", required=True, strip=True,
        help="The storefront's code of the tax: WooCommerce rate code "
        "(US-PA-STATE TAX-1), Shopify tax line title (PA State Tax), or "
        "what a custom shop sends in a line's taxes.")
    tax = fields.Many2One(
        'account.tax', "Tax", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1)),
            ('parent', '=', None),
            ['OR', ('group', '=', None),
                ('group.kind', 'in', ['sale', 'both'])]],
        help="Our tax that the invoice line gets for this storefront tax.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.channel, t.code),
                'ecom_orders.msg_channel_tax_unique'),
            ]
        cls._order = [('channel', 'ASC'), ('code', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.code}: {self.tax.rec_name}'

    @classmethod
    def mapping(cls, channel_id):
        "{storefront code: tax} of the channel"
        return {t.code: t.tax for t in cls.search(
                [('channel', '=', channel_id)])}


class StorefrontTaxes:
    "The taxes of an order's lines, resolved through the channel's mapping"

    def __init__(self, channel):
        self.active = channel.tax_policy == 'storefront'
        self.mapping = Pool().get('ecom.channel.tax').mapping(
            channel.id) if self.active else {}
        self.channel_name = channel.rec_name

    def taxes(self, codes, path, errors):
        """Our taxes for the storefront's codes; an unmapped code adds an
        error on path to errors"""
        taxes = []
        for code in codes or []:
            tax = self.mapping.get(code)
            if tax is None:
                errors.append((path, (f"storefront tax {code!r} is not "
                            f"mapped to a tax of ours (Sales Channel "
                            f"{self.channel_name} > Storefront Taxes)")))
            elif tax not in taxes:
                taxes.append(tax)
        return taxes

