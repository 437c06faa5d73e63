"""The WooCommerce REST API v3 through its official client (``woocommerce``).

``Client.call`` counts every request for the sync log and honours the
storefront's limits: a 429 waits for ``Retry-After`` (capped), a 5xx or a
network error is retried with backoff, anything else 4xx is a
``ConnectorError`` naming the call and the answer.

* ``pull_orders``: the orders modified since the channel's watermark (minus
  an overlap, WooCommerce dates have whole seconds), 100 a page, stored as
  storefront events of source *pull* and processed like webhooks
  (idempotent: a report already applied is ignored);
* ``push_stock``: available-to-sell of every listing whose quantity changed
  since the last push, 100 a ``products/batch`` (or
  ``products/<id>/variations/batch``) call; as of the sync: the orders it
  pulls become sales once it is committed and count at the next sync;
* ``push_fulfilments``: each shipped order of the channel marked
  ``completed`` with its tracking (``orders/batch``, 100 a call);
* ``import_catalogue`` (on demand): the store's products and the
  variations of the variable ones listed, matched by SKU.
"""
import datetime
import logging
import math
import time
from collections import defaultdict

import requests
from trytond.modules.ecom_orders.stock import available_to_sell
from trytond.pool import Pool
from woocommerce import API

from .exceptions import ConnectorError
from .pull import Pulled

logger = logging.getLogger(__name__)
PER_PAGE = 100  # WooCommerce's maximum per page and per batch
ATTEMPTS = 5
MAX_WAIT = 30.0
OVERLAP = datetime.timedelta(seconds=60)


class Client:
    "One channel's WooCommerce API, counting its calls"

    def __init__(self, channel):
        if not (channel.ecom_api_url and channel.ecom_api_key
                and channel.ecom_api_secret):
            raise ConnectorError(
                f'Channel "{channel.rec_name}" needs its "API URL", '
                '"API Key" and "API Secret" to reach the storefront.')
        self.api = API(url=channel.ecom_api_url,
            consumer_key=channel.ecom_api_key,
            consumer_secret=channel.ecom_api_secret,
            version='wc/v3', timeout=30)
        self.calls = 0

    def call(self, method, endpoint, data=None, params=None):
        last = None
        for attempt in range(ATTEMPTS):
            self.calls += 1
            try:
                if method in {'get', 'delete'}:
                    answer = getattr(self.api, method)(
                        endpoint, params=params or {})
                else:
                    answer = getattr(self.api, method)(endpoint, data)
            except requests.RequestException as e:
                last = f"{type(e).__name__}: {e}"
                time.sleep(min(2 ** attempt * 0.5, MAX_WAIT))
                continue
            if answer.status_code == 429:
                last = "429 Too Many Requests"
                time.sleep(_retry_after(answer, attempt))
                continue
            if answer.status_code >= 500:
                last = f"{answer.status_code} {answer.text[:200]}"
                time.sleep(min(2 ** attempt * 0.5, MAX_WAIT))
                continue
            if answer.status_code >= 400:
                raise ConnectorError(
                    f"{method.upper()} {endpoint}: {answer.status_code} "
                    f"{answer.text[:300]}")
            return answer
        raise ConnectorError(f"{method.upper()} {endpoint}: gave up after "
            f"{ATTEMPTS} attempts ({last})")


def _retry_after(answer, attempt):
    try:
        wait = float(answer.headers.get('Retry-After', ''))
    except ValueError:
        wait = 2 ** attempt
    return min(max(wait, 0), MAX_WAIT)


def pull_orders(channel, client):
    "Store the orders modified since the watermark; return how many"
    pulled = Pulled(channel, 'woocommerce', 'order.updated')
    params = {'per_page': PER_PAGE, 'orderby': 'modified', 'order': 'asc',
        'dates_are_gmt': 'true'}
    if pulled.since:
        params['modified_after'] = (pulled.since - OVERLAP).isoformat()
    page = 1
    while True:
        answer = client.call('get', 'orders', params=dict(params, page=page))
        orders = answer.json()
        pulled.add(orders)
        pages = int(answer.headers.get('X-WP-TotalPages') or 1)
        if not orders or page >= pages:
            break
        page += 1
    return pulled.finish()


def push_stock(channel, client):
    """Send the changed available-to-sell quantities; return how many and
    what the storefront refused"""
    pool = Pool()
    Listing = pool.get('ecom.channel.listing')
    listings = Listing.ecom_goods_listings(channel)
    if not listings or not channel.warehouse:
        return 0, None
    available = available_to_sell(channel.warehouse,
        {l['product'] for l in listings})
    batches = defaultdict(list)  # endpoint -> [(listing, quantity)]
    for listing in listings:
        quantity = max(math.floor(available.get(listing['product'], 0)), 0)
        if quantity == listing['ecom_pushed_quantity']:
            continue
        if listing['storefront_variant']:
            endpoint = (f"products/{listing['storefront_product']}"
                '/variations/batch')
        else:
            endpoint = 'products/batch'
        batches[endpoint].append((listing, quantity))
    pushed = defaultdict(list)  # quantity -> listing ids
    refused = []
    for endpoint, todo in sorted(batches.items()):
        for i in range(0, len(todo), PER_PAGE):
            chunk = todo[i:i + PER_PAGE]
            answer = client.call('post', endpoint, {'update': [{
                            'id': _id(_ref(l)), 'manage_stock': True,
                            'stock_quantity': q} for l, q in chunk]})
            errors = {str(item.get('id')): item['error'].get('message')
                for item in (answer.json() or {}).get('update') or []
                if isinstance(item, dict) and item.get('error')}
            for listing, quantity in chunk:
                if _ref(listing) in errors:
                    refused.append((listing['id'], errors[_ref(listing)]))
                else:
                    pushed[quantity].append(listing['id'])
    Listing.ecom_set_pushed(pushed)
    message = None
    if refused:
        names = {l.id: l.rec_name for l in Listing.browse(
                [i for i, _ in refused[:20]])}
        message = (f"{len(refused)} listings refused by the storefront "
            "(map them again):\n" + '\n'.join(
                f"{names[i]}: {reason}" for i, reason in refused[:20]))
    return sum(len(r) for r in pushed.values()), message


def push_fulfilments(channel, client):
    "Mark the shipped orders completed with their tracking; return how many"
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    shipments = Shipment.search([
            ('state', 'in', ['shipped', 'done']),
            ('ecom_fulfilment_pushed', '=', False),
            ('moves.sale.ecom_channel', '=', channel.id),
            ])
    updates, done = [], []
    for shipment in shipments:
        sales = [s for s in shipment.ecom_sales()
            if s.ecom_channel == channel and s.ecom_external_id]
        for sale in sales:
            updates.append({'id': _id(sale.ecom_external_id),
                    'status': 'completed', 'meta_data': [
                        {'key': '_tracking_number',
                            'value': shipment.ecom_tracking_number or ''},
                        {'key': '_tracking_url',
                            'value': shipment.ecom_tracking_url or ''},
                        {'key': '_tracking_provider', 'value': (
                                shipment.ecom_carrier.rec_name
                                if shipment.ecom_carrier else '')},
                        ]})
        done.append(shipment)
    for i in range(0, len(updates), PER_PAGE):
        client.call('post', 'orders/batch',
            {'update': updates[i:i + PER_PAGE]})
    if done:
        Shipment.write(done, {'ecom_fulfilment_pushed': True})
    return len(updates), None


def import_catalogue(channel, client):
    """List the store's products (100 a page) and the variations of the
    variable ones; returns how many listings were created"""
    Listing = Pool().get('ecom.channel.listing')
    found = []
    for product in _pages(client, 'products'):
        ref = str(product.get('id'))
        if product.get('type') == 'variable' or product.get('variations'):
            for variation in _pages(client, f'products/{ref}/variations'):
                options = ' '.join(str(a.get('option') or '')
                    for a in variation.get('attributes') or [])
                found.append({'storefront_product': ref,
                        'storefront_variant': str(variation.get('id')),
                        'storefront_sku': variation.get('sku') or None,
                        'storefront_name': ' '.join(filter(None, [
                                    product.get('name'), options]))[:255]})
        else:
            found.append({'storefront_product': ref,
                    'storefront_variant': '',
                    'storefront_sku': product.get('sku') or None,
                    'storefront_name': (product.get('name') or '')[:255]})
    return Listing.ecom_import(channel, found)


def _pages(client, endpoint):
    "Every item of a listed endpoint, page after page"
    page = 1
    while True:
        answer = client.call('get', endpoint,
            params={'per_page': PER_PAGE, 'page': page})
        items = answer.json()
        yield from items
        pages = int(answer.headers.get('X-WP-TotalPages') or 1)
        if not items or page >= pages:
            return
        page += 1


def _ref(listing):
    return listing['storefront_variant'] or listing['storefront_product']


def _id(ref):
    return int(ref) if str(ref).isdigit() else ref


TASKS = [('pull', pull_orders), ('stock', push_stock),
    ('fulfilment', push_fulfilments)]
