"""A Shopify store on 127.0.0.1 for the tests and the benchmark.

It serves the subset of the Admin API (version 2024-10) the connector uses:

* REST ``GET orders.json`` (``status``, ``updated_at_min``, ``limit`` at
  most 250, cursor pagination: a ``Link`` header with ``page_info``, which
  admits no other filter), orders shaped as the REST reference and the
  webhooks show them (amounts as strings and ``*_set`` money, ``tax_lines``,
  ``name`` #…, ids above 2^53); ``GET products.json`` with the variants;
* GraphQL ``POST graphql.json``, by operation name (the connector sends
  named operations with variables): ``Locations``, ``InventoryItems``
  (``nodes`` of variants), ``SetQuantities`` (``inventorySetQuantities``, at
  most 250 quantities, unknown items or locations as ``userErrors``),
  ``FulfillmentOrders`` (``nodes`` of orders) and ``CreateFulfillment``
  (``fulfillmentCreate`` with tracking); every answer carries
  ``extensions.cost`` and a leaky bucket (1,000 points, 50 a second)
  answers ``THROTTLED`` when empty;
* the ``X-Shopify-Access-Token`` header (401 otherwise), ``faults`` to
  answer the next requests 429 (Retry-After), 5xx or ``THROTTLED``, and
  signed webhooks (``X-Shopify-Hmac-Sha256``, base64 HMAC-SHA256 of the
  body).
"""
import base64
import datetime
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.modules.ecom_base.tests.http_server import (
    SimulatedStore,
    StorefrontServer,
)

PREFIX = '/admin/api/2024-10/'
MAX_LIMIT = 250
MAX_INPUT = 250
BUCKET, RESTORE = 1000.0, 50.0
GID = 'gid://shopify/'
CENT = Decimal('0.01')
COSTS = {'Locations': 2, 'InventoryItems': 1, 'SetQuantities': 10,
    'FulfillmentOrders': 2, 'CreateFulfillment': 10}


def _num(gid):
    return int(str(gid).rsplit('/', 1)[-1])


class Simulator(SimulatedStore):
    "One Shopify store"

    def __init__(self, token='shpat_test', tax_rate='0.06',
            tax_title="PA State Tax", currency='USD', webhook_url=None,
            webhook_secret=None, address=None):
        self.token = token
        self.tax_rate, self.tax_title = Decimal(tax_rate), tax_title
        self.currency = currency
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.address = {'first_name': "Amy", 'last_name': "Ross",
            'name': "Amy Ross", 'company': None, 'address1': "12 Market St",
            'address2': None, 'city': "Philadelphia", 'province_code': "PA",
            'zip': "19106", 'country_code': "US", 'phone': None}
        self.address.update(address or {})
        self.orders = {}
        self.variants = {}  # id -> {'product_id', 'inventory_item_id'}
        self.inventory = {}  # (inventory item id, location id) -> available
        self.locations = [71]
        self.fulfillment_orders = {}  # id -> {'order_id', 'status'}
        self.fulfillments = []  # what fulfillmentCreate received
        self.calls = []  # (method, endpoint or operation)
        self.faults = []  # (status or 'THROTTLED', headers), next first
        self.lock = threading.Lock()
        self._bucket, self._bucket_at = BUCKET, time.monotonic()
        # Shopify's ids pass 2^53 (JavaScript's safe integers)
        self._ids = itertools.count(2 ** 53 + 5001)
        self._pages = {}
        self._clock = datetime.datetime.now(datetime.UTC).replace(
            microsecond=0) - datetime.timedelta(hours=1)
        self.http = StorefrontServer(self)

    def tick(self):
        "The store's clock, a second later at every change (shop time)"
        with self.lock:
            self._clock += datetime.timedelta(seconds=1)
            return self._clock.astimezone(datetime.timezone(
                    datetime.timedelta(hours=-5))).isoformat()

    # catalogue ------------------------------------------------------------
    def add_variant(self, product_id, variant_id, sku='', title=None,
            product_title=None):
        item = 90000 + variant_id
        self.variants[variant_id] = {'product_id': product_id,
            'inventory_item_id': item, 'sku': sku,
            'title': title or 'Default Title',
            'product_title': product_title or f"Product {product_id}"}
        return item

    def available(self, variant_id, location=None):
        item = self.variants[variant_id]['inventory_item_id']
        return self.inventory.get((item, location or self.locations[0]))

    # orders ---------------------------------------------------------------
    def new_order(self, lines, email, financial_status='paid'):
        """An order as the REST API shows it; lines: (product_id,
        variant_id, sku, quantity, unit price), taxed at the store's rate"""
        order_id = next(self._ids)
        now = self.tick()
        items, subtotal, tax = [], Decimal(0), Decimal(0)
        for i, (product_id, variant_id, sku, quantity, price) in enumerate(
                lines):
            amount = Decimal(price) * quantity
            line_tax = (amount * self.tax_rate).quantize(CENT, ROUND_HALF_EVEN)
            subtotal, tax = subtotal + amount, tax + line_tax
            items.append({'id': order_id * 100 + i, 'product_id': product_id,
                    'variant_id': variant_id, 'title': f"Item {sku}",
                    'name': f"Item {sku}", 'sku': sku, 'quantity': quantity,
                    'price': f'{Decimal(price):.2f}',
                    'price_set': self._money(Decimal(price)), 'taxable': True,
                    'fulfillable_quantity': quantity,
                    'fulfillment_status': None, 'discount_allocations': [],
                    'tax_lines': [{'title': self.tax_title,
                            'price': f'{line_tax:.2f}',
                            'rate': float(self.tax_rate)}]})
        address = dict(self.address)
        order = {
            'id': order_id, 'admin_graphql_api_id': f'{GID}Order/{order_id}',
            'name': f'#{order_id}', 'order_number': order_id,
            'email': email, 'currency': self.currency,
            'created_at': now, 'updated_at': now, 'processed_at': now,
            'cancelled_at': None, 'cancel_reason': None,
            'financial_status': financial_status,
            'fulfillment_status': None, 'taxes_included': False,
            'subtotal_price': f'{subtotal:.2f}',
            'subtotal_price_set': self._money(subtotal),
            'total_tax': f'{tax:.2f}', 'total_tax_set': self._money(tax),
            'total_price': f'{subtotal + tax:.2f}',
            'total_price_set': self._money(subtotal + tax),
            'presentment_currency': self.currency,
            'total_discounts': '0.00', 'discount_codes': [],
            'checkout_id': order_id + 70000,
            'payment_gateway_names': ['shopify_payments'],
            'customer': {'id': order_id + 30000, 'email': email,
                'first_name': "Amy", 'last_name': "Ross"},
            'customer_locale': 'en-US',
            'billing_address': address, 'shipping_address': dict(address),
            'line_items': items, 'shipping_lines': [], 'refunds': [],
            }
        with self.lock:
            self.orders[order_id] = order
            self.fulfillment_orders[order_id + 80000] = {
                'order_id': order_id, 'status': 'OPEN'}
        return order

    def _money(self, amount):
        "A *_set money field: the shop's and the customer's currency"
        money = {'amount': f'{amount:.2f}', 'currency_code': self.currency}
        return {'shop_money': money, 'presentment_money': dict(money)}

    def change_order(self, order_id, **changes):
        order = self.orders[order_id]
        with self.lock:
            order.update(changes)
        order['updated_at'] = self.tick()
        return order

    def deliver(self, order, topic='orders/create'):
        "Post the order's webhook as Shopify does; the answer's status"
        body = json.dumps(order).encode()
        signature = base64.b64encode(hmac.new(self.webhook_secret.encode(),
                body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(self.webhook_url, data=body,
            method='POST', headers={'Content-Type': 'application/json',
                'X-Shopify-Topic': topic, 'X-Shopify-Hmac-Sha256': signature,
                'X-Shopify-Shop-Domain': 'simulated.myshopify.com',
                'X-Shopify-API-Version': '2024-10',
                'X-Shopify-Webhook-Id': f'wh-{next(self._ids)}',
                'X-Shopify-Triggered-At': order['updated_at']})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    # the Admin API --------------------------------------------------------
    def answer(self, method, path, query, body, headers):
        "(status, headers, JSON) of one request"
        if not path.startswith(PREFIX):
            return 404, {}, {'errors': "Not Found"}
        endpoint = path[len(PREFIX):]
        operation = (body or {}).get('operationName') if (
            endpoint == 'graphql.json') else None
        with self.lock:
            self.calls.append((method, operation or endpoint))
            fault = None
            # THROTTLED is GraphQL's answer; REST's is 429
            if self.faults and (operation or self.faults[0][0] != (
                        'THROTTLED')):
                fault = self.faults.pop(0)
        if headers.get('X-Shopify-Access-Token') != self.token:
            return 401, {}, {'errors': "[API] Invalid API key or access "
                "token (unrecognized login or wrong password)"}
        if fault and fault[0] != 'THROTTLED':
            return fault[0], fault[1], {'errors': "simulated fault"}
        if method == 'GET' and endpoint == 'orders.json':
            return self._orders(query)
        if method == 'GET' and endpoint == 'products.json':
            return self._products(query)
        if method == 'POST' and endpoint == 'graphql.json':
            return self._graphql(body or {}, throttled=bool(fault))
        return 404, {}, {'errors': "Not Found"}

    def _page(self, query, endpoint, all_ids):
        """(error, ids of the page, headers) of a cursor-paginated
        endpoint; all_ids() lists the filtered ids of a first page"""
        limit = int(query.get('limit', 50))
        if not 1 <= limit <= MAX_LIMIT:
            return (400, {}, {'errors': {'limit': [
                            f"must be between 1 and {MAX_LIMIT}"]}}), [], {}
        if 'page_info' in query:
            if set(query) - {'page_info', 'limit', 'fields'}:
                return (400, {}, {'errors': {'page_info': [(
                                    "page_info admits no other parameter "
                                    "than limit and fields")]}}), [], {}
            ids, offset = self._pages.get(query['page_info'], ([], 0))
        else:
            ids, offset = all_ids(), 0
        headers = {}
        if offset + limit < len(ids):
            token = f'p{next(self._ids)}'
            self._pages[token] = (ids, offset + limit)
            headers['Link'] = (f'<{self.url}{PREFIX[1:]}{endpoint}?'
                f'limit={limit}&page_info={token}>; rel="next"')
        return None, ids[offset:offset + limit], headers

    def _orders(self, query):
        def all_ids():
            orders = sorted(self.orders.values(), key=lambda o: o['id'])
            if query.get('updated_at_min'):
                since = datetime.datetime.fromisoformat(
                    query['updated_at_min'])
                orders = [o for o in orders if datetime.datetime.fromisoformat(
                        o['updated_at']) >= since]
            return [o['id'] for o in orders]
        error, chunk, headers = self._page(query, 'orders.json', all_ids)
        if error:
            return error
        return 200, headers, {'orders': [
                json.loads(json.dumps(self.orders[i])) for i in chunk]}

    def _products(self, query):
        "Products with their variants, paginated like the orders"
        error, chunk, headers = self._page(query, 'products.json',
            lambda: sorted({v['product_id'] for v in self.variants.values()}))
        if error:
            return error
        products = []
        for product_id in chunk:
            variants = [(i, v) for i, v in sorted(self.variants.items())
                if v['product_id'] == product_id]
            products.append({'id': product_id,
                    'admin_graphql_api_id': f'{GID}Product/{product_id}',
                    'title': variants[0][1]['product_title'],
                    'status': 'active', 'variants': [{
                            'id': i, 'product_id': product_id,
                            'title': v['title'], 'sku': v['sku'],
                            'price': '20.00',
                            'inventory_item_id': v['inventory_item_id'],
                            'inventory_management': 'shopify',
                            'admin_graphql_api_id':
                            f'{GID}ProductVariant/{i}'}
                        for i, v in variants]})
        return 200, headers, {'products': products}

    # GraphQL ---------------------------------------------------------------
    def _graphql(self, body, throttled=False):
        operation = body.get('operationName')
        variables = body.get('variables') or {}
        cost = COSTS.get(operation, 1) + len(variables.get('ids') or [])
        with self.lock:
            now = time.monotonic()
            self._bucket = min(BUCKET,
                self._bucket + (now - self._bucket_at) * RESTORE)
            self._bucket_at = now
            if throttled or self._bucket < cost:
                available = min(self._bucket, cost - 1)
                return 200, {}, {'errors': [{'message': "Throttled",
                            'extensions': {'code': 'THROTTLED',
                                'documentation': "https://shopify.dev/api/"
                                "usage/rate-limits"}}],
                    'extensions': self._cost(cost, None, available)}
            self._bucket -= cost
            available = self._bucket
        handler = getattr(self, f'_op_{operation}', None)
        if handler is None:
            return 200, {}, {'errors': [{'message':
                        f"No operation named {operation!r}"}]}
        with self.lock:
            data, errors = handler(variables)
        answer = {'data': data, 'extensions': self._cost(
                cost, cost, available)}
        if errors:
            answer['errors'] = errors
        return 200, {}, answer

    def _cost(self, requested, actual, available):
        return {'cost': {'requestedQueryCost': requested,
                'actualQueryCost': actual, 'throttleStatus': {
                    'maximumAvailable': BUCKET,
                    'currentlyAvailable': available,
                    'restoreRate': RESTORE}}}

    def _op_Locations(self, variables):
        return {'locations': {'nodes': [{'id': f'{GID}Location/{i}',
                        'name': "Shop location"} for i in self.locations]}
            }, None

    def _op_InventoryItems(self, variables):
        nodes = []
        for gid in variables.get('ids') or []:
            variant = self.variants.get(_num(gid)) if (
                'ProductVariant/' in gid) else None
            nodes.append({'id': gid, 'inventoryItem': {'id': (
                            f"{GID}InventoryItem/"
                            f"{variant['inventory_item_id']}")}}
                if variant else None)
        return {'nodes': nodes}, None

    def _op_SetQuantities(self, variables):
        data = variables.get('input') or {}
        quantities = data.get('quantities') or []
        if len(quantities) > MAX_INPUT:
            return None, [{'message': f"The input array size of "
                    f"{len(quantities)} is greater than the maximum allowed "
                    f"of {MAX_INPUT}.", 'extensions': {
                        'code': 'MAX_INPUT_SIZE_EXCEEDED'}}]
        items = {v['inventory_item_id'] for v in self.variants.values()}
        errors = []
        for i, q in enumerate(quantities):
            if _num(q['inventoryItemId']) not in items:
                errors.append({'field': ['input', 'quantities', str(i),
                            'inventoryItemId'], 'code': 'INVALID_INVENTORY_ITEM',
                    'message': "The specified inventory item could not be "
                    "found."})
            elif _num(q['locationId']) not in self.locations:
                errors.append({'field': ['input', 'quantities', str(i),
                            'locationId'], 'code': 'INVALID_LOCATION',
                    'message': "The specified location could not be found."})
        if not errors:  # all or nothing
            for q in quantities:
                self.inventory[(_num(q['inventoryItemId']),
                        _num(q['locationId']))] = q['quantity']
        return {'inventorySetQuantities': {
                'inventoryAdjustmentGroup': None if errors else {
                    'id': f'{GID}InventoryAdjustmentGroup/{len(self.calls)}'},
                'userErrors': errors}}, None

    def _op_FulfillmentOrders(self, variables):
        nodes = []
        for gid in variables.get('ids') or []:
            order_id = _num(gid)
            if order_id not in self.orders:
                nodes.append(None)
                continue
            nodes.append({'id': gid, 'fulfillmentOrders': {'nodes': [
                            {'id': f'{GID}FulfillmentOrder/{i}',
                                'status': f['status']}
                            for i, f in self.fulfillment_orders.items()
                            if f['order_id'] == order_id]}})
        return {'nodes': nodes}, None

    def _op_CreateFulfillment(self, variables):
        data = variables.get('fulfillment') or {}
        ids = [_num(f['fulfillmentOrderId'])
            for f in data.get('lineItemsByFulfillmentOrder') or []]
        wrong = [i for i in ids if self.fulfillment_orders.get(
                i, {}).get('status') not in {'OPEN', 'IN_PROGRESS'}]
        if not ids or wrong:
            return {'fulfillmentCreate': {'fulfillment': None, 'userErrors': [
                        {'field': ['fulfillment'], 'message':
                            "Fulfillment order does not exist or is not "
                            "open."}]}}, None
        for i in ids:
            self.fulfillment_orders[i]['status'] = 'CLOSED'
            order = self.orders[self.fulfillment_orders[i]['order_id']]
            order['fulfillment_status'] = 'fulfilled'
        self.fulfillments.append(data)
        return {'fulfillmentCreate': {'fulfillment': {
                    'id': f'{GID}Fulfillment/{len(self.fulfillments)}',
                    'status': 'SUCCESS'}, 'userErrors': []}}, None
