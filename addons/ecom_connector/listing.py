from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

COLUMNS = ['id', 'product', 'storefront_product', 'storefront_variant',
    'ecom_pushed_quantity']


class Listing(metaclass=PoolMeta):
    __name__ = 'ecom.channel.listing'

    ecom_pushed_quantity = fields.Integer(
        "Stock Pushed", readonly=True,
        help="The available-to-sell quantity last sent to the storefront: "
        "only listings whose quantity changed are sent again.")
    ecom_inventory_item = fields.Char(
        "Shopify Inventory Item", readonly=True,
        help="The inventory item of the Shopify variant, found at the "
        "first stock push and remembered.")

    @classmethod
    def ecom_goods_listings(cls, channel, extra=()):
        """The channel's listings of goods as dicts (COLUMNS and extra), in
        SQL: through the ORM, 5,000 listings cost 6x 1,000 (records
        instantiated per batch)"""
        pool = Pool()
        listing = cls.__table__()
        product = pool.get('product.product').__table__()
        template = pool.get('product.template').__table__()
        names = COLUMNS + list(extra)
        cursor = Transaction().connection.cursor()
        cursor.execute(*listing.join(product,
                condition=product.id == listing.product).join(template,
                condition=template.id == product.template).select(
                *[getattr(listing, n) for n in names],
                where=(listing.channel == channel.id)
                & (template.type == 'goods'),
                order_by=[listing.id]))
        return [dict(zip(names, row)) for row in cursor]

    @classmethod
    def ecom_set_pushed(cls, pushed):
        """Record the quantities sent ({quantity: listing ids}), in SQL: a
        column only the connector writes, no hook listens to it"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for quantity, ids in pushed.items():
            for i in range(0, len(ids), 1000):
                cursor.execute(*table.update([table.ecom_pushed_quantity],
                        [quantity], where=table.id.in_(ids[i:i + 1000])))
