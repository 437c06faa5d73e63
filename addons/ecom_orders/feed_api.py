"""Storefront feeds of a channel's web shop (GET, API key, no body).

GET /<db>/ecom/v1/channels/<id>/availability?page=1&per_page=500[&group=]
    availability and price of the published SKUs, paged; ETag, and
    304 Not Modified when If-None-Match carries the same tag; group: a
    customer group's prices (ecom_pricing)
GET /<db>/ecom/v1/channels/<id>/merchant.xml
    the Google Merchant product feed of the shop (ETag too)

The feeds themselves are built by ecom_catalog (feed.py).
"""
from trytond.modules.ecom_catalog import feed
from trytond.protocols.wrappers import with_pool
from trytond.wsgi import app

from .api import etag_answer, query_int, shop_get
from .intake_format import IntakeError, without_nul


def _price_list(request, shop):
    group = without_nul(request.args.get('group'))
    try:
        return shop.ecom_feed_price_list(group)
    except KeyError:
        raise IntakeError(400, [('group', (
                        f"{group!r} is not a customer group with a price "
                        "list in this shop"))], 'bad_request') from None


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/availability',
    methods={'GET'})
@with_pool
def availability(request, pool, channel_id):
    def build(shop):
        page = query_int(request, 'page', 1, 1, 10**6)
        per_page = query_int(request, 'per_page', 500, 1, feed.MAX_PER_PAGE)
        body = feed.dumps(feed.availability_page(
                shop, page, per_page, _price_list(request, shop)))
        return etag_answer(request, body, 'application/json')
    return shop_get(request, pool, channel_id, build)


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/merchant.xml',
    methods={'GET'})
@with_pool
def merchant(request, pool, channel_id):
    def build(shop):
        if not shop.ecom_product_url:
            raise IntakeError(409, [('web shop', (
                            "has no Product Page URL: the feed links every "
                            "product to its page"))], 'no_product_url')
        return etag_answer(request, feed.merchant_xml(
                shop, shop.ecom_product_url, _price_list(request, shop)),
            'application/xml')
    return shop_get(request, pool, channel_id, build)
