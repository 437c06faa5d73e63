"""Benchmark: storefront events through the beacon route, then summarised.

    python -m bench.analytics [--events 1000000] [--small 100000]
                              [--batch 500] [--clients 2] [--keep]

Uses the database URI of the environment (``make bench-analytics`` points
it at PostgreSQL). Builds the intake benchmark's small demo (no history),
gives its app channel a beacon key, starts trytond and measures in one run:

1. ingestion: ``--events`` events posted by ``--clients`` concurrent
   clients in batches of ``--batch`` to POST …/events?key= over HTTP, as
   browsers' beacons (or a storefront relaying them) would; events/s and
   the scaling line (per-event cost over the first ``--small`` events and
   over all of them);
2. the baseline in the same run: the same kind of events created through
   the ORM (``Event.create``, 2,000 of them, rolled back), per event;
3. the daily summary of all of them (``Daily.aggregate``), the purge of
   all of them (rolled back) and each visit report read as sao reads it
   (search + read, median of 5).

Target (issue 24): ingestion >= 2,000 events/s on 2 cores. A benchmark,
not a test.
"""
import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.intake import ARTIFACTS, bench_database
from tests.server import CONFIG, Server

KINDS = ['page_view'] * 5 + ['product_view'] * 3 + ['add_to_cart',
    'checkout_started']


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_intake')
    parser.add_argument('--events', type=int, default=1_000_000)
    parser.add_argument('--small', type=int, default=100_000)
    parser.add_argument('--batch', type=int, default=500)
    parser.add_argument('--clients', type=int, default=2)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database of a previous run")
    return parser.parse_args()


def bodies(count, batch, skus, seed):
    "count events as JSON bodies of batch events (generated lazily)"
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    for start in range(0, count, batch):
        events = []
        for i in range(start, min(start + batch, count)):
            kind = rng.choice(KINDS)
            at = now - dt.timedelta(seconds=rng.randrange(0, 40 * 3600))
            event = {'type': kind, 'session': f's{seed}-{i // 4}',
                'at': at.isoformat(timespec='seconds'),
                'url': f'https://shop.example/p/{i % 300}?utm=x'}
            if kind in {'product_view', 'add_to_cart'}:
                event['sku'] = rng.choice(skus)
            events.append(event)
        yield json.dumps({'events': events}).encode(), len(events)


def ingest(url, args, skus):
    """Post the events from args.clients threads; (seconds, events
    accepted, seconds when args.small were accepted)"""
    lock = threading.Lock()
    state = {'accepted': 0, 'small_at': None, 'errors': []}
    per_client = args.events // args.clients
    started = time.monotonic()

    def client(seed):
        for body, _ in bodies(per_client, args.batch, skus, seed):
            request = urllib.request.Request(url, data=body, method='POST',
                headers={'Content-Type': 'text/plain'})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    accepted = json.load(answer)['accepted']
            except Exception as e:  # noqa: BLE001 (reported below)
                state['errors'].append(repr(e))
                return
            with lock:
                state['accepted'] += accepted
                if (state['small_at'] is None
                        and state['accepted'] >= args.small):
                    state['small_at'] = (state['accepted'],
                        time.monotonic() - started)
    threads = [threading.Thread(target=client, args=(n,))
        for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if state['errors']:
        sys.exit(f"FAILED: {len(state['errors'])} requests failed, e.g. "
            f"{state['errors'][0]}")
    return time.monotonic() - started, state['accepted'], state['small_at']


def setup(database):
    "(beacon key, app channel id, SKUs) after giving the channel a key"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0) as transaction:
        Channel = pool.get('ecom.channel')
        Product = pool.get('product.product')
        channel, = Channel.search([('code', '=', 'app')])
        Channel.generate_analytics_key([channel])
        # a kept database starts without the events of the run before
        cursor = transaction.connection.cursor()
        for name in ['event', 'daily', 'product_daily', 'landing_daily']:
            table = pool.get(f'ecom.analytics.{name}').__table__()
            cursor.execute(*table.delete())
        skus = [p.code for p in Product.search([('code', 'like', '%-%-%')])]
        result = channel.analytics_key, channel.id, skus
        transaction.commit()
    return result


def in_process(database, channel_id, skus):
    "ORM baseline, summary, purge and reports: {what: seconds}"
    from trytond.modules.ecom_analytics.beacon import parse
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    figures = {}
    with Transaction().start(database, 0) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        with transaction.set_context(company=company.id):
            Event = pool.get('ecom.analytics.event')
            Daily = pool.get('ecom.analytics.daily')
            channel = pool.get('ecom.channel')(channel_id)
            events = [e for body, _ in bodies(2000, 500, skus, 99)
                for e in parse(json.loads(body))]
            products = {p.code: p.id for p in pool.get(
                    'product.product').search([('code', 'in', skus)])}
            started = time.monotonic()
            Event.create([{'company': company.id, 'channel': channel.id,
                        'session': e['session'], 'kind': e['kind'],
                        'occurred_at': e['at'], 'path': e['path'],
                        'product': products.get(e['sku'])} for e in events])
            figures['orm'] = (time.monotonic() - started) / len(events)
            transaction.rollback()
            started = time.monotonic()
            Daily.aggregate()
            figures['aggregate'] = time.monotonic() - started
            transaction.commit()
            started = time.monotonic()
            Daily.purge(now=dt.datetime.now() + dt.timedelta(days=400))
            figures['purge'] = time.monotonic() - started
            transaction.rollback()
            today = dt.datetime.now(dt.UTC).date()
            with transaction.set_context(
                    from_date=today - dt.timedelta(days=2), to_date=today):
                for name in ['funnel', 'product', 'landing']:
                    Report = pool.get(f'ecom.analytics.report.{name}')
                    names = [n for n in Report._fields if n not in {
                            'create_uid', 'write_uid', 'create_date',
                            'write_date', 'rec_name'}]
                    times = []
                    for _ in range(5):
                        started = time.monotonic()
                        Report.read([r.id for r in Report.search(
                                        [], limit=80)], names)
                        times.append(time.monotonic() - started)
                    figures[name] = statistics.median(times)
            figures['rows'] = Daily.search_count([])
    return figures


def main():
    args = parse_args()
    env = dict(os.environ, DEMO_PASSWORD='bench-password')
    bench_database(args.database, args.keep, env)
    from trytond.config import update_etc
    update_etc(CONFIG)
    key, channel_id, skus = setup(args.database)
    server = Server(args.database, env,
        log_path=os.path.join(ARTIFACTS, 'bench-analytics-server.log'))
    url = (f"{server.url}{args.database}/ecom/v1/channels/{channel_id}"
        f"/events?key={key}")
    try:
        seconds, accepted, small = ingest(url, args, skus)
    finally:
        server.stop()
    backend = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite:').split(':')[0]
    rate = accepted / seconds
    print(f"\nbackend: {backend}; {accepted} events in batches of "
        f"{args.batch} by {args.clients} clients over HTTP")
    print(f"  ingestion: {seconds:.1f} s, {rate:,.0f} events/s "
        f"({1e6 / rate:.0f} µs each); target >= 2,000 events/s", flush=True)
    figures = in_process(args.database, channel_id, skus)
    print(f"  ORM create (baseline, 2,000 events): "
        f"{figures['orm'] * 1e6:.0f} µs each: the route is "
        f"{figures['orm'] * rate:.1f}x faster, HTTP included")
    if small and accepted > small[0]:
        first, whole = small[1] / small[0], seconds / accepted
        print(f"  per-event cost: {first * 1e6:.0f} µs over the first "
            f"{small[0]:,}, {whole * 1e6:.0f} µs over {accepted:,}: ratio "
            f"{whole / first:.2f}")
    print(f"  daily summary of the last 3 days ({accepted:,} events): "
        f"{figures['aggregate']:.1f} s ({figures['rows']} channel-days)")
    print(f"  purge of all of them (rolled back): {figures['purge']:.1f} s")
    print("  reports, search + read of 80 rows (median of 5): " + ', '.join(
            f"{n} {figures[n] * 1000:.0f} ms"
            for n in ['funnel', 'product', 'landing']))


if __name__ == '__main__':
    main()
