from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
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

    @classmethod
    def ecom_import(cls, channel, found):
        """List the storefront's catalogue: found is [{storefront_product,
        storefront_variant, storefront_sku, storefront_name, and
        ecom_inventory_item for Shopify}]; new ones are created, matched to
        our product by SKU when one has it as code, the others to map; a
        listing still to map gets the product its SKU now matches. Returns
        how many were created and what happened."""
        Product = Pool().get('product.product')
        existing = {(l.storefront_product, l.storefront_variant or ''): l
            for l in cls.search([('channel', '=', channel.id)])}
        skus = sorted({f['storefront_sku'] for f in found
                if f.get('storefront_sku')})
        products = {}
        for chunk in grouped_slice(skus, backend.MAX_QUERY_PARAMS):
            for product in Product.search([('code', 'in', list(chunk))]):
                products.setdefault(product.code, product.id)
        new, matched, to_map = [], [], []
        for values in found:
            key = (values['storefront_product'],
                values.get('storefront_variant') or '')
            product = products.get(values.get('storefront_sku') or '')
            listing = existing.get(key)
            if listing is None:
                existing[key] = values
                new.append(dict(values, channel=channel.id, product=product))
            elif listing.product is None and product:
                matched.append((listing, product))
        if new:
            cls.create(new)
        for listing, product in matched:
            cls.write([listing], {'product': product})
        to_map = cls.search_count([('channel', '=', channel.id),
                ('product', '=', None)])
        message = (f"{len(found)} storefront products and variants: "
            f"{len(new)} listed ({sum(1 for v in new if v['product'])} "
            f"matched by SKU), {len(matched)} mapped by SKU now; "
            f"{to_map} to map (Storefront Listings, tab To Map)")
        return len(new), message
