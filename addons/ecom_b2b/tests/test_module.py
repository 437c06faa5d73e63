"B2B: quick order files, credit checks of an intake batch"
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.exceptions import OrderRefused
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from ..credit import over_limit
from ..exceptions import QuickOrderError
from ..quick_order import make_sale, parse


class EcomB2bTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce B2B module"
    module = 'ecom_b2b'

    @with_transaction()
    def test_quick_order_file(self):
        "Comma or semicolon, any case, extra columns; bad rows all named"
        self.assertEqual(parse(
                b"\xef\xbb\xbfSKU;Quantity;Note\nA-1;2;x\n\nB-2;1,5;\n"),
            [(2, 'A-1', Decimal(2)), (4, 'B-2', Decimal('1.5'))])
        self.assertEqual(parse(b"quantity,sku\n3,A-1\n"),
            [(2, 'A-1', Decimal(3))])
        for data, reasons in [
                (b"ref,qty\nA-1,1\n", [
                        ('Row 1, column "sku": the first row must name this '
                        'column.'),
                        ('Row 1, column "quantity": the first row must name '
                        'this column.')]),
                (b"sku,quantity\n,1\nA-1,-2\nA-2,nan\nA-3,\n", [
                        'Row 2, column "sku": is empty.',
                        ('Row 3, column "quantity": "-2" is not a quantity '
                        'above 0.'),
                        ('Row 4, column "quantity": "nan" is not a quantity '
                        'above 0.'),
                        ('Row 5, column "quantity": "" is not a quantity '
                        'above 0.')]),
                (b"sku,quantity\n", [
                        ('Row 2, column "sku": the file has no row to '
                        'order.')]),
                (b"sku,quantity\n\xff,1\n", [
                        ('Row 1, column "file": the file is not UTF-8 text '
                        '(save the sheet as "CSV UTF-8").')]),
                ]:
            with self.subTest(data=data):
                with self.assertRaises(QuickOrderError) as raised:
                    parse(data)
                self.assertEqual(
                    raised.exception.message.split('\n'), reasons)

    @with_transaction()
    def test_quick_order_unknown_sku_writes_nothing(self):
        "An unknown SKU refuses the whole file before any sale exists"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        company = create_company()
        with set_company(company):
            party, = Party.create([{'name': "Bergsport"}])
            with self.assertRaises(QuickOrderError) as raised:
                make_sale(party, company, [(2, 'NOPE', Decimal(1))])
            self.assertIn('"NOPE" is not the SKU', raised.exception.message)
            self.assertEqual(Sale.search([]), [])

    @with_transaction()
    def test_credit_counts_the_batch(self):
        "Orders of one batch add up against the limit; no limit, no check"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            limited, free = Party.create([
                    {'name': "Bergsport", 'credit_limit_amount': 1000},
                    {'name': "Consumer"}])
            self.assertIsNone(over_limit(limited, company, Decimal(600)))
            self.assertIn("Bergsport", over_limit(
                    limited, company, Decimal(600), Decimal(600)))
            self.assertIsNone(over_limit(free, company, Decimal(10 ** 6)))
            self.assertIsNone(over_limit(limited, company, Decimal(0)))

    @with_transaction()
    def test_intake_hold_or_refuse(self):
        "Over the limit: refused for the orders API, held for webhooks"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        company = create_company()
        with set_company(company):
            party, = Party.create([
                    {'name': "Bergsport", 'credit_limit_amount': 100}])
            sale = Sale(company=company, party=party, untaxed_amount=500,
                currency=company.currency, shipment_method='order',
                ecom_payment_state='pending')
            with self.assertRaises(OrderRefused) as raised:
                sale.ecom_intake_hold(None, True, {})
            self.assertEqual(
                [(f, k) for f, _ in raised.exception.errors
                    for k in [raised.exception.kind]],
                [('customer', 'credit_limit')])
            self.assertTrue(sale.ecom_intake_hold(None, False, {}
                    ).startswith("Credit limit: "))
            sale.ecom_payment_state = 'paid'
            self.assertIsNone(sale.ecom_intake_hold(None, True, {}))


del ModuleTestCase
