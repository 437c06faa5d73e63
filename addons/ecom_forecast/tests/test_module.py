"Demand forecasts: the model choice on known series, weekly demand from orders, the stock rules' rate"
import datetime as dt

from trytond.exceptions import UserError
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

from .. import fit
from ..forecast import monday, series


def order(company, party, warehouse, product, quantity, day,
        state='done'):
    "A sale of quantity on day, in state (the order history)"
    pool = Pool()
    Sale = pool.get('sale.sale')
    address = party.addresses[0]
    sale, = Sale.create([{
                'company': company.id, 'party': party.id,
                'invoice_address': address.id,
                'shipment_address': address.id,
                'currency': company.currency.id, 'warehouse': warehouse.id,
                'sale_date': day,
                'lines': [('create', [{
                                'type': 'line', 'product': product.id,
                                'unit': product.default_uom.id,
                                'quantity': quantity, 'unit_price': 10,
                                }])],
                }])
    Sale.write([sale], {'state': state})
    return sale


class EcomForecastTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce demand forecast module"
    module = 'ecom_forecast'

    def test_pattern(self):
        "Syntetos-Boylan classes from the selling weeks and their sizes"
        self.assertEqual(fit.pattern([3, 4, 3, 4, 3, 4]), 'smooth')
        self.assertEqual(fit.pattern([1, 9, 1, 9, 1, 9]), 'erratic')
        self.assertEqual(fit.pattern([0, 0, 2, 0, 0, 2, 0, 2]), 'intermittent')
        self.assertEqual(fit.pattern([0, 0, 1, 0, 0, 9, 0, 1]), 'lumpy')
        self.assertIsNone(fit.pattern([0, 0, 5, 0]))  # one selling week

    def test_forecast_known_series(self):
        "ETS for a regular seller, TSB for intermittent demand, none when short"
        steady = fit.forecast([5.0] * 20, 8)
        self.assertEqual((steady['pattern'], steady['method']),
            ('smooth', 'ets'))
        self.assertEqual(len(steady['forecast']), 8)
        for value in steady['forecast']:
            self.assertAlmostEqual(value, 5, places=3)
        self.assertEqual(len(steady['fitted']), 20)

        # 3 units every third week: 1 a week on average
        every_third = fit.forecast([0, 0, 3] * 8, 4)
        self.assertEqual((every_third['pattern'], every_third['method']),
            ('intermittent', 'tsb'))
        self.assertAlmostEqual(every_third['forecast'][0], 1, delta=0.15)

        # it stopped selling ten weeks ago: TSB lets the forecast decay
        stopped = fit.forecast([0, 0, 3] * 8 + [0] * 10, 4)
        self.assertLess(stopped['forecast'][0], every_third['forecast'][0] / 2)

        self.assertIsNone(fit.forecast([2, 3, 2, 3], 4))  # under 8 weeks
        self.assertIsNone(fit.forecast([0] * 30 + [4], 4))  # one sale

    def test_series(self):
        "Weeks from the first selling one, zeros filled, ending before end"
        end = dt.date(2026, 11, 30)
        first, values = series({dt.date(2026, 11, 9): 2,
                dt.date(2026, 11, 23): 1}, end)
        self.assertEqual(first, dt.date(2026, 11, 9))
        self.assertEqual(values, [2, 0, 1])
        self.assertEqual(monday(dt.date(2026, 12, 6)), dt.date(2026, 11, 30))

    @with_transaction()
    def test_refresh_from_orders_and_stock_rule(self):
        "Units ordered per week become forecasts; the stock rule uses them"
        pool = Pool()
        Product = pool.get('product.product')
        Party = pool.get('party.party')
        Location = pool.get('stock.location')
        Forecast = pool.get('ecom.forecast')
        Rule = pool.get('ecom.safety_stock')
        Alert = pool.get('ecom.stock.alert')
        Date = pool.get('ir.date')
        company = create_company()
        other = create_company(name="Other")
        end = monday(Date.today())
        with set_company(company):
            import_catalog(b"sku,name,stock\nBOOT,Boot,10\nSOCK,Sock,50\n"
                b"HAT,Hat,5\n", 'c.csv')
            boot, sock, hat = (Product.search([('code', '=', c)])[0]
                for c in ['BOOT', 'SOCK', 'HAT'])
            warehouse, = Location.search([('type', '=', 'warehouse')])
            party, = Party.create([{'name': "Customer",
                        'addresses': [('create', [{}])]}])
            for week in range(1, 13):
                day = end - dt.timedelta(weeks=week) + dt.timedelta(days=2)
                order(company, party, warehouse, boot, 3, day)
                if week % 3 == 0:
                    order(company, party, warehouse, sock, 2, day)
            day = end - dt.timedelta(days=3)
            order(company, party, warehouse, hat, 1, day)
            # not demand: this week (not over), a cancelled order, a return
            order(company, party, warehouse, boot, 50, end)
            order(company, party, warehouse, boot, 100, day, 'cancelled')
            order(company, party, warehouse, boot, -2, day)
        with set_company(other):
            order(other, party, warehouse, boot, 7, day)

        with set_company(company):
            forecasts = Forecast.refresh([company])
            by_code = {f.product.code: f for f in forecasts}
            self.assertEqual(sorted(by_code), ['BOOT', 'SOCK'])  # a hat: once
            boot_fc = by_code['BOOT']
            self.assertEqual((boot_fc.pattern, boot_fc.method),
                ('smooth', 'ets'))
            self.assertEqual(
                (boot_fc.history_weeks, boot_fc.selling_weeks), (12, 12))
            self.assertAlmostEqual(boot_fc.weekly_quantity, 3, places=2)
            self.assertAlmostEqual(boot_fc.daily_rate, 0.4286, places=4)
            self.assertEqual(boot_fc.computed, Date.today())
            weeks = boot_fc.weeks
            self.assertEqual(len(weeks), 12 + 8)  # history + horizon
            self.assertEqual({w.sold for w in weeks[:12]}, {3})
            self.assertEqual(weeks[11].week, end - dt.timedelta(weeks=1))
            self.assertEqual(weeks[12].week, end)
            self.assertIsNone(weeks[12].sold)
            self.assertEqual([w.ahead for w in weeks], [False] * 12 + [True] * 8)
            sock_fc = by_code['SOCK']
            self.assertEqual((sock_fc.pattern, sock_fc.method),
                ('intermittent', 'tsb'))
            # 2 units every third week: 0.67 a week; two weeks without a
            # sale since the last one lower TSB's probability of a sale
            self.assertGreater(sock_fc.weekly_quantity, 0.35)
            self.assertLess(sock_fc.weekly_quantity, 0.67)

            # refreshed again: replaced, not added
            Forecast.refresh([company])
            self.assertEqual(Forecast.search([], count=True), 2)

            boot_rule, hat_rule = Rule.create([{
                        'warehouse': warehouse.id, 'product': boot.id,
                        'quantity': 0, 'alert_quantity': 12,
                        'cover_days': 14,
                        }, {
                        'warehouse': warehouse.id, 'product': hat.id,
                        'quantity': 0, 'alert_quantity': 0,
                        'cover_days': 14,
                        }])
            self.assertEqual(boot_rule.rate_basis, 'forecast')
            self.assertEqual(boot_rule.daily_rate, 0.4286)
            available = boot_rule.available
            self.assertEqual(boot_rule.days_of_cover,
                round(available / 0.4286, 1))
            self.assertEqual(hat_rule.rate_basis, None)  # no forecast, no moves
            Alert.check([company])
            alert, = Alert.search([('state', '=', 'open')])
            self.assertEqual((alert.product, alert.rate_basis),
                (boot, 'forecast'))
        with set_company(other):
            self.assertEqual(Forecast.refresh([other]), [])  # one sale only

    @with_transaction()
    def test_settings_refused(self):
        "A history or horizon out of range is refused, field named"
        pool = Pool()
        Company = pool.get('company.company')
        company = create_company()
        self.assertEqual(
            (company.forecast_history, company.forecast_horizon), (104, 8))
        for name, value in [('forecast_history', 4),
                ('forecast_horizon', 0), ('forecast_horizon', 27)]:
            with self.subTest(name=name, value=value):
                with self.assertRaises(UserError) as context:
                    Company.write([company], {name: value})
                self.assertEqual([f for f, _ in context.exception.errors],
                    [name])
                self.assertIn(Company.__names__(name)['field'],
                    context.exception.message)
                self.assertIn(str(value), context.exception.message)


del ModuleTestCase
