"""The production profile on PostgreSQL: two web processes (gunicorn) and
two queue workers (trytond-worker, plus one each for the invoices' posting
and rendering queues) started by deploy/serve.py on one
database, orders posted concurrently over both web processes.

PostgreSQL only: SQLite cannot be shared by several writing processes (the
profile refuses it, which test_sqlite_refused checks on any backend).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from trytond.modules.ecom_base.tests.smtp import smtp_inbox

from deploy import serve
from tests.orders_http import totals
from tests.server import (
    CONFIG,
    ROOT,
    Server,
    build_demo,
    drop_database,
    execute_sql,
    free_port,
)
from tests.test_intake_http import PASSWORD

POSTGRESQL = os.environ.get('TRYTOND_DATABASE__URI', '').startswith(
    'postgresql')


class SQLiteRefusedTest(unittest.TestCase):

    def test_sqlite_refused(self):
        "The profile names the reason when the database is SQLite"
        with self.assertRaises(SystemExit) as cm:
            serve.environment('demo', {'TRYTOND_DATABASE__URI': 'sqlite://'})
        self.assertIn("runs on PostgreSQL", str(cm.exception))


@unittest.skipUnless(POSTGRESQL, "PostgreSQL only (make test-postgresql)")
class ProductionProfileTest(unittest.TestCase):
    "2 gunicorn web processes + 2 queue workers + cron on one PostgreSQL"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='ecom-production-')
        cls.database = f'production{os.getpid()}'
        env = dict(os.environ, DEMO_PASSWORD=PASSWORD)
        build_demo(cls.database, env, '--products', '6', '--customers', '3',
            '--orders', '0', '--days', '1', '--live-days', '0',
            '--seed', '12')
        fixture = subprocess.run([sys.executable, '-m',
                'tests.intake_fixture', '-c', CONFIG, '-d', cls.database],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        cls.fx = json.loads(fixture.stdout)
        cls.smtp, cls.inbox, smtp_port = smtp_inbox()
        env.update(TRYTOND_EMAIL__URI=f'smtp://127.0.0.1:{smtp_port}',
            TRYTOND_EMAIL__FROM='shop@alpine.example')
        cls.ports = [free_port(), free_port()]
        cls.webs = [serve.start_web(cls.tmp, cls.database, port, 1, env)
            for port in cls.ports]
        cls.others = [serve.start_workers(cls.tmp, cls.database, 2, env,
                verbose=2), serve.start_cron(cls.tmp, cls.database, env)]
        for port, web in zip(cls.ports, cls.webs):
            serve.wait_for(port, web)
        # JSON-RPC through the first web process (Server's client only)
        cls.rpc_server = Server.__new__(Server)
        cls.rpc_server.url = f'http://127.0.0.1:{cls.ports[0]}/'
        cls.rpc_server.database = cls.database
        cls.session = cls.rpc_server.login('admin', PASSWORD)

    @classmethod
    def tearDownClass(cls):
        serve.stop(cls.tmp)
        cls.smtp.stop()
        artifacts = os.path.join(ROOT, 'var', 'artifacts')
        os.makedirs(artifacts, exist_ok=True)
        for name in os.listdir(cls.tmp):
            if name.endswith('.log'):
                shutil.copy(os.path.join(cls.tmp, name),
                    os.path.join(artifacts, f'production-{name}'))
        drop_database(cls.database)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rpc(self, method, *params):
        return self.rpc_server.rpc(method, *params, session=self.session)

    def post(self, port, path, body, key):
        request = urllib.request.Request(
            f'http://127.0.0.1:{port}/{self.database}/ecom/v1/channels/'
            f'{path}', data=json.dumps(body).encode(), method='POST',
            headers={'Content-Type': 'application/json',
                'Authorization': f'Bearer {key}'})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def order(self, sku, price):
        _, tax, total = totals([(1, price)], Decimal('4.90'))
        address = {'name': "Lucía Pérez", 'street': "Calle Mayor 5",
            'city': "Madrid", 'postal_code': "28013", 'country': "ES",
            'subdivision': "M"}
        return {'external_id': uuid.uuid4().hex[:12], 'currency': 'EUR',
            'customer': {'email': f'{uuid.uuid4().hex[:8]}@example.com',
                'name': "Lucía Pérez", 'lang': 'es'},
            'billing_address': address,
            'lines': [{'sku': sku, 'quantity': 1, 'unit_price': price}],
            'shipping': {'method': "Standard", 'amount': '4.90'},
            'payment': {'status': 'paid', 'method': 'stripe',
                'reference': f'ch_{uuid.uuid4().hex[:10]}'},
            'totals': {'total': str(total), 'tax': str(tax)}}

    def test_orders_over_two_processes(self):
        """Each order delivered to both web processes at once: one sale
        each, no oversell, every sale processed once by the queue workers,
        its invoice posted (the posting queue), paid and rendered (the
        rendering queue)"""
        fx = self.fx
        sku, price = next(iter(fx['skus'].items()))
        orders = [self.order(sku, price) for _ in range(20)]
        scarce = [self.order(fx['race_sku'], '10.00') for _ in range(20)]
        jobs = [(port, order) for order in orders for port in self.ports]
        jobs += [(self.ports[i % 2], order) for i, order in enumerate(scarce)]

        def send(job):
            port, order = job
            return order['external_id'], self.post(
                port, f"{fx['app']}/orders", order, fx['app_key'])
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(send, jobs))
        statuses = {}
        for external_id, (code, body) in answers:
            self.assertIn(code, (200, 201, 409), body)
            statuses.setdefault(external_id, []).append(code)
        for order in orders:  # delivered twice: created once
            self.assertEqual(sorted(statuses[order['external_id']]),
                [200, 201], order['external_id'])
        self.assertEqual(sorted(c for o in scarce
                for c in statuses[o['external_id']]), [201] * 5 + [409] * 15)
        external_ids = [o['external_id'] for o in orders + scarce]
        sales = self.rpc('model.sale.sale.search_read',
            [('ecom_external_id', 'in', external_ids)], 0, None, None,
            ['ecom_external_id'], {})
        self.assertEqual(len(sales), 25)
        self.assertEqual(len({s['ecom_external_id'] for s in sales}), 25)

        # the web processes answered; the queue workers process
        ids = [s['id'] for s in sales]
        started = time.monotonic()
        deadline = started + 600
        while time.monotonic() < deadline:
            done = self.rpc('model.sale.sale.search_count',
                [('id', 'in', ids), ('state', '=', 'processing'),
                    ('shipments', '!=', None), ('invoices', '!=', None)], {})
            if done == len(ids):
                break
            time.sleep(1)
        self.assertEqual(done, len(ids))
        print(f"\n  {len(ids)} sales processed by the queue workers "
            f"{time.monotonic() - started:.1f} s after the last answer")
        for sale in self.rpc('model.sale.sale.read', ids,
                ['shipments', 'invoices'], {}):
            self.assertEqual((len(sale['shipments']), len(sale['invoices'])),
                (1, 1), sale)
        # posted by the posting queue's worker, paid by the reconciled
        # capture, rendered by the rendering queue's worker
        while time.monotonic() < deadline:
            invoices = self.rpc('model.account.invoice.search_read',
                [('sales', 'in', ids)], 0, None, None,
                ['state', 'number', 'invoice_report_format'], {})
            if (len(invoices) == len(ids)
                    and all(i['state'] == 'paid' and i['invoice_report_format']
                        for i in invoices)):
                break
            time.sleep(1)
        self.assertEqual({i['state'] for i in invoices}, {'paid'}, invoices)
        self.assertTrue(all(i['invoice_report_format'] for i in invoices),
            invoices)
        numbers = [i['number'] for i in invoices]
        self.assertEqual(len(set(numbers)), len(ids), numbers)
        self.assertEqual(sorted(execute_sql(self.database, os.environ,
                    "SELECT DISTINCT name, data->>'method' FROM ir_queue "
                    "WHERE data->>'model' = 'account.invoice' "
                    "AND data->>'method' IN ('ecom_post', 'print_invoice')",
                    [])),
            [('invoice_post', 'ecom_post'), ('invoice_print', 'print_invoice')])
        print(f"  their invoices posted, paid and rendered "
            f"{time.monotonic() - started:.1f} s after the last answer")
        self.assertEqual(self.rpc('model.stock.move.search_count', [
                    ('product.code', '=', fx['race_sku']),
                    ('to_location.type', '=', 'customer'),
                    ('state', '!=', 'cancelled')], {}), 5)

    def test_price_edit_seen_by_the_other_process(self):
        "A price edited through one process prices the other's next cart"
        fx = self.fx
        sku = fx['any_sku']
        cart = {'customer': {'email': 'cart@example.com'},
            'lines': [{'sku': sku, 'quantity': 1}], 'coupons': [],
            'destination': {'country': 'ES'}, 'shipping': {'amount': '4.90'}}

        def unit_price():
            code, priced = self.post(self.ports[1], f"{fx['promo']}/cart",
                cart, fx['promo_key'])
            self.assertEqual(code, 200, priced)
            return Decimal(priced['lines'][0]['unit_price'])
        before = unit_price()  # the second process has it cached now
        template, = self.rpc('model.product.template.search',
            [('products.code', '=', sku)], 0, None, None, {})
        self.rpc('model.product.template.write', [template],
            {'list_price': {'__class__': 'Decimal',
                    'decimal': str(before + 7)}},
            {'company': fx['company']})
        self.assertEqual(unit_price(), before + 7)
