import datetime
import unittest
from decimal import Decimal

from trytond.model.exceptions import SQLConstraintError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.channel_auth import sign
from trytond.modules.ecom_orders.event_process import facts
from trytond.modules.ecom_orders.intake_format import (
    IntakeError,
    Line,
    decode,
    net_unit_price,
    parse_order,
)
from trytond.modules.ecom_orders.lifecycle import storefront_status
from trytond.modules.ecom_orders.webhooks import to_order
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .test_payment_moves import PaymentMovesMixin
from .test_posting_locks import PostingLocksMixin
from .test_queue import QueueMixin
from .test_retention import RetentionMixin
from .tools import create_channel, create_shop

_shop = create_shop
_channel = create_channel


class EcomOrdersTestCase(
        PaymentMovesMixin, PostingLocksMixin, QueueMixin, RetentionMixin, DependencyCacheMixin,
        SpanishTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce orders module"
    module = 'ecom_orders'

    @property
    def _skip_company_rule(self):
        # The intake log's rule is "company in the user's companies OR no
        # company": a delivery to an unknown channel has no company and
        # must still be visible (test_intake_log_company_rule).
        return super()._skip_company_rule | {('ecom.intake.log', 'company')}

    @with_transaction()
    def test_channel_defaults_and_unique_code(self):
        "A channel defaults to the generic kind, no backorders; code unique"
        company = create_company()
        with set_company(company):
            shop = _shop()
            channel = _channel(shop)
            self.assertEqual(channel.company, company)
            self.assertEqual(channel.kind, 'generic')
            self.assertFalse(channel.allow_backorders)
            with self.assertRaises(SQLConstraintError) as cm:
                _channel(shop)
            self.assertIn('"Code"', str(cm.exception))

    @with_transaction()
    def test_sale_external_id_unique_and_not_copied(self):
        "One sale per channel and external order id; copies drop the id"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            party, = Party.create([{'name': "Customer"}])
            values = {
                'party': party.id, 'ecom_channel': channel.id,
                'ecom_external_id': '1001'}
            sale, = Sale.create([values])
            self.assertEqual(channel.sales, (sale,))
            copy, = Sale.copy([sale])
            self.assertIsNone(copy.ecom_external_id)
            self.assertEqual(copy.ecom_channel, channel)
            with self.assertRaises(SQLConstraintError) as cm:
                Sale.create([values])
            self.assertIn('"External Order ID"', str(cm.exception))


    @with_transaction()
    def test_api_key_authenticate_and_rotate(self):
        "Only the current key of an active channel authenticates"
        Channel = Pool().get('ecom.channel')
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            other = _channel(channel.shop, 'other')
            key = channel.set_new_api_key()
            other.set_new_api_key()
            self.assertTrue(key.startswith(channel.api_key_prefix))
            self.assertNotIn(key, [channel.api_key_prefix, channel.api_key_hash])
            self.assertEqual(Channel.authenticate(key), channel)
            for wrong in [None, '', 'ek_', key[:-1], key + 'x',
                    'xx' + key[2:], key.replace('ek_', 'ek_0', 1)]:
                self.assertIsNone(Channel.authenticate(wrong), wrong)
            new_key = channel.set_new_api_key()
            self.assertIsNone(Channel.authenticate(key))
            self.assertEqual(Channel.authenticate(new_key), channel)
            Channel.write([channel], {'active': False})
            self.assertIsNone(Channel.authenticate(new_key))
            copy, = Channel.copy([other], {'code': 'copy'})
            self.assertIsNone(copy.api_key_hash)
            self.assertIsNone(copy.hmac_secret)

    def test_webhook_signature(self):
        "The signature is base64 HMAC-SHA256 of the raw body, as Woo sends it"
        # Vector computed independently:
        # printf '{"id":1}' | openssl dgst -sha256 -hmac secret -binary | base64
        self.assertEqual(
            sign('secret', b'{"id":1}'),
            'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=')

    @with_transaction()
    def test_check_signature(self):
        "A channel accepts only bodies signed with its secret"
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            body = b'{"id": 1001, "total": "193.60"}'
            self.assertFalse(channel.check_signature(body, sign('s3cret', body)))
            channel.hmac_secret = 's3cret'
            channel.save()
            self.assertTrue(channel.check_signature(body, sign('s3cret', body)))
            self.assertFalse(channel.check_signature(
                    body.replace(b'193', b'1'), sign('s3cret', body)))
            self.assertFalse(channel.check_signature(body, sign('other', body)))
            self.assertFalse(channel.check_signature(body, None))
            self.assertFalse(channel.check_signature(body, ''))

    @with_transaction()
    def test_intake_log_company_rule(self):
        """Logs are limited to the user's companies; those of no company
        (refused before authentication) to administrators"""
        pool = Pool()
        Log = pool.get('ecom.intake.log')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            other = create_company(name="Other")
            Log.create([
                    {'company': company.id, 'channel': channel.id,
                        'kind': 'generic', 'status': 'accepted'},
                    {'company': other.id, 'kind': 'generic',
                        'status': 'rejected'},
                    {'company': None, 'kind': 'shopify',
                        'status': 'rejected'},
                    ])
            clerks = pool.get('ir.model.data').get_id(
                'ecom_base', 'group_ecom_user')
            user, = User.create([{'login': 'clerk',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'groups': [('add', [clerks])]}])
            admin, = User.create([{'login': 'boss',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'groups': [('add', [clerks, pool.get(
                                            'ir.model.data').get_id(
                                            'res', 'group_admin')])]}])
            for login, seen in [(user, [company.id]),
                    (admin, [company.id, None])]:
                with Transaction().set_user(login.id), \
                        Transaction().set_context(_check_access=True):
                    companies = [
                        l.company.id if l.company else None
                        for l in Log.search([])]
                    self.assertCountEqual(companies, seen)


del ModuleTestCase


class IntakeFormatTestCase(unittest.TestCase):
    "The order formats, checked without a database"

    def generic(self, **changes):
        order = {
            'external_id': 'A-1', 'currency': 'eur',
            'customer': {'email': 'ana@example.com'},
            'billing_address': {'name': "Ana", 'street': "Calle 1",
                'city': "Madrid", 'postal_code': "28001", 'country': "es"},
            'lines': [{'sku': 'SKU-1', 'quantity': 3, 'unit_price': '10.00',
                    'discount': '1.00'}],
            'totals': {'total': '35.09'},
            }
        order.update(changes)
        return order

    def test_parse_generic(self):
        order = parse_order(self.generic())
        self.assertEqual(order.currency, 'EUR')
        self.assertEqual(order.billing.country, 'ES')
        self.assertIs(order.shipping, order.billing)
        self.assertEqual(order.customer_name, "Ana")
        self.assertEqual(order.payment_state, 'pending')
        line, = order.lines
        self.assertEqual(net_unit_price(line), Decimal('9.6667'))

    def test_net_unit_price_always_has_price_digits(self):
        "Prices are stored with 4 decimals on every backend"
        for unit_price, quantity, discount, expected in [
                ('5.00', 1, 0, '5.0000'),
                (Decimal(10) / 3, 3, 0, '3.3333'),
                ('10.00', 3, '1.00', '9.6667'),
                ]:
            line = Line('X', Decimal(quantity), Decimal(unit_price),
                Decimal(discount))
            self.assertEqual(str(net_unit_price(line)), expected)

    def test_json_numbers_are_decimal(self):
        data = decode(b'{"a": 0.1, "b": 2}')
        self.assertEqual(data, {'a': Decimal('0.1'), 'b': 2})
        self.assertIsInstance(data['a'], Decimal)

    def test_malformed_json(self):
        with self.assertRaises(IntakeError) as cm:
            decode(b'{"a": ')
        self.assertEqual((cm.exception.status, cm.exception.errors[0][0]),
            (400, 'body'))

    def test_nul_characters_replaced(self):
        "PostgreSQL text cannot hold NUL: decoded strings and keys lose it"
        self.assertEqual(
            decode(b'{"sku": "A\\u0000B", "k\\u0000": ["\\u0000"], "n": 1.5}'),
            {'sku': 'A\ufffdB', 'k\ufffd': ['\ufffd'], 'n': Decimal('1.5')})
        with self.assertRaises(IntakeError):
            decode(b'\x00')  # a raw NUL is not JSON: 400 as malformed

    def test_every_error_named_at_once(self):
        order = self.generic(currency='EURO', lines=[
                {'sku': 'X', 'quantity': 0, 'unit_price': '1'},
                {'sku': '', 'quantity': '-1', 'unit_price': 'abc'},
                {'sku': 'Y', 'quantity': 1, 'unit_price': '5',
                    'discount': '6'},
                'not an object'],
            totals={}, payment={'status': 'refunded'})
        del order['billing_address']['city']
        order['customer']['email'] = 'nobody'
        with self.assertRaises(IntakeError) as cm:
            parse_order(order)
        self.assertEqual(cm.exception.status, 422)
        self.assertEqual(dict(cm.exception.errors), {
                'currency': "must be an ISO 4217 code",
                'customer.email': "'nobody' is not an email address",
                'billing_address.city': "is required",
                'lines[0].quantity': "must be greater than zero",
                'lines[1].sku': "is required",
                'lines[1].quantity': "must be greater than zero",
                'lines[1].unit_price': "'abc' is not a decimal number",
                'lines[2].discount': "is larger than the line amount",
                'lines[3]': "must be an object",
                'payment.status': "'refunded' is not one of pending, authorized, paid",
                'totals.total': "is required",
                })

    def test_floats_and_booleans_refused(self):
        with self.assertRaises(IntakeError) as cm:
            parse_order(self.generic(lines=[
                        {'sku': 'X', 'quantity': True, 'unit_price': 1.5}]))
        self.assertEqual(dict(cm.exception.errors), {
                'lines[0].quantity': "must be a decimal number",
                'lines[0].unit_price': "must be a decimal number"})

    def test_woocommerce_mapping(self):
        order = to_order('woocommerce', {
                'id': 727, 'currency': 'EUR', 'status': 'processing',
                'billing': {'first_name': "Ana", 'last_name': "Gil",
                    'address_1': "Rua 1", 'address_2': "2º",
                    'city': "Porto", 'postcode': "4000", 'country': "PT",
                    'email': "ana@example.pt"},
                'shipping': {'address_1': "", 'city': ""},
                'line_items': [{'sku': 'S', 'quantity': 2,
                        'subtotal': '20.00', 'total': '18.00'}],
                'shipping_lines': [{'method_title': "Flat", 'total': '4.00'}],
                'coupon_lines': [{'code': 'TEN'}],
                'payment_method': 'stripe',
                'payment_method_title': "Credit card (Stripe)",
                'transaction_id': 'ch_3Q',
                'total': '26.62', 'total_tax': '4.62'})
        self.assertEqual(order.external_id, '727')
        self.assertEqual(order.payment_state, 'paid')
        # The gateway's id picks the channel's payment gateway.
        self.assertEqual((order.payment_method, order.payment_reference),
            ('stripe', 'ch_3Q'))
        self.assertEqual(order.billing.street, "Rua 1\n2º")
        self.assertEqual(order.shipping, order.billing)
        self.assertEqual(order.shipping_amount, Decimal('4.00'))
        self.assertEqual(order.coupons, ['TEN'])
        line, = order.lines
        self.assertEqual((line.unit_price, line.discount),
            (Decimal('10.00'), Decimal('2.00')))

    def test_woocommerce_errors_use_its_field_names(self):
        with self.assertRaises(IntakeError) as cm:
            to_order('woocommerce', {'id': 1, 'currency': 'EUR',
                    'billing': {}, 'line_items': [], 'total': '1'})
        fields = [f for f, _ in cm.exception.errors]
        self.assertIn('line_items', fields)
        self.assertIn('billing.email', fields)
        self.assertIn('billing.city', fields)

    def test_shopify_taxes_included(self):
        order = to_order('shopify', {
                'id': 9, 'email': 'jo@example.com', 'currency': 'EUR',
                'taxes_included': True, 'financial_status': 'paid',
                'billing_address': {'name': "Jo", 'address1': "Via 2",
                    'city': "Roma", 'zip': "00100", 'country_code': "IT"},
                'line_items': [{'sku': 'S', 'quantity': 1, 'price': '12.10',
                        'tax_lines': [{'title': "IVA", 'rate': 0.21,
                                'price': '2.10'},
                            {'title': "Zero", 'rate': 0, 'price': '0.00'}]}],
                'shipping_lines': [{'title': "Std", 'price': '6.05',
                        'tax_lines': [{'rate': 0.21, 'price': '1.05'}]}],
                'customer_locale': 'it-IT',
                'payment_gateway_names': ['shopify_payments', 'gift_card'],
                'total_price': '18.15', 'total_tax': '3.15'})
        self.assertEqual(order.lang, 'it')
        self.assertEqual(order.payment_state, 'paid')
        self.assertEqual(order.payment_method, 'shopify_payments')
        self.assertEqual(order.lines[0].unit_price, Decimal('10.00'))
        self.assertEqual(order.shipping_amount, Decimal('5.00'))
        # What the storefront charged, by title (by rate when untitled),
        # for a channel whose taxes the storefront computes.
        self.assertEqual(order.lines[0].taxes, ['IVA'])
        self.assertEqual(order.shipping_taxes, ['0.21'])

    def test_shopify_refund_is_a_report_of_its_order(self):
        "refunds/create: the order's id, the refund's time, status refunded"
        refund = {'id': 929361, 'order_id': 450789469,
            'created_at': '2026-11-30T10:00:00-05:00',
            'processed_at': '2026-11-30T10:00:02-05:00',
            'refund_line_items': [], 'transactions': []}
        details = facts('shopify', refund)
        self.assertEqual(details['external_id'], '450789469')
        self.assertEqual(details['modified_at'],
            datetime.datetime(2026, 11, 30, 15, 0, 2))
        self.assertEqual(
            storefront_status('shopify', 'refunds/create', refund),
            'refunded')
        self.assertEqual(storefront_status('shopify', 'orders/updated',
                {'id': 1, 'financial_status': 'paid'}), 'paid')

    def test_woocommerce_taxes_by_rate_code(self):
        "Each line's charged rates by the order's rate codes; 0 charges none"
        order = to_order('woocommerce', {
                'id': 8, 'currency': 'USD', 'status': 'processing',
                'billing': {'first_name': "Amy", 'address_1': "12 Market St",
                    'city': "Philadelphia", 'postcode': "19106",
                    'country': "US", 'email': "amy@example.com"},
                'line_items': [{'sku': 'S', 'quantity': 1,
                        'subtotal': '10.00', 'total': '10.00',
                        'taxes': [{'id': 7, 'total': '0.60'},
                            {'id': 8, 'total': '0.00'}]},
                    {'sku': 'T', 'quantity': 1, 'subtotal': '5.00',
                        'total': '5.00', 'taxes': [{'id': 9, 'total': '1'}]}],
                'shipping_lines': [{'method_title': "Flat", 'total': '4.00',
                        'taxes': [{'id': 7, 'total': '0.24'}]}],
                'tax_lines': [{'rate_id': 7, 'rate_code': 'US-PA-TAX-1'},
                    {'rate_id': 8, 'rate_code': 'US-PA-ZERO-2'}],
                'total': '20.84', 'total_tax': '1.84'})
        self.assertEqual([l.taxes for l in order.lines],
            [['US-PA-TAX-1'], ['9']])
        self.assertEqual(order.shipping_taxes, ['US-PA-TAX-1'])

    def test_amounts_and_coupons_bounded(self):
        "1e999999 and a coupon string are 422s naming the field, not 500s"
        order = {'external_id': 'B1', 'currency': 'EUR',
            'customer': {'email': 'ana@example.com'},
            'billing_address': {'name': "Ana", 'street': "Mayor 1",
                'city': "Madrid", 'postal_code': "28013", 'country': "ES"},
            'lines': [{'sku': 'S', 'quantity': '1e999999',
                    'unit_price': '10'},
                {'sku': 'T', 'quantity': 1, 'unit_price': '1E+12'}],
            'coupons': "WELCOME10",
            'totals': {'total': '9999999999999'}}
        with self.assertRaises(IntakeError) as cm:
            to_order('generic', order)
        self.assertEqual(cm.exception.status, 422)
        self.assertEqual([f for f, _ in cm.exception.errors], [
                'lines[0].quantity', 'lines[1].unit_price', 'coupons',
                'totals.total'])
        # the largest amount allowed passes
        order.update(lines=[{'sku': 'S', 'quantity': 1,
                    'unit_price': '999999999999.99'}], coupons=['WELCOME10'],
            totals={'total': '999999999999.99'})
        self.assertEqual(to_order('generic', order).coupons, ['WELCOME10'])

    def test_generic_taxes_bounded(self):
        "A line's taxes are a short list of codes, each error named"
        order = {'external_id': 'T1', 'currency': 'USD',
            'customer': {'email': 'amy@example.com'},
            'billing_address': {'name': "Amy", 'street': "12 Market St",
                'city': "Philadelphia", 'postal_code': "19106",
                'country': "US"},
            'lines': [{'sku': 'S', 'quantity': 1, 'unit_price': '10',
                    'taxes': 'US-PA'},
                {'sku': 'T', 'quantity': 1, 'unit_price': '10',
                    'taxes': ['US-PA', '', 'x' * 101]}],
            'shipping': {'amount': '1', 'taxes': ['US-PA'] * 21},
            'totals': {'total': '21'}}
        with self.assertRaises(IntakeError) as cm:
            to_order('generic', order)
        self.assertEqual([f for f, _ in cm.exception.errors], [
                'lines[0].taxes', 'lines[1].taxes[1]', 'lines[1].taxes[2]',
                'shipping.taxes'])
