"""Recommendations of a product for the storefront's product page.

GET /<db>/ecom/v1/channels/<id>/products/<sku>/recommendations
    what customers who bought this also bought, among the shop's published
    products in stock (the cart API gives them for a whole cart)
"""
import json

from trytond.modules.ecom_orders.api import (
    IntakeError,
    contribute,
    etag_answer,
    shop_get,
)
from trytond.pool import Pool
from trytond.protocols.wrappers import with_pool
from trytond.wsgi import app

from .recommend import as_json, published, recommend

contribute(__file__)


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/products/'
    '<sku>/recommendations', methods={'GET'})
@with_pool
def product_recommendations(request, pool, channel_id, sku):
    def build(shop):
        Product = Pool().get('product.product')
        products = Product.search([('code', '=', sku)], limit=1)
        if not products or not published(shop, [products[0].id]):
            raise IntakeError(404, [('sku', (f"no product {sku!r} "
                            "published in this shop"))], 'not_found')
        body = json.dumps({'sku': sku, 'items': as_json(
                    shop, recommend(shop, products))}).encode()
        return etag_answer(request, body, 'application/json',
            'private, max-age=300')
    return shop_get(request, pool, channel_id, build, 'recommendations')
