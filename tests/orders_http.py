"""The order intake over HTTP: the generic, WooCommerce and Shopify formats,
idempotency, stock, every kind of bad input (mixed into the intake HTTP
test: its demo database and server)"""
import base64
import hashlib
import hmac
import json
import os
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal('0.01')


def sign(secret, body):
    return base64.b64encode(
        hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def totals(lines, shipping=Decimal(0)):
    "Untaxed, tax (21%, rounded on the document) and total"
    untaxed = sum((Decimal(str(q)) * Decimal(p) for q, p in lines),
        Decimal(0)) + shipping
    tax = (untaxed * Decimal('0.21')).quantize(CENT, ROUND_HALF_EVEN)
    return untaxed, tax, untaxed + tax


class OrdersHTTPTests:

    # happy paths --------------------------------------------------------
    def test_generic_order_becomes_confirmed_sale(self):
        "A paid generic order: sale, customer, shipment, invoice paid by the capture"
        order = self.order()
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        self.assertEqual(answer['status'], 'accepted')
        sale, = self.read('sale.sale', [answer['sale']['id']], [
                'state', 'total_amount', 'tax_amount', 'party', 'number',
                'shipments', 'invoices', 'ecom_payment_state',
                'ecom_external_id', 'invoice_address', 'shipment_address'])
        self.assertEqual(sale['number'], answer['sale']['number'])
        self.assertEqual(sale['state'], 'processing')
        self.assertEqual(sale['total_amount'],
            Decimal(order['totals']['total']))
        self.assertEqual(sale['tax_amount'], Decimal(order['totals']['tax']))
        self.assertEqual(sale['ecom_payment_state'], 'paid')
        self.assertEqual(len(sale['shipments']), 1)
        invoice, = self.read('account.invoice', sale['invoices'],
            ['state', 'total_amount'])
        self.assertEqual(invoice['state'], 'paid')
        self.assertEqual(invoice['total_amount'], sale['total_amount'])
        party, = self.read('party.party', [sale['party']], ['name', 'email'])
        self.assertEqual(party['email'], order['customer']['email'])
        self.assertEqual(sale['invoice_address'], sale['shipment_address'])
        log, = self.rpc('model.ecom.intake.log.search_read',
            [('external_id', '=', order['external_id'])], 0, None, None,
            ['status', 'sale', 'http_status'], {})
        self.assertEqual((log['status'], log['sale'], log['http_status']),
            ('accepted', sale['id'], 201))

    def test_same_customer_is_reused(self):
        "A second order of the same email uses the same party and address"
        first = self.order()
        second = self.order(customer=first['customer'])
        _, a = self.post_generic(first)
        parties = self.count('party.party')
        _, b = self.post_generic(second)
        self.assertEqual(self.count('party.party'), parties)
        sa, sb = self.read('sale.sale', [a['sale']['id'], b['sale']['id']],
            ['party', 'shipment_address'])
        self.assertEqual(sa['party'], sb['party'])
        self.assertEqual(sa['shipment_address'], sb['shipment_address'])

    def test_woocommerce_webhook(self):
        "A signed WooCommerce order.created payload becomes a sale"
        sku, price = list(self.fx['skus'].items())[2]
        discount = Decimal('2.00')
        # What WooCommerce computes: line total after discount, then tax.
        _, tax, total = totals(
            [(1, str(Decimal(price) * 3 - discount))], Decimal('5.00'))
        billing = {'first_name': "Ana", 'last_name': "Gil",
            'address_1': "Rua Nova 1", 'city': "Porto", 'postcode': "4000",
            'country': "PT", 'email': f'{uuid.uuid4().hex[:8]}@example.pt',
            'phone': "+351 900 000 000"}
        payload = {
            'id': int(uuid.uuid4().int % 10**9), 'status': 'processing',
            'currency': 'EUR', 'date_paid': '2026-11-24T10:00:00',
            'billing': billing, 'shipping': {},
            'line_items': [{'sku': sku, 'quantity': 3, 'name': "x",
                    'subtotal': str(Decimal(price) * 3),
                    'total': str(Decimal(price) * 3 - discount)}],
            'shipping_lines': [{'method_title': "Flat rate",
                    'total': '5.00'}],
            'coupon_lines': [{'code': 'WELCOME', 'discount': '2.00'}],
            'total': str(total), 'total_tax': str(tax),
            'meta_data': [  # WooCommerce's order attribution
                {'key': '_wc_order_attribution_utm_source', 'value': 'google'},
                {'key': '_wc_order_attribution_utm_medium', 'value': 'cpc'},
                {'key': '_wc_order_attribution_referrer',
                    'value': 'https://www.google.com/'}],
            }
        body = json.dumps(payload).encode()
        code, answer = self.post(f"{self.fx['woo']}/woocommerce", body, {
                'X-WC-Webhook-Topic': 'order.created',
                'X-WC-Webhook-Signature': sign(self.fx['woo_secret'], body)})
        self.assertEqual((code, answer['status']), (202, 'received'), answer)
        sale, = self.read('sale.sale', [self.sale_of(answer)['id']],
            ['total_amount', 'ecom_coupons', 'ecom_external_id',
                'marketing_source.name', 'marketing_medium.name',
                'marketing_campaign', 'ecom_referrer'])
        self.assertEqual(sale['total_amount'], total)
        self.assertEqual((sale['marketing_source.']['name'],
                sale['marketing_medium.']['name'], sale['marketing_campaign'],
                sale['ecom_referrer']),
            ('google', 'cpc', None, 'https://www.google.com/'))
        self.assertEqual(sale['ecom_coupons'], 'WELCOME')
        self.assertEqual(sale['ecom_external_id'], str(payload['id']))

    def test_shopify_webhook(self):
        "A signed Shopify orders/create payload becomes a sale"
        sku, price = next(iter(self.fx['skus'].items()))
        _, tax, total = totals([(1, price)], Decimal('3.00'))
        payload = {
            'id': 5000000000 + int(uuid.uuid4().int % 10**9),
            'email': f'{uuid.uuid4().hex[:8]}@example.com',
            'currency': 'EUR', 'financial_status': 'pending',
            'customer': {'first_name': "Jon", 'last_name': "Snow"},
            'billing_address': {'first_name': "Jon", 'last_name': "Snow",
                'address1': "Via Roma 2", 'city': "Roma", 'zip': "00100",
                'country_code': "IT"},
            'line_items': [{'sku': sku, 'quantity': 1, 'price': price,
                    'title': "x"}],
            'shipping_lines': [{'title': "Express", 'price': '3.00'}],
            'total_price': str(total), 'total_tax': str(tax),
            'landing_site': '/?utm_source=instagram&utm_campaign=Winter',
            }
        body = json.dumps(payload).encode()
        headers = {'X-Shopify-Topic': 'orders/create',
            'X-Shopify-Hmac-Sha256': sign(self.fx['shopify_secret'], body)}
        code, answer = self.post(f"{self.fx['shopify']}/shopify", body,
            headers)
        self.assertEqual(code, 202, answer)
        sale, = self.read('sale.sale', [self.sale_of(answer)['id']],
            ['id', 'total_amount', 'ecom_payment_state', 'invoices',
                'marketing_campaign.name', 'marketing_source.name',
                'ecom_landing_page'])
        self.assertEqual(sale['total_amount'], total)
        self.assertEqual((sale['marketing_campaign.']['name'],
                sale['marketing_source.']['name'], sale['ecom_landing_page']),
            ('winter', 'instagram', payload['landing_site']))
        self.assertEqual(sale['ecom_payment_state'], 'pending')
        deadline = time.monotonic() + 30  # processed after the answer
        while not sale['invoices'] and time.monotonic() < deadline:
            time.sleep(0.2)
            sale, = self.read('sale.sale', [sale['id']], ['invoices'])
        invoice, = self.read('account.invoice', sale['invoices'], ['state'])
        self.assertEqual(invoice['state'], 'draft')

    def test_attribution_becomes_campaign(self):
        "UTM fields become the sale's campaign, medium and source, by name"
        attribution = {'campaign': 'Rebajas-2026', 'source': 'newsletter',
            'landing_page': '/rebajas?utm_medium=email',
            'referrer': 'https://mail.example.com/'}
        ids = []
        for campaign in ['Rebajas-2026', ' rebajas-2026']:
            code, answer = self.post_generic(self.order(
                    attribution=dict(attribution, campaign=campaign)))
            self.assertEqual(code, 201, answer)
            ids.append(answer['sale']['id'])
        first, second = self.read('sale.sale', ids, ['marketing_campaign',
                'marketing_campaign.name', 'marketing_medium.name',
                'marketing_source.name', 'ecom_referrer',
                'ecom_landing_page'])
        # one campaign, found again whatever the case
        self.assertEqual(first['marketing_campaign'],
            second['marketing_campaign'])
        self.assertEqual((first['marketing_campaign.']['name'],
                first['marketing_medium.']['name'],
                first['marketing_source.']['name'], first['ecom_referrer'],
                first['ecom_landing_page']),
            ('rebajas-2026', 'email', 'newsletter',
                'https://mail.example.com/', '/rebajas?utm_medium=email'))
        campaigns = self.count('marketing.campaign')
        self.assert_refused(422, 'attribution.campaign', self.post_generic,
            self.order(attribution={'campaign': 'x' * 101}))
        # refused by the intake (not the format): its campaign not created
        refused = self.order(attribution={'campaign': 'never-created'})
        refused['lines'][0]['sku'] = 'NO-SUCH-SKU'
        self.assert_refused(422, 'lines[0].sku', self.post_generic, refused)
        self.assertEqual(self.count('marketing.campaign'), campaigns)

    def test_batch(self):
        "A batch answers per order; a bad one does not stop the others"
        good, bad = self.order(), self.order()
        bad['lines'][0]['sku'] = 'NO-SUCH-SKU'
        code, answer = self.post_generic(
            {'orders': [good, bad, good]}, batch=True)
        self.assertEqual(code, 200, answer)
        first, second, third = answer['results']
        self.assertEqual((first['status'], first['http_status']),
            ('accepted', 201))
        self.assertEqual(second['errors'][0]['field'], 'lines[0].sku')
        self.assertEqual(third['status'], 'duplicate')
        self.assertEqual(third['sale'], first['sale'])

    def test_openapi(self):
        "The OpenAPI description is served, every module's routes merged"
        with urllib.request.urlopen(
                self.server.url + 'ecom/v1/openapi.json') as response:
            spec = json.load(response)
        self.assertTrue(spec['openapi'].startswith('3.'))
        for path in ['woocommerce', 'availability', 'merchant.xml', 'cart',
                'returns', 'shipping-rates', 'newsletter']:
            self.assertIn(f'/ecom/v1/channels/{{channel_id}}/{path}',
                spec['paths'])

    # idempotency --------------------------------------------------------
    def test_redelivery_returns_same_sale(self):
        "Ten deliveries of one order: one sale, same id every time"
        order = self.order()
        answers = [self.post_generic(order) for _ in range(10)]
        self.assertEqual(answers[0][0], 201)
        self.assertEqual({c for c, _ in answers[1:]}, {200})
        self.assertEqual({a['sale']['id'] for _, a in answers},
            {answers[0][1]['sale']['id']})
        self.assertEqual(self.count('sale.sale',
                [('ecom_external_id', '=', order['external_id'])]), 1)

    def test_concurrent_redelivery(self):
        "Ten simultaneous deliveries of one order: still one sale"
        order = self.order()
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(
                    lambda _: self.post_generic(order), range(10)))
        self.assertEqual(sorted(c for c, _ in answers), [200] * 9 + [201])
        self.assertEqual(len({a['sale']['id'] for _, a in answers}), 1)
        self.assertEqual(self.count('sale.sale',
                [('ecom_external_id', '=', order['external_id'])]), 1)

    # stock --------------------------------------------------------------
    def test_concurrent_buyers_never_oversell(self):
        "20 buyers at once for the 5 units in stock: 5 served, 15 refused"
        sku = self.fx['race_sku']
        orders = [self.order(lines=[(sku, 1, '10.00')]) for _ in range(20)]
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(self.post_generic, orders))
        codes = sorted(c for c, _ in answers)
        self.assertEqual(codes, [201] * 5 + [409] * 15, answers)
        refused = [a for c, a in answers if c == 409]
        self.assertTrue(all(a['errors'][0]['field'] == 'lines[0].quantity'
                and 'available to sell' in a['errors'][0]['reason']
                for a in refused))
        self.assertEqual(self.count('sale.line', [
                    ('product.code', '=', sku),
                    ('sale.state', 'in', ['confirmed', 'processing'])]), 5)
        code, _ = self.post_generic(self.order(lines=[(sku, 1, '10.00')]))
        self.assertEqual(code, 409)

    def test_backorder_goes_on_hold(self):
        "A channel that allows backorders holds the order with the reason"
        sku = self.fx['hold_sku']
        _, tax, total = totals([(3, '10.00')])
        billing = {'first_name': "Eva", 'address_1': "Main St 1",
            'city': "Lyon", 'postcode': "69001", 'country': "FR",
            'email': f'{uuid.uuid4().hex[:8]}@example.fr'}
        payload = {'id': 777000 + os.getpid() % 1000, 'currency': 'EUR',
            'status': 'pending', 'billing': billing,
            'line_items': [{'sku': sku, 'quantity': 3,
                    'subtotal': '30.00', 'total': '30.00'}],
            'total': str(total), 'total_tax': str(tax)}
        body = json.dumps(payload).encode()
        code, answer = self.post(f"{self.fx['woo']}/woocommerce", body, {
                'X-WC-Webhook-Signature': sign(self.fx['woo_secret'], body)})
        self.assertEqual(code, 202, answer)
        held = self.sale_of(answer)
        sale, = self.read('sale.sale', [held['id']],
            ['state', 'ecom_hold_reason'])
        self.assertIn("3 ordered, 1 available to sell",
            sale['ecom_hold_reason'])
        self.assertEqual(sale['state'], 'quotation')
        self.assertIn(sale['ecom_hold_reason'], held['event']['note'])

    # bad input ----------------------------------------------------------
    def test_malformed_json(self):
        self.assert_refused(400, 'body', self.post_generic, b'{"external_id"')

    def test_unknown_sku(self):
        order = self.order()
        order['lines'][1]['sku'] = 'NOPE-404'
        answer = self.assert_refused(
            422, 'lines[1].sku', self.post_generic, order)
        self.assertIn("'NOPE-404'", answer['errors'][0]['reason'])

    def test_zero_and_negative_quantity(self):
        for quantity in [0, -2]:
            order = self.order()
            order['lines'][0]['quantity'] = quantity
            self.assert_refused(
                422, 'lines[0].quantity', self.post_generic, order)

    def test_unknown_currency(self):
        self.assert_refused(422, 'currency', self.post_generic,
            self.order(currency='XYZ'))

    def test_missing_address_field(self):
        order = self.order()
        del order['billing_address']['city']
        self.assert_refused(
            422, 'billing_address.city', self.post_generic, order)

    def test_total_mismatch(self):
        order = self.order()
        real = Decimal(order['totals']['total'])
        order['totals']['total'] = str(real + CENT)
        answer = self.assert_refused(
            422, 'totals.total', self.post_generic, order)
        reason = answer['errors'][0]['reason']
        self.assertIn(str(real + CENT), reason)
        self.assertIn(str(real), reason)

    def test_oversized_body(self):
        order = self.order()
        order['padding'] = 'x' * (1 << 20)
        self.assert_refused(413, 'body', self.post_generic, order)

    def test_wrong_signature(self):
        body = json.dumps({'id': 1}).encode()
        self.assert_refused(401, 'X-WC-Webhook-Signature', self.post,
            f"{self.fx['woo']}/woocommerce", body,
            {'X-WC-Webhook-Signature': sign('not-the-secret', body)})

    def test_wrong_key(self):
        self.assert_refused(401, 'Authorization', self.post_generic,
            self.order(), key='ek_00000000_forged')

    def test_other_company_channel(self):
        "A key opens its own channel only, never another company's"
        # Logged under no company: administrators see it, staff do not.
        self.assert_refused(403, 'channel', self.post_generic, self.order(),
            channel=self.fx['other'])
        self.assert_refused(403, 'channel', self.post_generic, self.order(),
            key=self.fx['other_key'])

    def test_unauthenticated_body_not_kept(self):
        "A refused key: the log keeps size and digest, no company, not read"
        order = self.order()
        self.assert_refused(401, 'Authorization', self.post_generic,
            order, key='ek_00000000_forged')
        entry = self.newest_rejected()
        self.assertRegex(entry['payload'],
            r'^\[not stored: \d+ bytes, sha256 [0-9a-f]{64}\]$')
        self.assertNotIn(order['external_id'], str(entry))
        self.assertIsNone(entry['company'])
        self.assertEqual(entry['remote_addr'], '127.0.0.1')
        from tests.test_intake_http import PASSWORD
        staff = self.server.login('staff', PASSWORD)
        self.assertEqual(self.server.rpc('model.ecom.intake.log.search', [
                    ('id', '=', entry['id'])], 0, None, None, {},
                session=staff), [])
        # a large body is not read before its key was checked
        big = dict(order, note='x' * (100 << 10))
        self.assert_refused(401, 'Authorization', self.post_generic,
            big, key='ek_00000000_forged')
        self.assertRegex(self.newest_rejected()['payload'],
            r'^\[not read: \d+ bytes sent before authentication\]$')

    def newest_rejected(self):
        ids = self.rpc('model.ecom.intake.log.search',
            [('status', '=', 'rejected')], 0, 1, [('id', 'DESC')], {})
        entry, = self.read('ecom.intake.log', ids,
            ['payload', 'company', 'remote_addr'])
        return entry

    def test_unknown_channel(self):
        self.assert_refused(404, 'channel', self.post_generic, self.order(),
            channel=999999)
