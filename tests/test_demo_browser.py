"""The demo builder, the running server and the web client, end to end.

Builds a small demo database with the real builder, starts trytond with sao
on a free local port, checks the data over JSON-RPC, then logs in with
headless Chromium, opens the E-commerce menu, Orders to Prepare (ships an
order from there and opens it: daily_work_browser.py), settles a capture
from To Reconcile, and the Sales over Time chart; screenshots of each in
var/artifacts/.
"""
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import unittest
from decimal import Decimal

from trytond.pyson import PYSONDecoder

from demo import cards, promotions, vat, webhooks
from tests.charts_browser import ChartsBrowser
from tests.daily_work_browser import DailyWorkBrowser
from tests.server import ROOT, Server, build_demo, drop_database
from tests.spanish_browser import SpanishBrowserTests, chromium, open_menu

BACKEND = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite:').split(':')[0]
# CI runs both backends at once: PostgreSQL's screenshots go in a subfolder.
ARTIFACTS = os.path.join(ROOT, 'var', 'artifacts',
    *([] if BACKEND == 'sqlite' else [BACKEND]))
PASSWORD = 'smoke-test-pw'
SUBMENUS = ["Catalog", "Content", "Customers", "Customer Assistant",
    "EU VAT", "Orders", "Promotions", "Reports", "Configuration"]
SIZES = {'products': 24, 'customers': 30, 'orders': 60}


class DemoBrowserTest(ChartsBrowser,
        DailyWorkBrowser, SpanishBrowserTests, unittest.TestCase):
    "Demo builder + trytond + sao + Chromium"
    artifacts = ARTIFACTS

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='ecom-smoke-')
        cls.database = f'smoke{os.getpid()}'
        cls.env = dict(os.environ,
            TRYTOND_DATABASE__PATH=cls.tmp, DEMO_PASSWORD=PASSWORD,
            TRYTOND_WEB__ROOT=os.environ.get('TRYTOND_WEB__ROOT', os.path.join(
                    ROOT, 'var', 'sao', 'package')))
        started = time.monotonic()
        build_demo(cls.database, cls.env,
            '--products', str(SIZES['products']),
            '--customers', str(SIZES['customers']),
            '--orders', str(SIZES['orders']),
            # 90 days: the demand forecasts need 8 weeks of orders
            '--days', '90', '--live-days', '10', '--seed', '7')
        cls.build_seconds = time.monotonic() - started
        os.makedirs(ARTIFACTS, exist_ok=True)
        # as production should: no database list (listing connects to
        # every database of the server, and beside the suites that create
        # and activate test databases that took over a minute at a login)
        cls.server = Server(cls.database,
            dict(cls.env, TRYTOND_DATABASE__LIST='False'),
            log_path=os.path.join(ARTIFACTS, 'browser-server.log'))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        drop_database(cls.database)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    password = PASSWORD

    def count(self, session, model, domain):
        return self.server.rpc(
            f'model.{model}.search_count', domain, {}, session=session)

    def test_demo_data(self):
        "The builder made a shop with catalog, customers and live orders"
        session = self.server.login('admin', PASSWORD)
        # 3 apparel products come in sizes S, M and L: 2 more SKUs each
        self.assertEqual(self.count(session, 'product.product',
                [('code', 'like', '%-%-%')]), SIZES['products'] + 6)
        self.assertEqual(self.count(session, 'product.product',
                [('template.attribute_set.name', '=', 'Apparel sizes'),
                    ('attributes.size', 'in', ['s', 'm', 'l'])]), 9)
        self.assertEqual(self.count(session, 'product.image', []),
            SIZES['products'])
        # the history's three, and the US store of demo/webhooks.py
        self.assertEqual(self.count(session, 'ecom.channel', []), 4)
        self.assertEqual(self.count(session, 'product.category',
                [('parent.parent', '!=', None)]), 29)
        # the builder's customers (the US store's webhook customer aside)
        # (an address with both: a party without address matches
        # "addresses.subdivision != None")
        customers = self.count(session, 'party.party',
            [('addresses', 'where', [('subdivision', '!=', None),
                        ('country.code', '!=', 'US')])])
        self.assertEqual(customers, SIZES['customers'])
        # Returns are sales too: of the storefront (-R1) or of an RMA.
        # The history's orders, the webhook orders of demo/webhooks.py and
        # the card orders of demo/cards.py.
        orders = self.count(session, 'sale.sale', [
                ('ecom_channel', '!=', None), ('origin', '=', None),
                ('ecom_external_id', 'not like', '%-R%')])
        self.assertEqual(orders,
            SIZES['orders'] + webhooks.SALES + promotions.ORDERS + vat.ORDERS
            + cards.ORDERS)
        # the mobile app's orders keep what the promotions engine decided
        self.assertGreaterEqual(self.count(session,
                'ecom.sale.promotion_result', [('applied', '=', True),
                    ('sale.ecom_channel.code', '=', 'app')]),
            promotions.ORDERS)
        self.assertEqual(self.count(session, 'ecom.storefront.event',
                [('state', '=', 'exception')]), webhooks.EXCEPTIONS)
        us_sale, = self.server.rpc('model.sale.sale.search_read', [
                ('ecom_external_id', '=', '9200')], 0, None, None,
            ['total_amount', 'ecom_storefront_total', 'currency.code'], {},
            session=session)
        # taxes computed by the storefront: the customer paid what we booked
        self.assertEqual(us_sale['total_amount'],
            us_sale['ecom_storefront_total'])
        self.assertEqual(us_sale['currency.']['code'], 'USD')
        archived = self.count(session, 'sale.sale', [
                ('number', 'like', 'ARC-%'), ('state', '=', 'done')])
        self.assertGreater(archived, 0)
        self.assertGreater(self.count(session, 'account.invoice',
                [('state', '=', 'posted')]), 0)
        self.assertGreater(self.count(session, 'stock.shipment.out',
                [('state', '=', 'done')]), 0)
        self.assertEqual(self.count(session, 'ir.module.config_wizard.item',
                [('state', '!=', 'done')]), 0)
        rules = self.count(session, 'ecom.safety_stock', [])
        self.assertEqual(rules, SIZES['products'] // 3)
        self.assertGreater(self.count(session, 'ecom.stock.alert',
                [('state', '=', 'open')]), 0)
        # demand forecasts from the history; the alerts count with them
        self.assertGreater(self.count(session, 'ecom.forecast', []), 0)
        self.assertGreater(self.count(session, 'ecom.stock.alert',
                [('rate_basis', '=', 'forecast')]), 0)
        self.assertEqual(self.count(session, 'ecom.pricing.group_price_list',
                [('group.name', '=', 'Wholesale')]), 1)
        # consent ledger: grants, a few withdrawals, a newsletter
        self.assertGreater(self.count(session, 'ecom.customer.consent',
                [('action', '=', 'grant')]), SIZES['customers'] // 2)
        self.assertGreater(self.count(session, 'ecom.customer.consent',
                [('action', '=', 'withdraw')]), 0)
        self.assertEqual(self.count(session, 'marketing.email.list',
                [('name', '=', 'Alpine News')]), 1)
        self.assertGreater(self.count(session, 'ecom.loyalty.account',
                [('balance', '>', 0)]), 0)
        # the customer form's E-commerce page: orders, emails, figures
        sale, = self.server.rpc('model.sale.sale.search_read', [
                ('ecom_channel', '!=', None),
                ('state', 'in', ['processing', 'done'])], 0, 1, None,
            ['party', 'company'], {}, session=session)
        # sao sends the user's company in the context
        customer, = self.server.rpc('model.party.party.read', [sale['party']],
            ['ecom_orders', 'ecom_order_count', 'ecom_lifetime_value',
                'ecom_loyalty_balance'], {'company': sale['company']},
            session=session)
        self.assertIn(sale['id'], customer['ecom_orders'])
        self.assertGreaterEqual(customer['ecom_order_count'], 1)
        self.assertIsNotNone(customer['ecom_lifetime_value'])
        self.assertGreater(customer['ecom_loyalty_balance'], 0)
        print(f"\n  small demo built in {self.build_seconds:.0f}s",
            file=sys.stderr)

    def test_report_figures_match_the_orders(self):
        "Staff read the reports over RPC; their orders are the counted sales"
        session = self.server.login('staff', PASSWORD)
        company = self.server.rpc(
            'model.res.user.get_preferences', True, {},
            session=session)['company']
        today = self.server.rpc('model.ir.date.today', {}, session=session)
        start = {'__class__': 'date', 'year': 2000, 'month': 1, 'day': 1}
        context = {'company': company, 'from_date': start, 'to_date': today,
            'period': 'year'}
        rows = self.server.rpc('model.ecom.report.sales.search_read', [],
            0, None, None, ['orders', 'revenue'], context, session=session)
        counted = self.count(session, 'sale.sale', [
                ('state', 'in', ['confirmed', 'processing', 'done']),
                ('sale_date', '<=', today)])
        self.assertGreater(counted, 0)
        self.assertEqual(sum(r['orders'] for r in rows), counted)
        segments = self.server.rpc(
            'model.ecom.report.customer.segment.search_read', [], 0, None,
            None, ['customers'], {'company': company}, session=session)
        self.assertEqual(
            sum(s['customers'] for s in segments),
            self.server.rpc('model.ecom.report.customer.search_count', [],
                {'company': company}, session=session))
        self.assertGreater(len(segments), 1)
        # the campaigns split the same net sales; the demo's have spend
        campaigns = self.server.rpc(
            'model.ecom.report.campaign.search_read', [], 0, None, None,
            ['label', 'orders', 'revenue', 'spend', 'roi', 'mailings'],
            context, session=session)
        def money(value):  # JSON-RPC sends a Decimal as an object
            return Decimal(value['decimal'])
        self.assertEqual(sum(money(c['revenue']) for c in campaigns),
            sum(money(r['revenue']) for r in rows))
        spent = {c['label']: c for c in campaigns if money(c['spend'])}
        self.assertEqual(money(spent['Rebajas-Invierno']['spend']),
            Decimal('1470.00'))
        self.assertIsNotNone(spent['Rebajas-Invierno']['roi'])
        self.assertEqual(
            spent['Black-Friday']['mailings'], "Black Friday: -20%")

    def test_report_export_command(self):
        "The command line writes a report with its chart to XLSX"
        import subprocess
        import zipfile

        import openpyxl
        path = os.path.join(self.tmp, 'products.xlsx')
        subprocess.run([sys.executable, '-m',
                'trytond.modules.ecom_reports.cli', '-c',
                os.path.join(ROOT, 'trytond.conf'), '-d', self.database,
                'export', 'product', '--from', '2000-01-01', '-o', path],
            env=self.env, check=True, capture_output=True, timeout=300)
        self.assertIn('xl/charts/chart1.xml', zipfile.ZipFile(path).namelist())
        rows = list(openpyxl.load_workbook(path).active.values)
        header = [r[0] for r in rows].index('Product')
        self.assertEqual(rows[header][1], 'Orders')
        self.assertGreater(len(rows) - header, 3)

    def catalog_cli(self, *args):
        import subprocess
        return subprocess.run([sys.executable, '-m',
                'trytond.modules.ecom_catalog.cli', '-c',
                os.path.join(ROOT, 'trytond.conf'), '-d', self.database,
                *args], env=self.env, capture_output=True, text=True,
            timeout=300, check=False)

    def test_catalog_command_line(self):
        "Export the demo catalog; a file with a bad row imports nothing"
        import csv
        exported = os.path.join(self.tmp, 'catalog.csv')
        done = self.catalog_cli('export', exported, '--lang', 'es')
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(exported, encoding='utf-8') as file:
            rows = list(csv.DictReader(file))
        self.assertGreaterEqual(len(rows), SIZES['products'])
        first = rows[0]
        self.assertIn('Alpine Outfitters Online', [
                r['shops'] for r in rows])

        bad = os.path.join(self.tmp, 'bad.csv')
        with open(bad, 'w', encoding='utf-8') as file:
            file.write("sku,list_price\n"
                f"{first['sku']},1.00\nNEW-1,2.00\n")
        done = self.catalog_cli('import', bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn("row 3, column name: new SKU 'NEW-1' needs a name",
            done.stderr)
        self.assertIn("1 errors: nothing was imported", done.stderr)
        again = os.path.join(self.tmp, 'again.csv')
        self.assertEqual(self.catalog_cli('export', again).returncode, 0)
        with open(again, encoding='utf-8') as file:
            self.assertEqual(next(csv.DictReader(file))['list_price'],
                first['list_price'])

        good = os.path.join(self.tmp, 'good.csv')
        with open(good, 'w', encoding='utf-8') as file:
            file.write("sku,name,list_price,stock\n"
                "NEW-2,Trail gaiters,24.90,7\n")
        done = self.catalog_cli('import', good)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("1 created, 0 updated, 0 rejected", done.stdout)

    def test_staff_logins(self):
        "Manager, staff, accountant and empleado log in with the password"
        for login in ['manager', 'staff', 'accountant', 'empleado']:
            session = self.server.login(login, PASSWORD)
            self.assertTrue(session)

    def to_prepare(self, session):
        "The demo's orders to prepare, read the way the action lists them"
        action, = self.server.rpc('model.ir.action.act_window.search_read',
            [('name', '=', "Orders to Prepare")], 0, None, None,
            ['pyson_domain', 'pyson_order'], {}, session=session)
        decode = PYSONDecoder().decode
        return self.server.rpc('model.sale.sale.search_read',
            decode(action['pyson_domain']), 0, None,
            [tuple(o) for o in decode(action['pyson_order'])],
            ['number', 'ecom_due', 'ecom_late', 'ecom_delivery'], {},
            session=session)

    def test_orders_to_prepare(self):
        "The replayed days leave orders to prepare, the most urgent first"
        rows = self.to_prepare(self.server.login('staff', PASSWORD))
        self.assertGreater(len(rows), 0)
        self.assertNotIn(None, [r['ecom_due'] for r in rows])
        dues = [dt.datetime(*(r['ecom_due'][k] for k in (
                        'year', 'month', 'day', 'hour', 'minute', 'second')))
            for r in rows]
        self.assertEqual(dues, sorted(dues))

    def open_orders_to_prepare(self, driver, wait, By, EC):
        "Orders > Orders to Prepare lists the most urgent order first"
        orders = wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr[.//*[normalize-space(text())='Orders']]")))
        orders.find_element(By.CSS_SELECTOR, '.expander').click()
        entry = wait.until(EC.visibility_of_element_located((By.XPATH,
                    "//tr//*[normalize-space(text())='Orders to Prepare']")))
        entry.click()
        for tab in ["Late", "Unpaid", "Pickup"]:
            wait.until(EC.visibility_of_element_located((By.XPATH,
                        f"//a[contains(normalize-space(.), '{tab}')]")))
        first = self.to_prepare(self.server.login('admin', PASSWORD))[0]
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    ("//table//tbody/tr[1]//*[normalize-space(text())="
                    f"'{first['number']}']"))))
        time.sleep(1)
        driver.save_screenshot(
            os.path.join(ARTIFACTS, 'orders-to-prepare.png'))

    def open_list(self, driver, wait, By, EC, name, tabs, screenshot):
        "An entry of the expanded Orders menu opens its list with its tabs"
        entry = wait.until(EC.visibility_of_element_located((By.XPATH,
                    f"//tr//*[normalize-space(text())='{name}']")))
        entry.click()
        wait.until(EC.visibility_of_element_located((By.XPATH,
                    ("//*[contains(@class, 'tab')]"
                        f"//*[normalize-space(text())='{name}']"))))
        for tab in tabs:
            # any visible one: the tabs of other open lists are hidden
            wait.until(EC.visibility_of_any_elements_located((By.XPATH,
                        f"//a[contains(normalize-space(.), '{tab}')]")))
        time.sleep(1)
        driver.save_screenshot(os.path.join(ARTIFACTS, screenshot))

    def expand(self, driver, wait, By, EC, name):
        "Expand a submenu of the E-commerce menu"
        row = wait.until(EC.visibility_of_element_located((By.XPATH,
                    f"//tr[.//*[normalize-space(text())='{name}']]")))
        row.find_element(By.CSS_SELECTOR, '.expander').click()

    def see_cell(self, wait, By, EC, text):
        wait.until(EC.visibility_of_any_elements_located((By.XPATH,
                    f"//td//*[normalize-space(text())='{text}']")))

    def test_ecommerce_menu_in_browser(self):
        "Log in through sao and open the E-commerce menu and its submenus"
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        driver = chromium(self.tmp)
        # sao re-renders lists while a wait looks at them (PostgreSQL CI)
        wait = WebDriverWait(driver, 120, ignored_exceptions=(
            StaleElementReferenceException,))
        try:
            open_menu(driver, wait, self.server.url + '#' + self.database,
                'admin', PASSWORD, "E-commerce", SUBMENUS,
                os.path.join(ARTIFACTS, 'ecommerce-menu.png'))
            self.open_orders_to_prepare(driver, wait, By, EC)
            number = self.ship_first_order(driver, wait, By, EC, ARTIFACTS)
            self.open_order(driver, wait, By, EC, number, ARTIFACTS)
            self.open_order_promotions(driver, wait, By, EC, ARTIFACTS)
            self.settle_by_hand(driver, wait, By, EC, ARTIFACTS)
            for name, tabs, screenshot in [
                    ("Returns", ["To Approve", "Approved"], 'returns.png'),
                    ("Customer Notifications", ["Failed", "Queued"],
                        'customer-notifications.png')]:
                self.open_list(driver, wait, By, EC, name, tabs, screenshot)
            self.expand(driver, wait, By, EC, "Catalog")
            self.open_list(driver, wait, By, EC, "Low Stock Alerts",
                ["Open", "All"], 'low-stock-alerts.png')
            self.open_demand_forecast(driver, wait, By, EC)
            self.expand(driver, wait, By, EC, "Customers")
            self.open_list(driver, wait, By, EC, "Marketing Consents",
                ["Granted", "Withdrawn"], 'marketing-consents.png')
            self.expand(driver, wait, By, EC, "Content")
            for name, column in [("Pages", "Shipping policy"),
                    ("Blog Posts", "How to choose hiking boots"),
                    ("Banners", "Winter collection"),
                    ("Menus", "Main menu"),
                    ("Images", "Banner winter"),
                    ("Blog Tags and Categories", "Guides"),
                    ("SEO Check", None)]:
                self.open_list(driver, wait, By, EC, name, [],
                    f"content-{name.split()[0].lower()}.png")
                if column:
                    self.see_cell(wait, By, EC, column)
            for menu, name, tabs, screenshot, cell in [
                    ("Customer Assistant", "Conversations",
                        ["Handed Over", "All"], 'assistant-conversations.png',
                        None),
                    (None, "FAQ Entries", [], 'assistant-faq.png',
                        "How much is shipping?"),
                    # the demo's OSS orders: a German consumer's
                    ("EU VAT", "OSS VAT", [], 'oss-vat.png', "DE USt 19%")]:
                if menu:
                    self.expand(driver, wait, By, EC, menu)
                self.open_list(driver, wait, By, EC, name, tabs, screenshot)
                if cell:
                    self.see_cell(wait, By, EC, cell)
            self.open_reports(driver, wait, By, EC)
        except Exception:
            os.makedirs(ARTIFACTS, exist_ok=True)
            driver.save_screenshot(
                os.path.join(ARTIFACTS, 'ecommerce-menu-failure.png'))
            for entry in driver.get_log('browser'):
                print("browser:", entry.get('message'), file=sys.stderr)
            raise
        finally:
            driver.quit()


if __name__ == '__main__':
    unittest.main()
