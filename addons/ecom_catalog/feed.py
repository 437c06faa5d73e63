"""Storefront feeds of a web shop: availability and price (JSON, paged) and
the Google Merchant product feed (RSS 2.0 XML built with lxml).

Only the products published in the shop (its *Products*) are listed, by
SKU. Prices are the list price, or the price list the shop gives for the
asked customer group (``web.shop.ecom_feed_price_list``), in the shop's
currency. Availability is the catalog's
available-to-sell in the shop's warehouse (never below zero).
"""
import hashlib
import json
from decimal import Decimal

from lxml import etree
from sql import Null
from trytond.modules.ecom_base.bulk import chunks
from trytond.modules.ecom_catalog.shop import fill_url
from trytond.pool import Pool
from trytond.transaction import Transaction

from .variant import attribute_labels

GOOGLE = 'http://base.google.com/ns/1.0'
# attributes Google Merchant knows by name (variants of one item group)
MERCHANT_ATTRIBUTES = ['color', 'size', 'material', 'pattern', 'gender',
    'age_group']
MAX_PER_PAGE = 1000


def published(shop, among=None):
    """Ids of the shop's active products with a SKU, in SKU order; only
    those of the ids among, when given"""
    pool = Pool()
    Product = pool.get('product.product')
    Relation = pool.get('web.shop-product.product')
    product, relation = Product.__table__(), Relation.__table__()
    cursor = Transaction().connection.cursor()
    where = ((relation.shop == shop.id) & product.active
        & (product.code != Null))
    result = []
    for sub in ([None] if among is None else chunks(sorted(set(among)))):
        cursor.execute(*relation.join(product,
                condition=relation.product == product.id).select(
                product.id,
                where=where if sub is None else where & product.id.in_(sub),
                order_by=[product.code]))
        result += [i for i, in cursor]
    return result


def _prices(shop, products, price_list=None):
    """product id -> unit price of one unit in the shop's currency (rounded),
    through price_list (dated lines: today's)"""
    pool = Pool()
    Currency = pool.get('currency.currency')
    Date = pool.get('ir.date')
    company = shop.company
    result = {}
    today = Date.today()
    with Transaction().set_context(date=today):
        for product in products:
            price = product.list_price_used
            if price_list:
                price = price_list.compute(product, 1, product.default_uom)
            if price is None:
                continue
            if shop.currency != company.currency:
                price = Currency.compute(
                    company.currency, price, shop.currency, round=False)
            result[product.id] = shop.currency.round(Decimal(price))
    return result


def availability_page(shop, page=1, per_page=500, price_list=None):
    "The JSON-ready dict of one page of the availability/price feed"
    pool = Pool()
    Product = pool.get('product.product')
    ids = published(shop)
    total = len(ids)
    start = (page - 1) * per_page
    page_ids = ids[start:start + per_page]
    products = Product.browse(page_ids)
    warehouse = shop.warehouses[0] if shop.warehouses else None
    available = Product.ecom_available_to_sell(warehouse, page_ids) \
        if warehouse else {}
    prices = _prices(shop, products, price_list)
    items = []
    for product in products:
        quantity = max(available.get(product.id, 0), 0)
        items.append({
                'sku': product.code,
                'name': product.name,
                'slug': product.template.ecom_slug,
                'price': (str(prices[product.id])
                    if product.id in prices else None),
                'currency': shop.currency.code,
                'available': int(quantity) if quantity == int(quantity)
                else quantity,
                'in_stock': quantity > 0,
                'attributes': attribute_labels(
                    product.template.attribute_set, product.attributes),
                })
    return {
        'shop': shop.id,
        'page': page,
        'per_page': per_page,
        'total': total,
        'pages': max((total + per_page - 1) // per_page, 1),
        'items': items,
        }


def etag(data):
    "Strong ETag of a body: the same content gives the same tag"
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def dumps(page):
    return json.dumps(page, sort_keys=True, separators=(',', ':')).encode()


def merchant_xml(shop, link, price_list=None):
    """The Google Merchant feed (bytes): link is the product page URL with
    {slug} in it"""
    pool = Pool()
    Product = pool.get('product.product')
    warehouse = shop.warehouses[0] if shop.warehouses else None
    g = f'{{{GOOGLE}}}'
    rss = etree.Element('rss', version='2.0', nsmap={'g': GOOGLE})
    channel = etree.SubElement(rss, 'channel')
    etree.SubElement(channel, 'title').text = shop.name
    etree.SubElement(channel, 'link').text = link.split('{', 1)[0]
    etree.SubElement(channel, 'description').text = shop.name
    for sub in chunks(published(shop)):
        products = Product.browse(sub)
        available = Product.ecom_available_to_sell(warehouse, sub) \
            if warehouse else {}
        prices = _prices(shop, products, price_list)
        for product in products:
            if product.id not in prices:
                continue
            template = product.template
            item = etree.SubElement(channel, 'item')
            values = [
                ('id', product.code),
                ('title', template.ecom_meta_title or product.name),
                ('description', template.ecom_short_description
                    or template.ecom_meta_description or product.name),
                ('link', fill_url(link, template.ecom_slug or product.code)),
                ('availability', 'in_stock'
                    if available.get(product.id, 0) > 0 else 'out_of_stock'),
                ('price', f'{prices[product.id]} {shop.currency.code}'),
                ('condition', 'new'),
                ]
            if template.attribute_set:
                # the variants of one product share its page
                values.append(('item_group_id',
                        template.ecom_slug or str(template.id)))
                labels = attribute_labels(
                    template.attribute_set, product.attributes)
                values.extend((n, labels[n])
                    for n in MERCHANT_ATTRIBUTES if n in labels)
            if template.categories:
                values.append(('product_type', ' > '.join(
                            template.categories[0].rec_name.split(' / '))))
            image = _image_link(product)
            if image:
                values.append(('image_link', image))
            for name, value in values:
                etree.SubElement(item, g + name).text = value
    return etree.tostring(
        rss, xml_declaration=True, encoding='UTF-8', pretty_print=True)


def _image_link(product):
    "Absolute URL of the product's first image (trytond serves it)"
    return product.get_image_url(_external=True, s=800) or None
