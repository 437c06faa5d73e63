"""Where an order came from, read from the three order formats without a
database: the generic ``attribution`` (bad fields named), WooCommerce's
order attribution meta data and Shopify's landing and referring sites"""
import datetime
import unittest

from trytond.modules.ecom_orders.attribution import Attribution, utm_of
from trytond.modules.ecom_orders.intake_format import IntakeError, parse_order
from trytond.modules.ecom_orders.webhooks import to_order

GENERIC = {
    'external_id': 'A-1', 'currency': 'EUR',
    'customer': {'email': 'ana@example.com'},
    'billing_address': {'name': "Ana", 'street': "Calle 1",
        'city': "Madrid", 'postal_code': "28001", 'country': "ES"},
    'lines': [{'sku': 'SKU-1', 'quantity': 1, 'unit_price': '10.00'}],
    'totals': {'total': '12.10'},
    }
WOO = {
    'id': 7, 'currency': 'EUR', 'status': 'processing',
    'billing': {'first_name': "Ana", 'address_1': "Rua 1", 'city': "Porto",
        'postcode': "4000", 'country': "PT", 'email': "ana@example.pt"},
    'line_items': [{'sku': 'S', 'quantity': 1, 'subtotal': '10.00',
            'total': '10.00'}],
    'total': '12.30', 'total_tax': '2.30'}
SHOPIFY = {
    'id': 9, 'email': 'jo@example.com', 'currency': 'EUR',
    'billing_address': {'name': "Jo", 'address1': "Via 2", 'city': "Roma",
        'zip': "00100", 'country_code': "IT"},
    'line_items': [{'sku': 'S', 'quantity': 1, 'price': '10.00'}],
    'total_price': '12.20', 'total_tax': '2.20'}


class AttributionTestCase(unittest.TestCase):

    def test_none(self):
        for kind, data in [('generic', GENERIC), ('woocommerce', WOO),
                ('shopify', SHOPIFY)]:
            with self.subTest(kind=kind):
                self.assertEqual(to_order(kind, data).attribution,
                    Attribution())

    def test_generic(self):
        order = parse_order(dict(GENERIC, attribution={
                    'source': ' Newsletter ', 'campaign': 'black-friday',
                    'referrer': 'https://mail.example.com/',
                    'landing_page': '/bf?utm_source=ignored&utm_medium=email'
                    }))
        self.assertEqual(order.attribution, Attribution(
                source='Newsletter', medium='email', campaign='black-friday',
                referrer='https://mail.example.com/',
                landing_page='/bf?utm_source=ignored&utm_medium=email'))

    def test_generic_bad_fields_named(self):
        with self.assertRaises(IntakeError) as cm:
            parse_order(dict(GENERIC, attribution={
                        'source': 'x' * 101, 'medium': ['email'],
                        'landing_page': '/' * 1001}))
        self.assertEqual(dict(cm.exception.errors), {
                'attribution.source': "is longer than 100 characters",
                'attribution.medium': "must be a string",
                'attribution.landing_page':
                "is longer than 1000 characters"})
        with self.assertRaises(IntakeError) as cm:
            parse_order(dict(GENERIC, attribution='newsletter'))
        self.assertEqual(dict(cm.exception.errors),
            {'attribution': "must be an object"})

    def test_woocommerce_order_attribution(self):
        meta = [
            {'id': 1, 'key': '_wc_order_attribution_source_type',
                'value': 'utm'},
            {'id': 2, 'key': '_wc_order_attribution_utm_source',
                'value': 'google'},
            {'id': 3, 'key': '_wc_order_attribution_utm_medium',
                'value': 'cpc'},
            {'id': 4, 'key': '_wc_order_attribution_utm_campaign',
                'value': '(none)'},
            {'id': 5, 'key': '_wc_order_attribution_referrer',
                'value': 'https://www.google.com/'},
            {'id': 6, 'key': '_wc_order_attribution_session_entry',
                'value': 'https://shop.example/?utm_campaign=rebajas'},
            ]
        order = to_order('woocommerce', dict(WOO, meta_data=meta))
        self.assertEqual(order.attribution, Attribution(
                source='google', medium='cpc', campaign='rebajas',
                referrer='https://www.google.com/',
                landing_page='https://shop.example/?utm_campaign=rebajas'))
        with self.assertRaises(IntakeError) as cm:
            to_order('woocommerce', dict(WOO, meta_data=[
                        {'key': '_wc_order_attribution_utm_source',
                            'value': 'g' * 101}]))
        self.assertEqual(dict(cm.exception.errors),
            {'meta_data._wc_order_attribution_utm_source':
                "is longer than 100 characters"})

    def test_shopify_landing_site(self):
        order = to_order('shopify', dict(SHOPIFY,
                landing_site='/products/boots?utm_source=instagram'
                '&utm_medium=social&utm_campaign=winter',
                referring_site='https://l.instagram.com/'))
        self.assertEqual(order.attribution, Attribution(
                source='instagram', medium='social', campaign='winter',
                referrer='https://l.instagram.com/',
                landing_page='/products/boots?utm_source=instagram'
                '&utm_medium=social&utm_campaign=winter'))

    def test_cart_token(self):
        "The cart an order came from: generic cart_token, Shopify's own"
        self.assertIsNone(to_order('generic', GENERIC).cart_token)
        self.assertEqual(to_order('generic', dict(GENERIC,
                    cart_token=' c1-8f2e ')).cart_token, 'c1-8f2e')
        self.assertEqual(to_order('shopify', dict(SHOPIFY,
                    cart_token='68778783ad298f1c80c3bafcddeea02f')
                ).cart_token, '68778783ad298f1c80c3bafcddeea02f')
        with self.assertRaises(IntakeError) as cm:
            parse_order(dict(GENERIC, cart_token='t' * 101))
        self.assertEqual(dict(cm.exception.errors),
            {'cart_token': "is longer than 100 characters"})
        with self.assertRaises(IntakeError) as cm:
            to_order('shopify', dict(SHOPIFY, cart_token=['x']))
        self.assertEqual(dict(cm.exception.errors),
            {'cart_token': "must be a string"})

    def test_utm_of(self):
        self.assertEqual(utm_of('https://a.example/?utm_source=x&utm_term=y'
                '&utm_medium=+'), {'source': 'x'})
        self.assertEqual(utm_of(None), {})

    def test_affiliate(self):
        """The affiliate's code: sent, or the landing page's ref parameter
        (Shopify's landing_site, WooCommerce's session entry); bad values
        named"""
        order = parse_order(dict(GENERIC, attribution={
                    'affiliate': ' ANNA10 ',
                    'affiliate_clicked_at': '2026-11-28T18:30:00+01:00',
                    'landing_page': '/?ref=OTHER'}))
        self.assertEqual((order.attribution.affiliate,
                order.attribution.affiliate_clicked_at),
            ('ANNA10', datetime.datetime(2026, 11, 28, 17, 30)))
        order = to_order('shopify', dict(SHOPIFY,
                landing_site='/products/boots?ref=anna10&utm_source=blog'))
        self.assertEqual((order.attribution.affiliate,
                order.attribution.source), ('anna10', 'blog'))
        order = to_order('woocommerce', dict(WOO, meta_data=[
                    {'key': '_wc_order_attribution_session_entry',
                        'value': 'https://shop.example/?ref=BEN'}]))
        self.assertEqual(order.attribution.affiliate, 'BEN')
        with self.assertRaises(IntakeError) as cm:
            parse_order(dict(GENERIC, attribution={
                        'affiliate': 'A' * 51,
                        'affiliate_clicked_at': '2026-11-28 18:30'}))
        self.assertEqual(dict(cm.exception.errors), {
                'attribution.affiliate': "is longer than 50 characters",
                'attribution.affiliate_clicked_at':
                "'2026-11-28 18:30' has no UTC offset"})
