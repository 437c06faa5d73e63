"""Per channel, which of our products a storefront product/variant is.

The intake resolves an order line by its storefront ids through these
listings first and by SKU second, so a WooCommerce or Shopify line without
a SKU is fine once mapped. ``variant`` is '' for a product without variants
(WooCommerce sends ``variation_id`` 0). A listing without a product (imported
from the storefront's catalogue with no matching SKU) is one to map: the
intake treats its lines as unmapped.
"""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .channel import ChannelRecordMixin


class Listing(ChannelRecordMixin, ModelSQL, ModelView):
    "A storefront product (and variant) mapped to one of our products"
    __name__ = 'ecom.channel.listing'
    __string__ = "Storefront Listing"

    storefront_product = fields.Char(
        "Storefront Product", required=True, strip=True,
        help="The storefront's product id (WooCommerce product_id, "
        "Shopify product id).")
    storefront_variant = fields.Char(
        "Storefront Variant", strip=True,
        help="The storefront's variant id (WooCommerce variation_id, "
        "Shopify variant id); empty for a product without variants.")
    storefront_sku = fields.Char(
        "Storefront SKU", help="The SKU the storefront shows, if any.")
    storefront_name = fields.Char("Storefront Name")
    product = fields.Many2One(
        'product.product', "Product", ondelete='CASCADE',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Our product; empty for a storefront product imported without "
        "a matching SKU, for staff to map (tab To Map).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('storefront_unique', Unique(
                    t, t.channel, t.storefront_product, t.storefront_variant),
                'ecom_orders.msg_listing_unique'),
            ]
        cls._order = [('channel', 'ASC'), ('storefront_product', 'ASC'),
            ('storefront_variant', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_storefront_variant():
        return ''

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'storefront_variant' in values:
            variant = (values['storefront_variant'] or '').strip()
            values['storefront_variant'] = '' if variant == '0' else variant
        return values

    def get_rec_name(self, name):
        ref = self.storefront_product
        if self.storefront_variant:
            ref += '/' + self.storefront_variant
        product = self.product.rec_name if self.product else "(to map)"
        return f'{self.channel.rec_name} {ref}: {product}'

    @classmethod
    def products(cls, channel_id, product_refs):
        "{(storefront product, variant): product} of the channel's refs"
        if not product_refs:
            return {}
        listings = cls.search([
                ('channel', '=', channel_id),
                ('storefront_product', 'in', sorted(product_refs)),
                ('product', '!=', None),
                ])
        Pool().get('product.product').browse([l.product.id for l in listings])
        return {(l.storefront_product, l.storefront_variant or ''): l.product
            for l in listings}
