"""Benchmark: batched order intake over HTTP against the ordinary path.

    python -m bench.intake [--orders 2000] [--small 100] [--ordinary 60]
                           [--paid] [--keep]

Uses the database URI of the environment (TRYTOND_DATABASE__URI; the
Makefile's ``make bench-intake`` points it at PostgreSQL). Builds a small
demo database with the real builder, then measures in the same run:

1. intake: orders posted in batches of 100 to
   /<db>/ecom/v1/channels/<id>/orders/batch of a running trytond whose queue
   is left to workers (``[queue] worker = True``), as in production: the
   answer comes once each order is validated, reserved, and a confirmed
   sale;
2. processing: the queued ``sale.process`` of those sales (shipments and
   invoices), run in batches of 100 as a trytond-worker would;
3. ordinary: the same kind of order created the ordinary way with proteus
   (create + quote + confirm, which processes it).

With ``--paid`` the orders come paid with a Stripe charge: the intake
records each capture and the processing posts the invoice and reconciles
the payment with it (a payment move per order). Run it with and without to
see what the payment reconciliation costs.

Prints orders/s of each and the ratios, and the scaling line: the
per-order cost of the intake and of the processing over the first
``--small`` orders and over all of them (a linear path: ratio near 1). This
is a benchmark, not a test.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import CONFIG, Server, build_demo, drop_database

ARTIFACTS = os.path.join(ROOT, 'var', 'artifacts')
BATCH = 100
CENT = Decimal('0.01')
# restarts of the processing transactions, by the table whose lock each
# asked for (posting_locks: one per batch for the sales, one for the
# sequences, both before any work)
RESTARTS = Counter()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_intake')
    parser.add_argument('--orders', type=int, default=2000)
    parser.add_argument('--ordinary', type=int, default=60)
    parser.add_argument('--small', type=int, default=100,
        help="the first size of the scaling line (per-order cost at "
        "--small and at --orders orders)")
    parser.add_argument('--paid', action='store_true',
        help="orders paid by Stripe: captures reconciled at processing")
    parser.add_argument('--keep', action='store_true',
        help="reuse the database of a previous run")
    return parser.parse_args()


def bench_database(database, keep, env):
    """A small demo without history, configured by tests/intake_fixture.py
    (unless keep: the database and fixture of an earlier run); the
    fixture"""
    if not keep:
        drop_database(database)
        started = time.monotonic()
        build_demo(database, env, '--products', '60', '--customers',
            '20', '--orders', '0', '--days', '1', '--live-days', '0')
        print(f"database built in {time.monotonic() - started:.0f}s")
    os.makedirs(ARTIFACTS, exist_ok=True)
    saved = os.path.join(ARTIFACTS, f'{database}-fixture.json')
    if not keep:
        with open(saved, 'wb') as f:
            f.write(subprocess.run([
                        sys.executable, '-m', 'tests.intake_fixture',
                        '-c', CONFIG, '-d', database], cwd=ROOT,
                    env=env, check=True, capture_output=True).stdout)
    with open(saved) as f:
        return json.load(f)


def main():
    args = parse_args()
    env = dict(os.environ, DEMO_PASSWORD='bench-password')
    fixture = bench_database(args.database, args.keep, env)

    from proteus import config as pconfig
    pconfig.set_trytond(args.database, config_file=CONFIG)
    products = stock_up(args.database)
    rng = random.Random(7)

    server = Server(args.database, dict(env, TRYTOND_QUEUE__WORKER='True'),
        log_path=os.path.join(ARTIFACTS, 'bench-intake-server.log'))
    try:
        orders = [make_order(rng, products, args.paid)
            for _ in range(args.orders)]
        intake_s, accepted, intake_small = run_intake(server,
            args.database, fixture, orders, args.small)
    finally:
        server.stop()
    process_s, processed, process_small = run_processing(args.database,
        accepted, args.small)
    ordinary_s = run_ordinary(rng, products, args.ordinary)

    intake_rate = len(accepted) / intake_s
    process_rate = processed / process_s
    end_to_end = len(accepted) / (intake_s + process_s)
    ordinary_rate = args.ordinary / ordinary_s
    backend = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://').split(
        ':')[0]
    matched = reconciled(accepted) if args.paid else None
    print(f"\nbackend: {backend}; {len(accepted)} orders accepted of "
        f"{len(orders)}, batches of {BATCH}; "
        + (f"paid by Stripe, captures reconciled: {matched}" if args.paid
            else "pending payment"))
    rows = [
        ("intake (HTTP batch: validate, reserve, confirm)", intake_rate),
        ("processing (shipments + invoices, queued)", process_rate),
        ("intake + processing, end to end", end_to_end),
        ("ordinary path (proteus create+quote+confirm+process)",
            ordinary_rate),
        ]
    for label, rate in rows:
        print(f"  {label:<56} {rate:8.1f} orders/s")
    print(f"  ratio intake / ordinary:{intake_rate / ordinary_rate:>40.1f}x")
    print(f"  ratio end to end / ordinary:{end_to_end / ordinary_rate:>36.1f}x")
    print("targets: intake >= 200 orders/s and >= 20x the ordinary path")
    print(f"  processing transactions restarted for a lock: {dict(RESTARTS)}")
    # the scaling line: a linear batch path costs the same per order at
    # both sizes (issue 18: ratio <= 1.3)
    for label, (small_n, small_s), (all_n, all_s) in [
            ("intake", intake_small, (len(accepted), intake_s)),
            ("processing", process_small, (processed, process_s))]:
        if small_n and all_n > small_n:
            first, whole = small_s / small_n, all_s / all_n
            print(f"  per-order cost, {label}: {1000 * first:.1f} ms at "
                f"{small_n}, {1000 * whole:.1f} ms at {all_n}: ratio "
                f"{whole / first:.2f}")
    if args.paid and matched != len(accepted):
        # A paid order whose capture is left unmatched is an accountant's
        # problem the bench must not hide.
        sys.exit(f"FAILED: {len(accepted) - matched} captures of paid orders "
            "left unmatched (not reconciled)")


def reconciled(external_ids):
    "How many of these orders' captures were matched with their invoice"
    from proteus import Model
    Transaction_ = Model.get('ecom.payment.transaction')
    return len(Transaction_.find([('state', '=', 'reconciled'),
                ('kind', '=', 'capture'),
                ('external_order', 'in', external_ids)]))


def stock_up(database):
    "Plenty of stock for every demo product; return (code, price) pairs"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    with Transaction().start(database, 0) as transaction:
        Product = pool.get('product.product')
        Inventory = pool.get('stock.inventory')
        Location = pool.get('stock.location')
        company, = pool.get('company.company').search([], limit=1)
        with transaction.set_context(company=company.id):
            products = Product.search([('code', 'like', '%-%-%')])
            storage, = Location.search([('code', '=', 'STO')])
            inventory, = Inventory.create([{
                        'location': storage.id, 'company': company.id,
                        'lines': [('create', [{'product': p.id,
                                        'quantity': 1e6}
                                    for p in products])]}])
            Inventory.confirm([inventory])
            result = [(p.code, p.template.list_price) for p in products]
        transaction.commit()
    return result


def make_order(rng, products, paid=False):
    lines = [(code, rng.randint(1, 3), price)
        for code, price in rng.sample(products, rng.randint(1, 3))]
    untaxed = sum((q * p for _, q, p in lines), Decimal(0)) + Decimal('4.90')
    tax = (untaxed * Decimal('0.21')).quantize(CENT, ROUND_HALF_EVEN)
    return {
        'external_id': uuid.uuid4().hex,
        'currency': 'EUR',
        'customer': {'email': f'{uuid.uuid4().hex[:10]}@example.com',
            'name': "Bench Customer"},
        'billing_address': {'name': "Bench Customer", 'street': "Main 1",
            'city': "Madrid", 'postal_code': "28001", 'country': "ES"},
        'lines': [{'sku': c, 'quantity': q, 'unit_price': str(p)}
            for c, q, p in lines],
        'shipping': {'method': "Standard", 'amount': '4.90'},
        'totals': {'total': str(untaxed + tax), 'tax': str(tax)},
        'payment': ({'status': 'paid', 'method': 'stripe',
                'reference': f'ch_{uuid.uuid4().hex}'} if paid
            else {'status': 'pending'}),
        }


def run_intake(server, database, fixture, orders, small=None):
    """(seconds, accepted external ids, (orders, seconds) when small were
    taken) of the orders posted in batches"""
    url = (f"{server.url}{database}/ecom/v1/channels/{fixture['app']}"
        "/orders/batch")
    # Warm up: the first request loads caches in the server.
    post(url, fixture, [orders[0]])
    accepted = [orders[0]['external_id']]
    started = time.monotonic()
    mark = (0, 0.0)
    for i in range(1, len(orders), BATCH):
        results = post(url, fixture, orders[i:i + BATCH])['results']
        refused = [r for r in results if r['status'] != 'accepted']
        if refused:
            print(f"{len(refused)} not accepted, e.g. {refused[0]}")
        accepted.extend(r['external_id'] for r in results
            if r['status'] == 'accepted')
        if small and not mark[0] and len(accepted) - 1 >= small:
            mark = (len(accepted) - 1, time.monotonic() - started)
    return time.monotonic() - started, accepted[1:], mark


def post(url, fixture, orders):
    request = urllib.request.Request(url, method='POST',
        data=json.dumps({'orders': orders}).encode(), headers={
            'Content-Type': 'application/json',
            'Authorization': f"Bearer {fixture['app_key']}"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def run_processing(database, external_ids, small=None, context=None):
    """What trytond-worker does with the queued sale.process tasks (in
    context, if given): (seconds, sales, (sales, seconds) when small were
    processed)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    pool = Pool(database)
    with Transaction().start(database, 0, readonly=True):
        Sale = pool.get('sale.sale')
        ids = [s.id for s in Sale.search([
                    ('ecom_external_id', 'in', external_ids),
                    ('state', '=', 'confirmed')])]
    # SQLite's parser overflows validating 100 records at once.
    size = 40 if os.environ.get(
        'TRYTOND_DATABASE__URI', 'sqlite').startswith('sqlite') else BATCH
    started = time.monotonic()
    mark = (0, 0.0)
    for i in range(0, len(ids), size):
        extras = {}
        while True:
            with Transaction().start(database, 0, **extras) as transaction:
                company, = pool.get('company.company').search([], limit=1)
                try:
                    with transaction.set_context(context or {},
                            company=company.id):
                        Sale.process(Sale.browse(ids[i:i + size]))
                except TransactionError as e:
                    # Sale.process locks its rows: start again with them.
                    transaction.rollback()
                    RESTARTS[getattr(e, '_table', type(e).__name__)] += 1
                    e.fix(extras)
                    continue
                transaction.commit()
                break
        done = min(i + size, len(ids))
        if small and not mark[0] and done >= small:
            mark = (done, time.monotonic() - started)
    return time.monotonic() - started, len(ids), mark


def run_ordinary(rng, products, count):
    from proteus import Model
    Sale = Model.get('sale.sale')
    Party = Model.get('party.party')
    Product = Model.get('product.product')
    parties = Party.find([('addresses.city', '!=', None)], limit=20)
    by_code = {p.code: p for p in Product.find(
            [('code', 'in', [c for c, _ in products])])}
    started = time.monotonic()
    for _ in range(count):
        sale = Sale()
        sale.party = rng.choice(parties)
        for code, _ in rng.sample(products, rng.randint(1, 3)):
            line = sale.lines.new()
            line.product = by_code[code]
            line.quantity = rng.randint(1, 3)
        sale.click('quote')
        sale.click('confirm')
        assert sale.state == 'processing', sale.state
    return time.monotonic() - started


if __name__ == '__main__':
    main()
