"""Benchmark: a flash sale on the production profile (PostgreSQL only).

    python -m bench.flash [--orders 10000] [--clients 20] [--batch 50]
                          [--web 2] [--workers 2] [--timeout 900] [--keep]

Builds a small demo database (the real builder, no order history), stocks
it, then starts what `make serve` starts (``deploy/serve.py``: gunicorn web
processes, ``trytond-worker`` processes for the queue, no cron) and has
``--clients`` concurrent storefront clients post ``--orders`` paid orders
(Stripe captures) in batches of ``--batch`` to the batch intake. A monitor
reads PostgreSQL every second: the tasks waiting in the queue, the
orders fully processed (shipment made, invoice posted and paid by its
reconciled capture) and the invoices rendered (their printed document
stored).

Prints the intake's time and rate, the slowest answer, the time until the
last order is fully processed (or, past ``--timeout``, how many were and at
what rate, and the time 10,000 orders would take at that rate) and the
queue's peak length. Issue 18's target: 10,000 orders fully processed in
under 5 minutes. A benchmark, not a test.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.intake import bench_database, make_order, post, stock_up
from deploy import serve
from tests.server import CONFIG, free_port

TARGET = 10000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_flash')
    parser.add_argument('--orders', type=int, default=TARGET)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--batch', type=int, default=50)
    parser.add_argument('--web', type=int, default=2)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--timeout', type=float, default=900,
        help="seconds to wait for the processing after the last answer")
    parser.add_argument('--keep', action='store_true',
        help="reuse the database of an earlier run")
    return parser.parse_args()


def main():
    args = parse_args()
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if not uri.startswith('postgresql'):
        sys.exit("the flash sale runs on PostgreSQL (make bench-flash)")
    env = dict(os.environ, DEMO_PASSWORD='bench-password')
    fixture = bench_database(args.database, args.keep, env)
    from proteus import config as pconfig
    pconfig.set_trytond(args.database, config_file=CONFIG)
    products = stock_up(args.database)
    rng = random.Random(11)
    orders = [make_order(rng, products, paid=True)
        for _ in range(args.orders)]
    batches = [orders[i:i + args.batch]
        for i in range(0, len(orders), args.batch)]

    run = tempfile.mkdtemp(prefix='flash-')
    port = free_port()
    web = serve.start_web(run, args.database, port, args.web, env)
    serve.start_workers(run, args.database, args.workers, env)
    monitor = Monitor(uri, args.database)
    try:
        serve.wait_for(port, web)
        url = (f"http://127.0.0.1:{port}/{args.database}/ecom/v1/channels/"
            f"{fixture['app']}/orders/batch")
        left = monitor.drain(args.timeout)
        if left:
            print(f"{left} tasks an earlier run left queued ran first")
        post(url, fixture, [make_order(rng, products, paid=True)])  # warm
        monitor.start()
        while monitor.since is None:
            time.sleep(0.1)
        started = time.monotonic()
        answers = []

        refused = Counter()

        def send(batch):
            begun = time.monotonic()
            results = post(url, fixture, batch)['results']
            answers.append(time.monotonic() - begun)
            for r in results:
                if r['status'] != 'accepted':
                    refused[(r['status'], r.get('code'), json.dumps(
                                r.get('errors'))[:160])] += 1
            return sum(r['status'] == 'accepted' for r in results)
        with ThreadPoolExecutor(args.clients) as pool:
            accepted = sum(pool.map(send, batches))
        intake_s = time.monotonic() - started
        done_s = monitor.until(accepted, started, args.timeout)
        rendered_s = (monitor.until(accepted, started, args.timeout,
                'rendered') if done_s is not None else None)
    finally:
        monitor.stop()
        serve.stop(run)
    print(f"\n{args.orders} paid orders, {args.clients} clients, batches "
        f"of {args.batch}, {args.web} web processes, {args.workers} queue "
        f"workers (PostgreSQL)")
    print(f"  intake: {accepted} accepted in {intake_s:.1f} s "
        f"({accepted / intake_s:.1f} orders/s), slowest answer "
        f"{max(answers):.1f} s")
    for (status, code, errors), count in refused.most_common(5):
        print(f"  not accepted: {count} {status} {code} {errors}")
    print(f"  queue: peak {monitor.peak} tasks waiting")
    processed = monitor.processed  # the warm-up order came before
    if done_s is not None:
        print(f"  fully processed: all {processed} after {done_s:.1f} s "
            f"({processed / done_s:.1f} orders/s end to end)")
        print("  their invoices rendered after "
            + (f"{rendered_s:.1f} s" if rendered_s is not None
                else f"more than {args.timeout:.0f} s"))
    else:
        waited = intake_s + args.timeout
        rate = processed / waited
        print(f"  fully processed: {processed} of {accepted} after "
            f"{waited:.0f} s ({rate:.2f} orders/s): {TARGET} orders would "
            f"take {TARGET / rate / 60:.0f} min at that rate" if rate else
            f"  fully processed: none after {waited:.0f} s")
    print(f"target: {TARGET} orders fully processed in under 5 min")


class Monitor(threading.Thread):
    "Every second: the queue's waiting tasks and the orders processed"
    # this run's orders: created since the monitor started (--keep)
    QUERY = """SELECT
        (SELECT COUNT(*) FROM ir_queue WHERE dequeued_at IS NULL),
        (SELECT COUNT(*) FROM account_invoice WHERE type = 'out'
            AND invoice_report_format IS NOT NULL AND create_date >= %(since)s),
        (SELECT COUNT(*) FROM sale_sale WHERE ecom_channel IS NOT NULL
            AND state IN ('processing', 'done') AND invoice_state = 'paid'
            AND create_date >= %(since)s)
        """

    def __init__(self, uri, database):
        super().__init__(daemon=True)
        self.dsn = uri.rstrip('/') + '/' + database
        self.peak = self.processed = self.rendered = 0
        self._halt = threading.Event()
        self.since = None

    def drain(self, timeout):
        """Wait until the workers have run what an earlier run (--keep)
        left queued; how many tasks were waiting"""
        import psycopg
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            waiting = first = connection.execute("SELECT COUNT(*) FROM "
                "ir_queue WHERE dequeued_at IS NULL").fetchone()[0]
            while waiting and time.monotonic() < deadline:
                time.sleep(1)
                waiting = connection.execute("SELECT COUNT(*) FROM "
                    "ir_queue WHERE dequeued_at IS NULL").fetchone()[0]
        return first

    def run(self):
        import psycopg
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            # Tryton's create_date: UTC without time zone
            self.since, = connection.execute(
                "SELECT NOW() AT TIME ZONE 'UTC'").fetchone()
            while not self._halt.wait(1):
                waiting, self.rendered, self.processed = connection.execute(
                    self.QUERY, {'since': self.since}).fetchone()
                self.peak = max(self.peak, waiting)

    def until(self, count, started, timeout, counted='processed'):
        """Seconds from started until count orders are processed (or, with
        counted='rendered', their invoices rendered), or None"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if getattr(self, counted) >= count:
                return time.monotonic() - started
            time.sleep(0.5)
        return None

    def stop(self):
        self._halt.set()


if __name__ == '__main__':
    main()
