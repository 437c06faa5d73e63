"Available to sell, days of cover and low-stock alerts (see test_module)"
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..catalog_wizard import import_catalog


def _ship(company, product, quantity, days_ago):
    "A done shipment of quantity to a customer, days ago"
    pool = Pool()
    Location = pool.get('stock.location')
    Move = pool.get('stock.move')
    Date = pool.get('ir.date')
    storage, = Location.search([('code', '=', 'STO')])
    customer, = Location.search([('code', '=', 'CUS')])
    date = Date.today() - dt.timedelta(days=days_ago)
    move, = Move.create([{
                'product': product.id, 'unit': product.default_uom.id,
                'quantity': quantity, 'from_location': storage.id,
                'to_location': customer.id, 'effective_date': date,
                'planned_date': date, 'unit_price': 10,
                'currency': company.currency.id}])
    with Transaction().set_context(_skip_warnings=True):
        Move.do([move])


class StockAlertMixin:

    @with_transaction()
    def test_available_cover_and_alerts(self):
        "ATS less safety; cover from 30-day sales; alerts open and close"
        pool = Pool()
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        Rule = pool.get('ecom.safety_stock')
        Alert = pool.get('ecom.stock.alert')
        company = create_company()
        with set_company(company):
            import_catalog(
                b"sku,name,stock\nTS-1,Tent,40\nTS-2,Stove,5\n", 'c.csv')
            tent, = Product.search([('code', '=', 'TS-1')])
            stove, = Product.search([('code', '=', 'TS-2')])
            for days_ago in range(30):
                _ship(company, tent, 1, days_ago)  # 1 a day for 30 days
            _ship(company, stove, 3, 60)  # only in the last 90 days
            warehouse, = Location.search([('type', '=', 'warehouse')])
            tent_rule, stove_rule = Rule.create([{
                        'warehouse': warehouse.id, 'product': tent.id,
                        'quantity': 2, 'alert_quantity': 8,
                        'cover_days': 30,
                        }, {
                        'warehouse': warehouse.id, 'product': stove.id,
                        'quantity': 0, 'alert_quantity': 1,
                        'cover_days': 30,
                        }])
            available = Product.ecom_available_to_sell(
                warehouse, [tent.id, stove.id])
            self.assertEqual(available[tent.id], 40 - 30 - 2)
            self.assertEqual(available[stove.id], 5 - 3)

            self.assertEqual(tent_rule.available, 8)
            self.assertEqual(tent_rule.daily_rate, 1)
            self.assertEqual(tent_rule.days_of_cover, 8)
            self.assertEqual(tent_rule.suggested_reorder, 30)
            self.assertEqual(tent_rule.rate_basis, 'sales_30')
            self.assertEqual(stove_rule.daily_rate, 0.0333)
            self.assertEqual(stove_rule.rate_basis, 'sales_90')
            self.assertEqual(stove_rule.days_of_cover, 60.1)
            self.assertEqual(stove_rule.suggested_reorder, 0)

            Alert.check([company])
            alert, = Alert.search([('state', '=', 'open')])
            self.assertEqual(alert.product, tent)
            self.assertEqual(
                (alert.available, alert.days_of_cover,
                    alert.suggested_reorder, alert.rate_basis),
                (8, 8, 30, 'sales_30'))
            self.assertFalse(alert.emailed)  # no address set

            Alert.check([company])
            self.assertEqual(Alert.search([], count=True), 1)

            Rule.write([tent_rule], {'alert_quantity': 5})
            Alert.check([company])
            alert, = Alert.search([])
            self.assertEqual(alert.state, 'closed')
            self.assertIsNotNone(alert.closed)

    @with_transaction()
    def test_rule_refuses_negative_values(self):
        "Negative alert quantity or cover days are refused, field named"
        pool = Pool()
        Rule = pool.get('ecom.safety_stock')
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            import_catalog(b"sku,name\nTS-3,Lamp\nTS-4,Torch\n", 'c.csv')
            warehouse, = Location.search([('type', '=', 'warehouse')])
            for sku, name, label in [('TS-3', 'alert_quantity', '"Alert At"'),
                    ('TS-4', 'cover_days', '"Cover Days"')]:
                lamp, = Product.search([('code', '=', sku)])
                with self.assertRaises(Exception) as cm:
                    Rule.create([{'warehouse': warehouse.id,
                                'product': lamp.id, 'quantity': 0,
                                name: -1}])
                self.assertIn(label, str(cm.exception))
