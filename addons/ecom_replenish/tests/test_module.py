"Replenishment: low-stock alerts to purchase requests, to the receipt"
import contextlib
import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_catalog.catalog_wizard import import_catalog
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import ReplenishError


class EcomReplenishTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce replenishment module"
    module = 'ecom_replenish'

    @contextlib.contextmanager
    def shop(self):
        """Tents (supplier: 7 days, by the box of 1), stoves (no
        supplier), both out of stock, with stock rules alerting at 5 and
        2: (company, warehouse, tent, stove, tent alert, stove alert)"""
        pool = Pool()
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        Rule = pool.get('ecom.safety_stock')
        Alert = pool.get('ecom.stock.alert')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        ProductSupplier = pool.get('purchase.product_supplier')
        company = create_company()
        with set_company(company):
            import_catalog(b"sku,name,stock\nTE-1,Tent,0\nST-1,Stove,0\n",
                'c.csv')
            tent, = Product.search([('code', '=', 'TE-1')])
            stove, = Product.search([('code', '=', 'ST-1')])
            Template.write([tent.template, stove.template],
                {'purchasable': True, 'purchase_uom': tent.default_uom.id})
            supplier, = Party.create([{'name': "Alpine Supplies",
                        'addresses': [('create', [{'street': "Polígono 4"}])],
                        }])
            ProductSupplier.create([{'template': tent.template.id,
                        'party': supplier.id, 'company': company.id,
                        'lead_time': dt.timedelta(days=7)}])
            warehouse, = Location.search([('type', '=', 'warehouse')])
            Rule.create([{'warehouse': warehouse.id, 'product': p.id,
                        'quantity': 0, 'alert_quantity': a, 'cover_days': 30}
                    for p, a in [(tent, 5), (stove, 2)]])
            Alert.check([company])
            tent_alert, = Alert.search([('product', '=', tent.id)])
            stove_alert, = Alert.search([('product', '=', stove.id)])
            yield company, warehouse, tent, stove, tent_alert, stove_alert

    @with_transaction()
    def test_alert_to_request(self):
        "The suggested reorder, to the supplier, by its lead time"
        pool = Pool()
        Alert = pool.get('ecom.stock.alert')
        Date = pool.get('ir.date')
        with self.shop() as (_company, warehouse, tent, _, alert, _):
            self.assertEqual(alert.suggested_reorder, 5)
            self.assertIsNone(alert.replenishment)
            Alert.request_purchase([alert])
            request, = alert.purchase_requests
            self.assertEqual((request.product, request.quantity,
                    request.party.name, request.warehouse, request.state),
                (tent, 5, "Alpine Supplies", warehouse, 'draft'))
            self.assertEqual(request.supply_date,
                Date.today() + dt.timedelta(days=7))
            self.assertEqual(request.origin, alert)
            self.assertEqual(Alert(alert.id).replenishment, 'requested')

    @with_transaction()
    def test_refused_with_field_named(self):
        "Closed, nothing to order, requested already: refused, none created"
        pool = Pool()
        Alert = pool.get('ecom.stock.alert')
        Rule = pool.get('ecom.safety_stock')
        Request = pool.get('purchase.request')
        with self.shop() as (company, _, _, stove, tent_alert, stove_alert):
            Alert.request_purchase([tent_alert])
            with self.assertRaises(ReplenishError) as raised:
                Alert.request_purchase([tent_alert, stove_alert])
            self.assertIn('"Purchase Requests"', raised.exception.message)
            self.assertEqual(Request.search_count([]), 1)  # not the stove's
            # nothing to order: the rule covers no days and alerts at 0
            rule, = Rule.search([('product', '=', stove.id)])
            Rule.write([rule], {'alert_quantity': 0, 'cover_days': 0})
            Alert.check([company])
            stove_alert = Alert(stove_alert.id)
            self.assertEqual(stove_alert.suggested_reorder, 0)
            with self.assertRaises(ReplenishError) as raised:
                Alert.request_purchase([stove_alert])
            self.assertIn('"Suggested Reorder" is 0',
                raised.exception.message)
            Template = pool.get('product.template')
            Rule.write([rule], {'alert_quantity': 2, 'cover_days': 30})
            Template.write([stove.template], {'purchasable': False})
            Alert.check([company])
            with self.assertRaises(ReplenishError) as raised:
                Alert.request_purchase([Alert(stove_alert.id)])
            self.assertIn('"Purchasable"', raised.exception.message)
            Alert.write([stove_alert], {'state': 'closed'})
            with self.assertRaises(ReplenishError) as raised:
                Alert.request_purchase([stove_alert])
            self.assertIn('"State"', raised.exception.message)
            self.assertEqual(Request.search_count([]), 1)

    @with_transaction()
    def test_daily_check_requests_when_set(self):
        "With the company setting, the daily check makes the requests once"
        pool = Pool()
        Alert = pool.get('ecom.stock.alert')
        Company = pool.get('company.company')
        Request = pool.get('purchase.request')
        with self.shop() as (company, _, _, _, tent_alert, stove_alert):
            Alert.check([company])
            self.assertEqual(Request.search_count([]), 0)
            Company.write([company], {'ecom_auto_purchase_requests': True})
            Alert.check([company])
            Alert.check([company])  # not twice
            requests = Request.search([], order=[('id', 'ASC')])
            self.assertEqual(sorted(r.origin.id for r in requests),
                sorted([tent_alert.id, stove_alert.id]))
            # no supplier: the request waits for one (upstream asks it
            # when the purchase is made)
            stove_request, = [r for r in requests if r.origin == stove_alert]
            self.assertIsNone(stove_request.party)

    @with_transaction()
    def test_ordered_then_received(self):
        "The purchase line, then its receipt: stock up, the alert closes"
        pool = Pool()
        Alert = pool.get('ecom.stock.alert')
        Purchase = pool.get('purchase.purchase')
        Request = pool.get('purchase.request')
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        with self.shop() as (company, warehouse, tent, _, alert, _):
            request, = Alert.ecom_request_purchases([alert])
            purchase, = Purchase.create([{'company': company.id,
                        'party': request.party.id,
                        'invoice_address': request.party.addresses[0].id,
                        'invoice_method': 'manual',
                        'warehouse': warehouse.id,
                        'lines': [('create', [{'product': tent.id,
                                        # one more: at exactly the alert
                                        # level the alert stays open
                                        'quantity': request.quantity + 1,
                                        'unit': request.unit.id,
                                        'unit_price': 50}])]}])
            Request.write([request], {'purchase_line': purchase.lines[0].id})
            Purchase.quote([purchase])
            Purchase.confirm([purchase])
            Purchase.process([purchase])
            self.assertEqual(Alert(alert.id).replenishment, 'ordered')
            moves = purchase.lines[0].moves
            with Transaction().set_context(_skip_warnings=True):
                Move.do(moves)
            self.assertEqual(Alert(alert.id).replenishment, 'received')
            available = Product.ecom_available_to_sell(warehouse, [tent.id])
            self.assertEqual(available[tent.id], 6)
            Alert.check([company])
            self.assertEqual(Alert(alert.id).state, 'closed')


del ModuleTestCase
