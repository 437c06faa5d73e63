"""The Shopify Admin API through its official client (``ShopifyAPI``).

``Client`` sets the library's session (per thread) to the channel's shop
and access token, counts every request for the sync log and honours
Shopify's limits: a REST 429 waits for ``Retry-After``; a GraphQL answer
``THROTTLED`` waits until the cost bucket holds the query's cost again
(``extensions.cost.throttleStatus``); a 5xx or a network error is retried
with backoff; any other refusal is a ``ConnectorError`` naming the call.

* ``pull_orders``: REST ``orders.json`` (``status=any``, updated since the
  channel's watermark minus an overlap, 250 a page, cursor pagination by
  the ``Link`` header): the same JSON as the webhooks, stored as storefront
  events of source *pull* and processed like them (idempotent);
* ``push_stock``: GraphQL ``inventorySetQuantities`` (*available* at the
  channel's location, 250 quantities a call) for each listed variant whose
  available-to-sell changed; the variants' inventory items are looked up
  once (``nodes``, 250 a query) and remembered on the listings;
* ``push_fulfilments``: for each shipped order, its open fulfillment orders
  (``nodes``, 50 orders a query), then ``fulfillmentCreate`` with the
  tracking number, carrier and URL (one call an order: Shopify has no
  batch);
* ``import_catalogue`` (on demand): REST ``products.json``, each variant
  listed with its inventory item, matched by SKU.
"""
import contextlib
import datetime
import functools
import json
import logging
import math
import time
import urllib.error
import urllib.request
from collections import defaultdict

import pyactiveresource.connection
import shopify
from trytond.modules.ecom_orders.stock import available_to_sell
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import ConnectorError
from .pull import Pulled

logger = logging.getLogger(__name__)
API_VERSION = '2024-10'
PER_PAGE = 250  # REST orders a page; GraphQL ids and quantities a call
ORDERS_PER_QUERY = 50
ATTEMPTS = 5
MAX_WAIT = 30.0
TIMEOUT = 30
OVERLAP = datetime.timedelta(seconds=60)
GID = 'gid://shopify/'

LOCATIONS = """query Locations {
  locations(first: 1) { nodes { id name } }
}"""
INVENTORY_ITEMS = """query InventoryItems($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id inventoryItem { id } } }
}"""
SET_QUANTITIES = """mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""
FULFILLMENT_ORDERS = """query FulfillmentOrders($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order { id fulfillmentOrders(first: 10) { nodes { id status } } }
  }
}"""
CREATE_FULFILLMENT = """mutation CreateFulfillment($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}"""
OPEN = {'OPEN', 'IN_PROGRESS'}


class Client:
    "One channel's Shopify Admin API, counting its calls"

    def __init__(self, channel):
        if not (channel.ecom_api_url and channel.ecom_api_secret):
            raise ConnectorError(
                f'Channel "{channel.rec_name}" needs its "API URL" and its '
                'Admin API access token in "API Secret" to reach the store.')
        self.site = (f"{channel.ecom_api_url.rstrip('/')}/admin/api/"
            f"{API_VERSION}")
        self.token = channel.ecom_api_secret
        self.calls = 0

    @contextlib.contextmanager
    def session(self):
        "The library's (thread-local) session on this shop"
        resource = shopify.ShopifyResource
        resource.set_site(self.site)
        resource.set_headers(dict(resource._headers,
                **{'X-Shopify-Access-Token': self.token}))
        resource.set_timeout(TIMEOUT)
        try:
            yield
        finally:
            resource.clear_session()

    def pages(self, resource, name, **params):
        "The REST records of params as dicts, a list a page"
        page = self.rest(name, functools.partial(resource.find, **params))
        while True:
            yield [r.to_dict() for r in page]
            if not page.has_next_page():
                return
            page = self.rest(name, functools.partial(
                    resource.find, from_=page.next_page_url))

    def orders(self, **params):
        "The REST orders of params, page after page"
        return self.pages(shopify.Order, 'GET orders.json', **params)

    def rest(self, name, request):
        last = None
        for attempt in range(ATTEMPTS):
            self.calls += 1
            try:
                return request()
            except (pyactiveresource.connection.Error, OSError) as e:
                # HTTP errors (a response for the 4xx), network errors
                response = getattr(e, 'response', None)
                code = getattr(e, 'code', None)
                body = getattr(response, 'body', None) or str(e)
                if isinstance(body, bytes):
                    body = body.decode(errors='replace')
                last = f"{code or type(e).__name__} {body[:300]}"
                if code == 429:
                    time.sleep(_retry_after(response, attempt))
                    continue
                if code is None or code >= 500:
                    time.sleep(_backoff(attempt))
                    continue
                raise ConnectorError(f"{name}: {last}") from None
        raise ConnectorError(f"{name}: gave up after {ATTEMPTS} attempts "
            f"({last})")

    def graphql(self, operation, query, variables=None):
        "The data of one GraphQL operation, waiting when throttled"
        last = None
        for attempt in range(ATTEMPTS):
            self.calls += 1
            request = urllib.request.Request(
                shopify.ShopifyResource.get_site() + '/graphql.json',
                json.dumps({'query': query, 'variables': variables or {},
                        'operationName': operation}).encode(),
                dict(shopify.GraphQL().headers,
                    **{'Accept': 'application/json',
                        'Content-Type': 'application/json'}))
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
                    answer = json.loads(r.read())
            except urllib.error.HTTPError as e:
                body = e.read().decode(errors='replace')[:300]
                last = f"{e.code} {body}"
                if e.code == 429:
                    time.sleep(_retry_after(e, attempt))
                    continue
                if e.code >= 500:
                    time.sleep(_backoff(attempt))
                    continue
                raise ConnectorError(f"{operation}: {last}") from None
            except (urllib.error.URLError, OSError, ValueError) as e:
                last = f"{type(e).__name__}: {e}"
                time.sleep(_backoff(attempt))
                continue
            errors = answer.get('errors') or []
            if any((e.get('extensions') or {}).get('code') == 'THROTTLED'
                    for e in errors if isinstance(e, dict)):
                last = "THROTTLED"
                time.sleep(_throttle_wait(answer, attempt))
                continue
            if errors:
                raise ConnectorError(f"{operation}: " + "; ".join(
                        str(e.get('message') if isinstance(e, dict) else e)
                        for e in errors)[:500])
            return answer.get('data') or {}
        raise ConnectorError(f"{operation}: gave up after {ATTEMPTS} "
            f"attempts ({last})")


def _backoff(attempt):
    return min(2 ** attempt * 0.5, MAX_WAIT)


def _retry_after(response, attempt):
    headers = getattr(response, 'headers', None) or {}
    try:
        wait = float(headers.get('Retry-After', ''))
    except (TypeError, ValueError):
        wait = 2 ** attempt
    return min(max(wait, 0), MAX_WAIT)


def _throttle_wait(answer, attempt):
    "Seconds until the bucket holds the requested cost again"
    cost = ((answer.get('extensions') or {}).get('cost') or {})
    status = cost.get('throttleStatus') or {}
    try:
        missing = (float(cost.get('requestedQueryCost', 0))
            - float(status.get('currentlyAvailable', 0)))
        wait = missing / float(status.get('restoreRate') or 50)
    except (TypeError, ValueError):
        wait = 2 ** attempt
    return min(max(wait, 0.05), MAX_WAIT)


def gid(kind, ref):
    ref = str(ref)
    return ref if ref.startswith(GID) else f'{GID}{kind}/{ref}'


def pull_orders(channel, client):
    "Store the orders updated since the watermark; return how many"
    pulled = Pulled(channel, 'shopify', 'orders/updated')
    params = {'status': 'any', 'limit': PER_PAGE}
    if pulled.since:
        params['updated_at_min'] = (
            pulled.since - OVERLAP).isoformat() + 'Z'
    with client.session():
        for orders in client.orders(**params):
            pulled.add(orders)
    return pulled.finish()


def push_stock(channel, client):
    """Set the changed available quantities of the listed variants; return
    how many and what the store refused"""
    Listing = Pool().get('ecom.channel.listing')
    listings = Listing.ecom_goods_listings(channel, ['ecom_inventory_item'])
    if not listings or not channel.warehouse:
        return 0, None
    available = available_to_sell(channel.warehouse,
        {l['product'] for l in listings})
    todo, skipped = [], []
    for listing in listings:
        quantity = max(math.floor(available.get(listing['product'], 0)), 0)
        if quantity == listing['ecom_pushed_quantity']:
            continue
        if not listing['storefront_variant']:
            skipped.append(listing['id'])
            continue
        todo.append((listing, quantity))
    pushed, refused = defaultdict(list), []
    with client.session():
        if todo:
            location = _location(channel, client)
            _inventory_items(client, [l for l, _ in todo])
        for i in range(0, len(todo), PER_PAGE):
            chunk = [(l, q) for l, q in todo[i:i + PER_PAGE]
                if l['ecom_inventory_item']]
            refused.extend((l['id'], "the variant is not in the store")
                for l, _ in todo[i:i + PER_PAGE]
                if not l['ecom_inventory_item'])
            if not chunk:
                continue
            data = client.graphql('SetQuantities', SET_QUANTITIES, {'input': {
                        'name': 'available', 'reason': 'correction',
                        'ignoreCompareQuantity': True,
                        'quantities': [{
                                'inventoryItemId': l['ecom_inventory_item'],
                                'locationId': location, 'quantity': q}
                            for l, q in chunk]}})
            errors = (data.get('inventorySetQuantities') or {}).get(
                'userErrors') or []
            if errors:
                # the store applies all or nothing of a call
                refused.extend((l['id'], '; '.join(
                            e.get('message', '') for e in errors))
                    for l, _ in chunk)
                continue
            for listing, quantity in chunk:
                pushed[quantity].append(listing['id'])
    Listing.ecom_set_pushed(pushed)
    message = _refused_message(Listing, refused, skipped)
    return sum(len(r) for r in pushed.values()), message


def _location(channel, client):
    if not channel.ecom_shopify_location:
        nodes = ((client.graphql('Locations', LOCATIONS).get('locations')
                or {}).get('nodes') or [])
        if not nodes:
            raise ConnectorError("Locations: the store has no location "
                "to set quantities at")
        channel.ecom_shopify_location = nodes[0]['id']
        channel.save()
    return gid('Location', channel.ecom_shopify_location)


def _inventory_items(client, listings):
    "Fill the listings' missing inventory items, remembered in SQL"
    Listing = Pool().get('ecom.channel.listing')
    missing = [l for l in listings if not l['ecom_inventory_item']]
    found = {}
    for i in range(0, len(missing), PER_PAGE):
        ids = [gid('ProductVariant', l['storefront_variant'])
            for l in missing[i:i + PER_PAGE]]
        data = client.graphql('InventoryItems', INVENTORY_ITEMS, {'ids': ids})
        for node in data.get('nodes') or []:
            if node and node.get('inventoryItem'):
                found[node['id']] = node['inventoryItem']['id']
    table = Listing.__table__()
    cursor = Transaction().connection.cursor()
    for listing in missing:
        item = found.get(gid('ProductVariant', listing['storefront_variant']))
        if item:
            listing['ecom_inventory_item'] = item
            cursor.execute(*table.update([table.ecom_inventory_item], [item],
                    where=table.id == listing['id']))


def _refused_message(Listing, refused, skipped):
    lines = []
    if refused:
        names = {l.id: l.rec_name for l in Listing.browse(
                [i for i, _ in refused[:20]])}
        lines.append(f"{len(refused)} listings refused by the store (map "
            "them again):")
        lines.extend(f"{names[i]}: {reason}" for i, reason in refused[:20])
    if skipped:
        lines.append(f"{len(skipped)} listings without a variant: Shopify "
            "stocks variants, map the variant")
    return '\n'.join(lines) or None


def push_fulfilments(channel, client):
    "Fulfil the shipped orders with their tracking; return how many"
    Shipment = Pool().get('stock.shipment.out')
    shipments = Shipment.search([
            ('state', 'in', ['shipped', 'done']),
            ('ecom_fulfilment_pushed', '=', False),
            ('moves.sale.ecom_channel', '=', channel.id),
            ])
    work = []  # (shipment, order gid)
    for shipment in shipments:
        for sale in shipment.ecom_sales():
            if sale.ecom_channel == channel and sale.ecom_external_id:
                work.append((shipment, gid('Order', sale.ecom_external_id)))
    count, done, refused = 0, [], []
    with client.session():
        open_orders = {}
        ids = sorted({g for _, g in work})
        for i in range(0, len(ids), ORDERS_PER_QUERY):
            data = client.graphql('FulfillmentOrders', FULFILLMENT_ORDERS,
                {'ids': ids[i:i + ORDERS_PER_QUERY]})
            for node in data.get('nodes') or []:
                if node:
                    open_orders[node['id']] = [f['id'] for f in (
                            node.get('fulfillmentOrders') or {}).get(
                            'nodes') or [] if f.get('status') in OPEN]
        failed = set()
        for shipment, order in work:
            fulfillment_orders = open_orders.get(order, [])
            if not fulfillment_orders:
                continue  # fulfilled in the store already
            data = client.graphql('CreateFulfillment', CREATE_FULFILLMENT, {
                    'fulfillment': {
                        'lineItemsByFulfillmentOrder': [
                            {'fulfillmentOrderId': f}
                            for f in fulfillment_orders],
                        'notifyCustomer': True,
                        'trackingInfo': {
                            'number': shipment.ecom_tracking_number or None,
                            'url': shipment.ecom_tracking_url or None,
                            'company': (shipment.ecom_carrier.rec_name
                                if shipment.ecom_carrier else None)}}})
            errors = (data.get('fulfillmentCreate') or {}).get(
                'userErrors') or []
            if errors:
                failed.add(shipment)
                refused.append(f"{shipment.rec_name}: " + '; '.join(
                        e.get('message', '') for e in errors))
            else:
                count += 1
        done = [s for s in {s for s, _ in work} | set(shipments)
            if s not in failed]
    if done:
        Shipment.write(done, {'ecom_fulfilment_pushed': True})
    return count, '\n'.join(refused[:20]) or None


def import_catalogue(channel, client):
    """List the store's variants (REST products.json, 250 a page) with
    their inventory items; returns how many listings were created"""
    Listing = Pool().get('ecom.channel.listing')
    found = []
    with client.session():
        for products in client.pages(shopify.Product, 'GET products.json',
                limit=PER_PAGE):
            for product in products:
                for variant in product.get('variants') or []:
                    title = variant.get('title')
                    found.append({
                            'storefront_product': str(product['id']),
                            'storefront_variant': str(variant['id']),
                            'storefront_sku': variant.get('sku') or None,
                            'storefront_name': ' '.join(filter(None, [
                                        product.get('title'),
                                        None if title == 'Default Title'
                                        else title]))[:255],
                            'ecom_inventory_item': gid('InventoryItem',
                                variant['inventory_item_id'])
                            if variant.get('inventory_item_id') else None})
    return Listing.ecom_import(channel, found)


TASKS = [('pull', pull_orders), ('stock', push_stock),
    ('fulfilment', push_fulfilments)]
