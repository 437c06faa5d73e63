import datetime as dt
import io
import unittest
import zipfile
from decimal import Decimal

import openpyxl
from sql import Table
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_reports import xlsx
from trytond.modules.ecom_reports.report_base import grains
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class EcomReportsTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce reports module"
    module = 'ecom_reports'

    def _summary_row(self, company, date, revenue, grain='D'):
        Summary = Pool().get('ecom.report.summary.sales')
        return Summary.create([{
                    'company': company.id, 'grain': grain, 'date': date,
                    'currency': company.currency.id, 'orders': 1,
                    'revenue': revenue, 'gross': revenue, 'returns': 0,
                    'quantity': 1, 'shipping': 0, 'discount': 0, 'cost': 0,
                    'new_customers': 0, 'new_revenue': 0}])

    def _clerk(self, company):
        "An E-commerce User of company"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        user, = pool.get('res.user').create([{'login': 'clerk',
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id(
                                    'ecom_base', 'group_ecom_user')])]}])
        return user

    @with_transaction()
    def test_reports_limited_to_users_companies(self):
        "A user of company A reads A's figures and nothing of company B"
        pool = Pool()
        Refresh = pool.get('ecom.report.refresh')
        Sales = pool.get('ecom.report.sales')
        Segment = pool.get('ecom.report.customer.segment')
        company = create_company()
        other = create_company(name="Other")
        day = dt.date(2025, 3, 4)
        Refresh.ensure_calendar([day])
        self._summary_row(company, day, Decimal(10))
        self._summary_row(other, day, Decimal(99))
        user = self._clerk(company)
        context = {'from_date': day, 'to_date': day, 'period': 'day',
            '_check_access': True}
        with Transaction().set_user(user.id), \
                Transaction().set_context(context, company=company.id):
            self.assertEqual(
                [r.revenue for r in Sales.search([])], [Decimal('10.00')])
            self.assertEqual(Segment.search([]), [])
        with Transaction().set_user(user.id), \
                Transaction().set_context(context, company=other.id):
            self.assertEqual(Sales.search([]), [])

    @with_transaction()
    def test_campaign_report_and_spend_limited_to_users_companies(self):
        "A clerk of company A reads A's campaign figures and spend only"
        pool = Pool()
        Refresh = pool.get('ecom.report.refresh')
        Summary = pool.get('ecom.report.summary.campaign')
        Spend = pool.get('ecom.marketing.spend')
        Report = pool.get('ecom.report.campaign')
        Campaign = pool.get('marketing.campaign')
        company = create_company()
        other = create_company(name="Other")
        day = dt.date(2025, 3, 4)
        Refresh.ensure_calendar([day])
        campaign = Campaign.from_name('spring')
        for company_, revenue, amount in [
                (company, 10, 4), (other, 99, 50)]:
            Summary.create([{
                        'company': company_.id, 'grain': 'D', 'date': day,
                        'currency': company_.currency.id,
                        'campaign': campaign.id, 'orders': 1,
                        'new_customers': 1, 'gross': revenue, 'returns': 0,
                        'revenue': revenue, 'discount': 0, 'cost': 0}])
            Spend.create([{'company': company_.id, 'campaign': campaign.id,
                        'date': day, 'amount': amount}])
        user = self._clerk(company)
        context = {'from_date': day, 'to_date': day, '_check_access': True}
        with Transaction().set_user(user.id), \
                Transaction().set_context(context, company=company.id):
            rows = Report.search([])
            self.assertEqual(
                [(r.label, r.revenue, r.spend, r.roas) for r in rows],
                [('Spring', Decimal('10.00'), Decimal('4.00'), 2.5)])
            self.assertEqual(
                [s.amount for s in Spend.search([])], [Decimal(4)])
            # staff read the spend; only managers enter it
            with self.assertRaises(AccessError):
                Spend.create([{'company': company.id,
                            'campaign': campaign.id, 'date': day,
                            'amount': 1}])
        with Transaction().set_user(user.id), \
                Transaction().set_context(context, company=other.id):
            self.assertEqual(Report.search([]), [])

    @with_transaction()
    def test_abandoned_carts_report(self):
        "Carts abandoned in the range, their value and what came back"
        pool = Pool()
        Cart = pool.get('ecom.cart')
        Channel = pool.get('ecom.channel')
        Shop = pool.get('web.shop')
        Report = pool.get('ecom.report.cart')
        company = create_company()
        with set_company(company):
            shop, = Shop.create([{'name': "Store"}])
            channel, = Channel.create([{'name': "Shop", 'code': 'shop',
                        'shop': shop.id}])
            day = dt.datetime(2025, 3, 4, 10)
            carts = [
                # state, abandoned at, total, order total, last priced
                ('abandoned', day, '40.00', None, day),
                ('recovered', day, '60.00', '55.00', day),
                ('recovered', day - dt.timedelta(days=40), '99.00', '99.00',
                    day),
                ('converted', None, '25.00', '25.00', day),
                ('open', None, '10.00', None, day),
                ]
            Cart.create([{'company': company.id, 'channel': channel.id,
                        'email': f'c{i}@example.com',
                        'currency': company.currency.id, 'state': state,
                        'abandoned_at': left, 'total': Decimal(total),
                        'order_total': Decimal(ordered) if ordered else None,
                        'last_seen': seen}
                    for i, (state, left, total, ordered, seen)
                    in enumerate(carts)])
            with Transaction().set_context(from_date=dt.date(2025, 3, 1),
                    to_date=dt.date(2025, 3, 31)):
                row, = Report.search([])
                self.assertEqual(
                    (row.channel, row.abandoned, row.abandoned_value,
                        row.recovered, row.recovered_revenue,
                        row.recovery_rate, row.converted),
                    (channel, 2, Decimal('100.00'), 1, Decimal('55.00'),
                        0.5, 1))
            with Transaction().set_context(from_date=dt.date(2025, 4, 1),
                    to_date=dt.date(2025, 4, 30)):
                self.assertEqual(Report.search([]), [])

    @with_transaction()
    def test_refresh_is_incremental_and_full_rebuild_recovers(self):
        "A refresh recomputes changed days; a full one rebuilds the rest"
        pool = Pool()
        Refresh = pool.get('ecom.report.refresh')
        Summary = pool.get('ecom.report.summary.sales')
        company = create_company()
        with set_company(company):
            Refresh.refresh([company])
            state, = Refresh.search([])
            self.assertEqual(state.days, 0)
            # A stale row of a day without sales survives an incremental
            # refresh (the day did not change) but not a rebuild.
            self._summary_row(company, dt.date(2025, 1, 2), Decimal(5))
            Refresh.refresh([company])
            self.assertEqual(len(Summary.search([])), 1)
            Refresh.refresh([company], full=True)
            self.assertEqual(Summary.search([]), [])

    def test_grains_cover_range_once(self):
        "Whole months from month rows, edge days from day rows"
        table = Table('t')
        cases = [
            # range, expected (month rows, day rows) conditions as strings
            ((dt.date(2025, 1, 15), dt.date(2025, 4, 10)), 'M'),
            ((dt.date(2025, 1, 1), dt.date(2025, 1, 31)), 'M'),
            ((dt.date(2025, 1, 2), dt.date(2025, 1, 30)), 'D'),
            ]
        for (start, end), grain in cases:
            query = table.select(where=grains(table, start, end))
            _, params = tuple(query)
            self.assertEqual(grain in params, True, (start, end, params))
        _, params = tuple(table.select(where=grains(
                    table, dt.date(2025, 1, 15), dt.date(2025, 4, 10))))
        self.assertIn(dt.date(2025, 2, 1), params)  # first whole month
        self.assertIn(dt.date(2025, 4, 1), params)  # end of whole months


del ModuleTestCase


class XLSXTestCase(unittest.TestCase):
    "The workbook writer, without a database"

    def table(self, rows):
        return xlsx.Table(
            title="Top Products", filters=[("From Date", dt.date(2025, 1, 1))],
            columns=[
                xlsx.Column('product', "Product"),
                xlsx.Column('revenue', "Net Sales", 'money', True),
                xlsx.Column('rate', "Margin (%)", 'percent')],
            rows=rows, chart_type='hbar', chart_x='product',
            chart_y=['revenue'])

    def test_table_totals_and_chart(self):
        data = xlsx.write_workbook(self.table([
                    ["Mug", Decimal('75.00'), 0.3333],
                    ["Shirt", Decimal('40.00'), 0.4]]))
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn('xl/charts/chart1.xml', names)
        chart = zipfile.ZipFile(io.BytesIO(data)).read(
            'xl/charts/chart1.xml').decode()
        self.assertIn('<c:barChart>', chart)
        self.assertIn("'Top Products'!$A$5:$A$6", chart)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = list(sheet.values)
        self.assertEqual(rows[1][:2], ("From Date", dt.datetime(2025, 1, 1)))
        self.assertEqual(rows[3], ("Product", "Net Sales", "Margin (%)"))
        self.assertEqual(rows[4], ("Mug", 75, 0.3333))
        self.assertEqual(rows[6][:2], ("Total", "=SUBTOTAL(109,[Net Sales])"))
        self.assertEqual(sheet['C5'].number_format, '0.0%')

    def test_texts_never_formulas(self):
        "A customer-controlled text starting with '=' is written as text"
        evil = '=HYPERLINK("http://evil.example","x")'
        data = xlsx.write_workbook(self.table([[evil, Decimal(1), 0.5]]))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet['A5'].value, evil)
        self.assertEqual(sheet['A5'].data_type, 's')
        self.assertEqual(sheet['B6'].data_type, 'f')  # our own total row

    def test_empty_report_has_no_chart(self):
        data = xlsx.write_workbook(self.table([]))
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertNotIn('xl/charts/chart1.xml', names)
        rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
        self.assertEqual(rows[4][0], "No data for these filters.")
