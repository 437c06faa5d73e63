"""A WooCommerce storefront on 127.0.0.1 for the tests and the benchmark.

It serves the documented subset of the REST API v3 the connector uses
(``GET orders`` with ``modified_after``/``page``/``per_page`` and the
``X-WP-Total``/``X-WP-TotalPages`` headers, ``GET products`` and
``products/<id>/variations`` likewise; ``POST products/batch``,
``products/<id>/variations/batch`` and ``orders/batch``, at most 100 items,
unknown ids answered per item as WooCommerce does), with payloads shaped
like the documentation's examples (amounts as strings, empty SKUs,
``variation_id`` 0), checks the OAuth 1.0a consumer key the official client
sends over plain HTTP, and posts signed webhooks like WooCommerce (topic,
delivery id, base64 HMAC-SHA256 of the body). ``faults`` makes the next
answers 429 (with Retry-After) or 5xx; a delivery can be dropped.
"""
import base64
import datetime
import hashlib
import hmac
import itertools
import json
import threading
import urllib.error
import urllib.request
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.modules.ecom_base.tests.http_server import (
    SimulatedStore,
    StorefrontServer,
)

PREFIX = '/wp-json/wc/v3/'
MAX_ITEMS = 100
CENT = Decimal('0.01')


class Simulator(SimulatedStore):
    "One WooCommerce store"

    def __init__(self, consumer_key='ck_test', consumer_secret='cs_test',
            webhook_url=None, webhook_secret=None, tax_rate='0.21',
            currency='EUR'):
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.tax_rate = Decimal(tax_rate)
        self.currency = currency
        self.orders = {}
        self.products = {}  # id -> {'stock_quantity', 'variations': {...}}
        self.calls = []  # (method, endpoint)
        self.faults = []  # (status, headers) answered next, in order
        self.failures_in_a_row = 0
        self.webhook_disabled = False
        self.lock = threading.Lock()
        self._ids = itertools.count(1001)
        self._deliveries = itertools.count(1)
        self._clock = datetime.datetime.now(datetime.UTC).replace(
            tzinfo=None, microsecond=0) - datetime.timedelta(hours=1)
        self.http = StorefrontServer(self)

    def tick(self):
        "The store's clock: every change a second later (whole seconds)"
        with self.lock:
            self._clock += datetime.timedelta(seconds=1)
            return self._clock.isoformat()

    # catalogue ------------------------------------------------------------
    def add_product(self, product_id, variations=(), sku='', name=None):
        """A simple product, or a variable one of variations: ids or
        (id, sku, size) tuples"""
        variations = [v if isinstance(v, tuple) else (v, '', '')
            for v in variations]
        self.products[int(product_id)] = {'id': int(product_id),
            'name': name or f"Product {product_id}",
            'type': 'variable' if variations else 'simple',
            'sku': sku, 'status': 'publish',
            'manage_stock': False, 'stock_quantity': None,
            'variations': {int(v): {'id': int(v), 'sku': vsku,
                    'attributes': [{'id': 1, 'name': "Size",
                            'option': size}] if size else [],
                    'manage_stock': False, 'stock_quantity': None}
                for v, vsku, size in variations}}

    # orders ---------------------------------------------------------------
    def new_order(self, lines, email, status='processing', currency=None):
        """An order as the REST API documents it; lines: (product_id,
        variation_id, sku, quantity, unit price)"""
        order_id = next(self._ids)
        now = self.tick()
        items, subtotal = [], Decimal(0)
        for i, (product_id, variation_id, sku, quantity, price) in enumerate(
                lines):
            amount = Decimal(price) * quantity
            subtotal += amount
            items.append({'id': order_id * 100 + i, 'name': f"Item {sku}",
                    'product_id': product_id, 'variation_id': variation_id,
                    'quantity': quantity, 'tax_class': '',
                    'subtotal': f'{amount:.2f}', 'subtotal_tax': '0.00',
                    'total': f'{amount:.2f}', 'total_tax': '0.00',
                    'taxes': [], 'meta_data': [], 'sku': sku,
                    'price': float(price)})
        tax = (subtotal * self.tax_rate).quantize(CENT, ROUND_HALF_EVEN)
        address = {'first_name': "Laia", 'last_name': "Serra",
            'company': '', 'address_1': "Carrer Major 12", 'address_2': '',
            'city': "Lleida", 'state': '', 'postcode': "25001",
            'country': "ES"}
        order = {
            'id': order_id, 'parent_id': 0, 'number': str(order_id),
            'order_key': f'wc_order_{order_id}', 'created_via': 'checkout',
            'version': '9.4.0', 'status': status,
            'currency': currency or self.currency,
            'date_created': now, 'date_created_gmt': now,
            'date_modified': now, 'date_modified_gmt': now,
            'discount_total': '0.00', 'discount_tax': '0.00',
            'shipping_total': '0.00', 'shipping_tax': '0.00',
            'cart_tax': f'{tax:.2f}', 'total': f'{subtotal + tax:.2f}',
            'total_tax': f'{tax:.2f}', 'prices_include_tax': False,
            'customer_id': 0, 'customer_note': '',
            'billing': dict(address, email=email, phone=''),
            'shipping': dict(address, phone=''),
            'payment_method': 'stripe', 'payment_method_title': "Card",
            'transaction_id': f'pi_{order_id}' if status in {
                'processing', 'completed'} else '',
            'date_paid': now if status in {'processing', 'completed'}
            else None,
            'date_completed': None, 'meta_data': [], 'line_items': items,
            'tax_lines': [], 'shipping_lines': [], 'fee_lines': [],
            'coupon_lines': [], 'refunds': [],
            }
        with self.lock:
            self.orders[order_id] = order
        return order

    def change_order(self, order_id, **changes):
        order = self.orders[order_id]
        with self.lock:
            order.update(changes)
        order['date_modified'] = order['date_modified_gmt'] = self.tick()
        return order

    def deliver(self, order, topic='order.created'):
        "Post the order's webhook as WooCommerce does; the answer status"
        if self.webhook_disabled:
            return None
        body = json.dumps(order).encode()
        signature = base64.b64encode(hmac.new(self.webhook_secret.encode(),
                body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(self.webhook_url, data=body,
            method='POST', headers={'Content-Type': 'application/json',
                'X-WC-Webhook-Topic': topic,
                'X-WC-Webhook-Resource': 'order',
                'X-WC-Webhook-Event': topic.split('.')[1],
                'X-WC-Webhook-Source': self.url,
                'X-WC-Webhook-Delivery-ID': str(next(self._deliveries)),
                'X-WC-Webhook-Signature': signature})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
        with self.lock:
            # WooCommerce disables a webhook after 5 failures in a row
            self.failures_in_a_row = (0 if 200 <= status < 300
                else self.failures_in_a_row + 1)
            if self.failures_in_a_row >= 5:
                self.webhook_disabled = True
        return status

    # the REST API ---------------------------------------------------------
    def answer(self, method, path, query, body, headers):
        "(status, headers, JSON) of one API request"
        if not path.startswith(PREFIX):
            return 404, {}, {'code': 'rest_no_route'}
        endpoint = path[len(PREFIX):]
        with self.lock:
            self.calls.append((method, endpoint))
            if self.faults:
                status, headers = self.faults.pop(0)
                return status, headers, {'code': 'simulated_fault',
                    'message': "simulated", 'data': {'status': status}}
        if query.get('oauth_consumer_key') != self.consumer_key or (
                not query.get('oauth_signature')):
            return 401, {}, {'code': 'woocommerce_rest_authentication_error',
                'message': "Invalid signature - provided signature does not"
                " match.", 'data': {'status': 401}}
        if method == 'GET' and endpoint == 'orders':
            return self._orders(query)
        if method == 'GET' and endpoint == 'products':
            return self._page(query, [dict(p, variations=sorted(
                            p['variations'])) for _, p in sorted(
                        self.products.items())])
        parts = endpoint.split('/')
        if (method == 'GET' and len(parts) == 3 and parts[2] == 'variations'
                and int(parts[1]) in self.products):
            return self._page(query, [v for _, v in sorted(
                        self.products[int(parts[1])]['variations'].items())])
        if method == 'POST' and endpoint.endswith('/batch'):
            return self._batch(endpoint, body)
        return 404, {}, {'code': 'rest_no_route',
            'message': "No route was found matching the URL and request "
            "method.", 'data': {'status': 404}}

    def _orders(self, query):
        orders = sorted(self.orders.values(),
            key=lambda o: (o['date_modified_gmt'], o['id']))
        if query.get('modified_after'):
            after = datetime.datetime.fromisoformat(
                query['modified_after']).replace(tzinfo=None)
            orders = [o for o in orders if datetime.datetime.fromisoformat(
                    o['date_modified_gmt']) > after]
        if query.get('order', 'desc') == 'desc':
            orders.reverse()
        return self._page(query, orders)

    def _page(self, query, items):
        "A page of a listed endpoint, with WooCommerce's total headers"
        per_page = int(query.get('per_page', 10))
        if not 1 <= per_page <= 100:
            return 400, {}, {'code': 'rest_invalid_param',
                'message': "Invalid parameter(s): per_page",
                'data': {'status': 400}}
        page = int(query.get('page', 1))
        pages = max((len(items) + per_page - 1) // per_page, 1)
        return 200, {'X-WP-Total': str(len(items)),
            'X-WP-TotalPages': str(pages)}, [
            dict(i) for i in items[(page - 1) * per_page:page * per_page]]

    def _batch(self, endpoint, body):
        updates = (body or {}).get('update') or []
        if len(updates) > MAX_ITEMS:
            return 413, {}, {'code': 'woocommerce_rest_request_entity_too_'
                'large', 'message': f"Unable to accept more than "
                f"{MAX_ITEMS} items for this request.",
                'data': {'status': 413}}
        parts = endpoint.split('/')
        answers = []
        with self.lock:
            for update in updates:
                if parts[0] == 'orders':
                    target = self.orders.get(update.get('id'))
                elif len(parts) == 4:  # products/<id>/variations/batch
                    target = self.products.get(int(parts[1]), {}).get(
                        'variations', {}).get(update.get('id'))
                else:
                    target = self.products.get(update.get('id'))
                if target is None:
                    answers.append({'id': update.get('id'), 'error': {
                                'code': 'woocommerce_rest_invalid_id',
                                'message': "Invalid ID.",
                                'data': {'status': 400}}})
                    continue
                target.update({k: v for k, v in update.items() if k != 'id'})
                answers.append(dict(target))
        return 200, {}, {'update': answers}
