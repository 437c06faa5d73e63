"Visit analytics: the beacon's checks, the daily maths on known events"
import datetime as dt

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.api import IntakeError
from trytond.modules.ecom_orders.tests.tools import create_channel
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..beacon import parse
from ..event import ip_prefix

NOW = dt.datetime(2026, 12, 6, 12, 0)
DAY = NOW.date()
# the beacon refuses times in the future of the real clock
REAL_NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
# (session, minutes after 08:00, kind, path, sku): four visits of a day
VISITS = [
    ('a', 0, 'page_view', '/', None),
    ('a', 1, 'product_view', '/p/boot', 'BOOT'),
    ('a', 2, 'add_to_cart', '/p/boot', 'BOOT'),
    ('a', 3, 'checkout_started', '/checkout', None),
    ('b', 5, 'product_view', '/p/boot', 'BOOT'),
    ('b', 6, 'product_view', '/p/boot', 'BOOT'),
    ('b', 7, 'product_view', '/p/sock', 'SOCK'),
    ('c', 9, 'page_view', '/blog/trails', None),
    ('c', 10, 'product_view', '/p/sock', 'SOCK'),
    ('c', 11, 'add_to_cart', '/p/sock', 'SOCK'),
    ('d', 12, 'page_view', '/', None),
    ]


def _events(rows, day=DAY):
    start = dt.datetime.combine(day, dt.time(8))
    return [{'kind': k, 'session': s, 'at': start + dt.timedelta(minutes=m),
            'path': p, 'referrer': None, 'sku': sku}
        for s, m, k, p, sku in rows]


def _products():
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    templates = Template.create([{'name': code.title(), 'code': code,
                'type': 'goods', 'default_uom': unit.id,
                'products': [('create', [{}])]} for code in ['BOOT', 'SOCK']])
    return {t.code: t.products[0] for t in templates}


class EcomAnalyticsTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce visit analytics module"
    module = 'ecom_analytics'

    def test_ip_prefix(self):
        "Only the network of an address is kept"
        self.assertEqual(ip_prefix('203.0.113.77'), '203.0.113.0/24')
        self.assertEqual(ip_prefix('2001:db8:85a3:8d3:1319:8a2e:370:7348'),
            '2001:db8:85a3::/48')
        self.assertIsNone(ip_prefix('unknown'))
        self.assertIsNone(ip_prefix(None))

    def test_parse(self):
        "A good event is read; paths lose their query, referrers their path"
        two_hours_ago = REAL_NOW - dt.timedelta(hours=2)
        in_madrid = (two_hours_ago + dt.timedelta(hours=1)).isoformat()
        event, = parse({'events': [{'type': 'product_view', 'session': 's-1',
                        'at': f'{in_madrid}+01:00', 'sku': 'BOOT',
                        'url': 'https://shop.example/p/boot?email=a@b.c',
                        'referrer': 'https://www.google.com/search?q=x'}]},
            now=REAL_NOW)
        self.assertEqual(event, {'kind': 'product_view', 'session': 's-1',
                'at': two_hours_ago, 'path': '/p/boot',
                'referrer': 'www.google.com', 'sku': 'BOOT'})
        event, = parse({'events': [{'type': 'page_view', 'session': 'x'}]},
            now=REAL_NOW)
        self.assertEqual((event['at'], event['path']), (REAL_NOW, None))

    def test_parse_errors(self):
        "Every bad field of every event is named"
        with self.assertRaises(IntakeError) as cm:
            parse({'events': [
                        {'type': 'visit', 'session': 'a b'},
                        {'type': 'add_to_cart', 'session': 'ok'},
                        {'type': 'page_view', 'session': 'ok',
                            'at': f'{REAL_NOW - dt.timedelta(hours=49)}Z'},
                        {'type': 'page_view', 'session': 'ok',
                            'at': f'{REAL_NOW + dt.timedelta(hours=1)}Z'},
                        {'type': 'page_view', 'session': 'ok',
                            'at': str(REAL_NOW)},
                        {'type': 'page_view', 'session': 'x' * 65,
                            'url': 'u' * 2001},
                        ]}, now=REAL_NOW)
        self.assertEqual([f for f, _ in cm.exception.errors], [
                'events[0].type', 'events[0].session', 'events[1].sku',
                'events[2].at', 'events[3].at', 'events[4].at',
                'events[5].session', 'events[5].url'])
        self.assertIn("'visit' is not one of page_view", dict(
                cm.exception.errors)['events[0].type'])
        self.assertEqual(dict(cm.exception.errors)['events[2].at'],
            "is more than 48 hours old")
        for body, field in [({}, 'events'), ({'events': []}, 'events'),
                ({'events': [{}] * 501}, 'events'), ([], 'body'),
                ({'events': [3]}, 'events[0]')]:
            with self.assertRaises(IntakeError) as cm:
                parse(body, now=REAL_NOW)
            self.assertEqual(cm.exception.errors[0][0], field)

    @with_transaction()
    def test_daily_figures(self):
        "Visits, funnel, product views and landing pages of known events"
        pool = Pool()
        Event = pool.get('ecom.analytics.event')
        Daily = pool.get('ecom.analytics.daily')
        ProductDaily = pool.get('ecom.analytics.product_daily')
        Landing = pool.get('ecom.analytics.landing_daily')
        company = create_company()
        with set_company(company):
            products = _products()
            channel = create_channel()
            other = create_channel(shop=channel.shop, code='app')
            self.assertEqual(Event.ingest(
                    channel, _events(VISITS), '203.0.113.9'), 11)
            # another channel's visit and the day before: elsewhere
            Event.ingest(other, _events(VISITS[:1]))
            Event.ingest(channel, _events(VISITS[:2],
                    DAY - dt.timedelta(days=1)))
            Daily.aggregate([DAY])
            Daily.aggregate([DAY])  # again: rebuilt, not added

            daily, = Daily.search([('channel', '=', channel.id)])
            self.assertEqual((daily.date, daily.visits, daily.page_views,
                    daily.product_views, daily.product_sessions,
                    daily.cart_sessions, daily.checkout_sessions),
                (DAY, 4, 3, 5, 3, 2, 1))
            self.assertEqual(Daily.search_count([]), 2)
            self.assertEqual(sorted((p.product.code, p.views, p.sessions,
                        p.cart_sessions) for p in ProductDaily.search(
                        [('channel', '=', channel.id)])),
                [('BOOT', 3, 2, 1), ('SOCK', 2, 2, 1)])
            self.assertEqual(sorted((l.path, l.visits, l.checkouts)
                    for l in Landing.search([('channel', '=', channel.id)])),
                [('/', 2, 1), ('/blog/trails', 1, 0), ('/p/boot', 1, 0)])
            stored = Event.search([('channel', '=', channel.id)], limit=1)
            self.assertEqual(stored[0].ip_prefix, '203.0.113.0/24')
            self.assertEqual(products['BOOT'].code, 'BOOT')

    @with_transaction()
    def test_reports(self):
        "The funnel meets the day's orders; views meet the product's orders"
        pool = Pool()
        Event = pool.get('ecom.analytics.event')
        Daily = pool.get('ecom.analytics.daily')
        Sales = pool.get('ecom.report.summary.sales')
        ProductSales = pool.get('ecom.report.summary.product')
        Funnel = pool.get('ecom.analytics.report.funnel')
        Views = pool.get('ecom.analytics.report.product')
        Landing = pool.get('ecom.analytics.report.landing')
        company = create_company()
        with set_company(company):
            products = _products()
            channel = create_channel()
            Event.ingest(channel, _events(VISITS))
            Daily.aggregate([DAY])
            common = {'company': company.id, 'channel': channel.id,
                'currency': company.currency.id, 'grain': 'D', 'date': DAY}
            Sales.create([dict(common, orders=1)])
            ProductSales.create([dict(common, orders=1, quantity=2,
                        product=products['BOOT'].id)])
            with Transaction().set_context(company=company.id,
                    from_date=DAY, to_date=DAY):
                funnel, = Funnel.search([])
                self.assertEqual((funnel.visits, funnel.cart_sessions,
                        funnel.orders, funnel.conversion, funnel.cart_rate),
                    (4, 2, 1, 0.25, 0.5))
                boot, sock = Views.search([])
                self.assertEqual((boot.product, boot.views, boot.orders,
                        boot.quantity, boot.view_to_buy),
                    (products['BOOT'], 3, 1, 2, 0.5))
                self.assertEqual((sock.orders, sock.view_to_buy), (0, 0))
                home = Landing.search([])[0]
                self.assertEqual((home.path, home.visits, home.checkouts,
                        home.checkout_rate), ('/', 2, 1, 0.5))
            with Transaction().set_context(company=company.id,
                    from_date=DAY + dt.timedelta(days=1),
                    to_date=DAY + dt.timedelta(days=1)):
                self.assertEqual(Funnel.search([]), [])

    @with_transaction()
    def test_purge(self):
        "Raw events go after the channel's retention; the figures stay"
        pool = Pool()
        Event = pool.get('ecom.analytics.event')
        Daily = pool.get('ecom.analytics.daily')
        company = create_company()
        with set_company(company):
            channel = create_channel()
            old = DAY - dt.timedelta(days=10)
            Event.ingest(channel, _events(VISITS[:3], old))
            Event.ingest(channel, _events(VISITS[:2]))
            Daily.aggregate([old, DAY])
            channel.analytics_retention = 7
            channel.save()
            Daily.purge(now=NOW)
            self.assertEqual(Event.search_count([]), 2)
            self.assertEqual(Daily.search_count([]), 2)

    @with_transaction()
    def test_channel_settings(self):
        "A beacon key is generated; a bad retention is refused, named"
        company = create_company()
        with set_company(company):
            channel = create_channel()
            self.assertEqual(channel.analytics_retention, 30)
            self.assertIsNone(channel.analytics_key)
            channel.generate_analytics_key([channel])
            key = channel.analytics_key
            self.assertTrue(key.startswith('pk_'))
            channel.generate_analytics_key([channel])
            self.assertNotEqual(channel.analytics_key, key)
            channel.analytics_retention = 2
            with self.assertRaises(UserError) as cm:
                channel.save()
            self.assertIn('"Keep Raw Events (days)"', cm.exception.message)
            self.assertIn('not 2', cm.exception.message)


del ModuleTestCase
