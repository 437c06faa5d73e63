"""The service-level arithmetic and the delivery fields of the order formats,
checked without a database"""
import datetime as dt
import unittest
from zoneinfo import ZoneInfo

from trytond.modules.ecom_orders.fulfilment import add_days
from trytond.modules.ecom_orders.intake_format import IntakeError, parse_order
from trytond.modules.ecom_orders.webhooks import to_order

from .test_attribution import GENERIC

MADRID = ZoneInfo('Europe/Madrid')
UTC = ZoneInfo('UTC')


def utc(*args):
    return dt.datetime(*args)


class AddDaysTestCase(unittest.TestCase):

    def test_business_days(self):
        for start, days, expected in [
                # Monday 10:00 UTC + 2 business days: Wednesday.
                (utc(2026, 11, 23, 10), 2, utc(2026, 11, 25, 10)),
                # Thursday + 2: Monday, the weekend is skipped.
                (utc(2026, 11, 26, 10), 2, utc(2026, 11, 30, 10)),
                # Friday + 1: Monday.
                (utc(2026, 11, 27, 10), 1, utc(2026, 11, 30, 10)),
                # Saturday + 1: Monday; + 0: Monday too.
                (utc(2026, 11, 28, 10), 1, utc(2026, 11, 30, 10)),
                (utc(2026, 11, 28, 10), 0, utc(2026, 11, 30, 10)),
                # Wednesday + 0: the same time.
                (utc(2026, 11, 25, 10), 0, utc(2026, 11, 25, 10)),
                ]:
            with self.subTest(start=start, days=days):
                self.assertEqual(add_days(start, days, True, UTC), expected)

    def test_calendar_days(self):
        self.assertEqual(
            add_days(utc(2026, 11, 27, 10), 2, False, UTC),
            utc(2026, 11, 29, 10))

    def test_weekend_in_the_company_time_zone(self):
        "Friday 23:30 UTC is already Saturday in Madrid"
        start = utc(2026, 11, 27, 23, 30)
        # In UTC: Friday + 1 business day = Monday 23:30.
        self.assertEqual(add_days(start, 1, True, UTC),
            utc(2026, 11, 30, 23, 30))
        # In Madrid it is Saturday 00:30: Monday 00:30 local = Sunday 23:30
        # UTC.
        self.assertEqual(add_days(start, 1, True, MADRID),
            utc(2026, 11, 29, 23, 30))

    def test_daylight_saving_change_keeps_the_local_time(self):
        "Madrid leaves summer time on 2026-10-25: 10:00 local stays 10:00"
        start = utc(2026, 10, 23, 8)  # Friday 10:00 in Madrid (UTC+2)
        due = add_days(start, 1, True, MADRID)
        self.assertEqual(due, utc(2026, 10, 26, 9))  # Monday, UTC+1
        self.assertEqual(
            due.replace(tzinfo=dt.UTC).astimezone(MADRID).hour, 10)


class DeliveryFormatTestCase(unittest.TestCase):

    def order(self, **changes):
        return dict(GENERIC, **changes)

    def test_defaults(self):
        order = parse_order(self.order())
        self.assertEqual((order.delivery, order.created_at), ('carrier', None))

    def test_pickup_and_created_at(self):
        order = parse_order(self.order(
                shipping={'type': 'pickup', 'amount': '0'},
                created_at='2026-11-20T18:30:00+01:00'))
        self.assertEqual(order.delivery, 'pickup')
        self.assertEqual(order.created_at, utc(2026, 11, 20, 17, 30))

    def test_bad_delivery_and_times_are_named(self):
        future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        for created_at, reason in [
                ('yesterday', "'yesterday' is not an ISO 8601 date and time"),
                ('2026-11-20T18:30:00',
                    "'2026-11-20T18:30:00' has no UTC offset"),
                (future, f"{future!r} is in the future"),
                ]:
            with self.subTest(created_at=created_at):
                with self.assertRaises(IntakeError) as cm:
                    parse_order(self.order(created_at=created_at,
                            shipping={'type': 'drone', 'amount': '1'}))
                self.assertEqual(dict(cm.exception.errors), {
                        'created_at': reason,
                        'shipping.type': "'drone' is not one of carrier, "
                        "pickup"})

    def test_woocommerce_local_pickup(self):
        order = to_order('woocommerce', {
                'id': 7, 'currency': 'EUR', 'status': 'processing',
                'date_created_gmt': '2026-11-20T09:15:00',
                'billing': {'first_name': "Ana", 'address_1': "Rua 1",
                    'city': "Porto", 'postcode': "4000", 'country': "PT",
                    'email': "ana@example.pt"},
                'line_items': [{'sku': 'S', 'quantity': 1,
                        'subtotal': '10.00', 'total': '10.00'}],
                'shipping_lines': [{'method_id': 'local_pickup',
                        'method_title': "Pick up in store", 'total': '0.00'}],
                'total': '12.30', 'total_tax': '2.30'})
        self.assertEqual(order.delivery, 'pickup')
        self.assertEqual(order.created_at, utc(2026, 11, 20, 9, 15))

    def test_shopify_carrier_and_created_at(self):
        order = to_order('shopify', {
                'id': 9, 'email': 'jo@example.com', 'currency': 'EUR',
                'created_at': '2026-11-20T10:00:00-05:00',
                'billing_address': {'name': "Jo", 'address1': "Via 2",
                    'city': "Roma", 'zip': "00100", 'country_code': "IT"},
                'line_items': [{'sku': 'S', 'quantity': 1, 'price': '10.00'}],
                'shipping_lines': [{'title': "Std", 'code': 'Standard',
                        'price': '5.00'}],
                'total_price': '18.15', 'total_tax': '3.15'})
        self.assertEqual(order.delivery, 'carrier')
        self.assertEqual(order.created_at, utc(2026, 11, 20, 15))
