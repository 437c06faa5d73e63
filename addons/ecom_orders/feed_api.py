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
from trytond.protocols.wrappers import Response, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from .api import authenticate, json_errors
from .intake_format import IntakeError, without_nul


def _int(request, name, default, lowest, highest):
    value = request.args.get(name, str(default))
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise IntakeError(400, [(name, (
                        f"{value!r} is not a whole number from {lowest} "
                        f"to {highest}"))], 'bad_request')
    return int(value)


def _answer(request, body, content_type):
    tag = feed.etag(body)
    headers = {'ETag': tag, 'Cache-Control': 'no-cache'}
    if tag in [t.strip() for t in request.headers.get(
                'If-None-Match', '').split(',')]:
        return Response(status=304, headers=headers)
    return Response(body, content_type=content_type, headers=headers)


def _price_list(request, shop):
    group = without_nul(request.args.get('group'))
    try:
        return shop.ecom_feed_price_list(group)
    except KeyError:
        raise IntakeError(400, [('group', (
                        f"{group!r} is not a customer group with a price "
                        "list in this shop"))], 'bad_request') from None


def _feed(request, pool, channel_id, build):
    def answer():
        with Transaction().start(pool.database_name, 0, readonly=True):
            channel = authenticate(
                pool, channel_id, 'generic', request, b'', signed=False)
            company = channel.company
            if not channel.shop:
                raise IntakeError(409, [('channel', (
                                "has no web shop: the feed lists a shop's "
                                "products"))], 'no_shop')
            with Transaction().set_context(company=company.id):
                return build(pool.get('web.shop')(channel.shop.id))
    return json_errors('feed', channel_id, answer)


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/availability',
    methods={'GET'})
@with_pool
def availability(request, pool, channel_id):
    def build(shop):
        page = _int(request, 'page', 1, 1, 10**6)
        per_page = _int(request, 'per_page', 500, 1, feed.MAX_PER_PAGE)
        body = feed.dumps(feed.availability_page(
                shop, page, per_page, _price_list(request, shop)))
        return _answer(request, body, 'application/json')
    return _feed(request, pool, channel_id, build)


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/merchant.xml',
    methods={'GET'})
@with_pool
def merchant(request, pool, channel_id):
    def build(shop):
        if not shop.ecom_product_url:
            raise IntakeError(409, [('web shop', (
                            "has no Product Page URL: the feed links every "
                            "product to its page"))], 'no_product_url')
        return _answer(request, feed.merchant_xml(
                shop, shop.ecom_product_url, _price_list(request, shop)),
            'application/xml')
    return _feed(request, pool, channel_id, build)
