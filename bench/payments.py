"""Benchmark: matching the captures of paid orders, batch against one at a time.

    python -m bench.payments [--orders 400] [--small 100] [--keep]

Builds a small demo database, posts ``--orders`` paid orders (Stripe
captures) through the HTTP batch intake of a trytond whose queue is left
to workers, then processes their sales (shipments, invoices posted) with
the matching held back, so that every capture waits for its invoice. Then,
each time in a transaction rolled back afterwards, from that same state:

- batch: ``ecom.payment.transaction.reconcile`` over the captures of
  ``--small`` orders, then of all of them (one call each, as the posting
  of a processing batch calls it): payment moves saved and posted together,
  one reconciliation call;
- one at a time: ``reconcile([capture])`` for each of the ``--small``
  orders' captures, what a payment reported after its invoice costs and
  what the batch path replaced (a move, a post, a write and a
  reconciliation per order).

Prints the per-order cost of each, the ratio of the batch's per-order cost
at the two sizes (a linear path stays near 1) and one at a time against
the batch. Exits non-zero if a capture is left unmatched. Not a test.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.intake import make_order, run_intake, run_processing, stock_up
from tests.server import CONFIG, Server, build_demo, drop_database

ARTIFACTS = os.path.join(ROOT, 'var', 'artifacts')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_payments')
    parser.add_argument('--orders', type=int, default=400)
    parser.add_argument('--small', type=int, default=100)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database (and waiting captures) of a previous run")
    return parser.parse_args()


def prepare(args):
    "The demo database with --orders paid orders processed, captures waiting"
    env = dict(os.environ, DEMO_PASSWORD='bench-password')
    drop_database(args.database)
    started = time.monotonic()
    build_demo(args.database, env, '--products', '60', '--customers', '20',
        '--orders', '0', '--days', '1', '--live-days', '0')
    fixture = json.loads(subprocess.run([sys.executable, '-m',
                'tests.intake_fixture', '-c', CONFIG, '-d', args.database],
            cwd=ROOT, env=env, check=True, capture_output=True).stdout)
    start_pool(args.database)
    products = stock_up(args.database)
    print(f"database built in {time.monotonic() - started:.0f} s")
    rng = random.Random(11)
    orders = [make_order(rng, products, paid=True)
        for _ in range(args.orders + 1)]
    server = Server(args.database, dict(env, TRYTOND_QUEUE__WORKER='True'),
        log_path=os.path.join(ARTIFACTS, 'bench-payments-server.log'))
    try:
        seconds, accepted, _ = run_intake(server, args.database, fixture,
            orders)
    finally:
        server.stop()
    print(f"{len(accepted)} paid orders taken in {seconds:.1f} s")
    # the posting does not start the matching measured here
    # every order's sale, the intake's warm-up order included
    seconds, _, _ = run_processing(args.database,
        [o['external_id'] for o in orders],
        context={'_ecom_reconciling': True})
    print(f"their sales processed in {seconds:.1f} s "
        "(shipments, invoices posted; captures left waiting)")


_POOLS = {}


def start_pool(database):
    "The Tryton pool of database, started once in this process"
    _pools = _POOLS
    if database not in _pools:
        from trytond import config
        from trytond.pool import Pool
        config.update_etc(CONFIG)
        Pool.start()
        _pools[database] = Pool(database)
        _pools[database].init()
    return _pools[database]


def measure(pool, database, size, one_at_a_time=False):
    "(seconds, captures, reconciled) of matching size captures, rolled back"
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            Capture = pool.get('ecom.payment.transaction')
            company, = pool.get('company.company').search([], limit=1)
            with transaction.set_context(company=company.id):
                captures = Capture.search([('state', '=', 'waiting'),
                        ('kind', '=', 'capture')], order=[('id', 'ASC')],
                    limit=size)
                ids = [c.id for c in captures]
                started = time.monotonic()
                try:
                    if one_at_a_time:
                        for id_ in ids:
                            Capture.reconcile(Capture.browse([id_]))
                    else:
                        Capture.reconcile(Capture.browse(ids))
                except TransactionError as e:
                    # posting locks the journal periods: start again with
                    # the locks taken, as Tryton's RPC and workers do
                    transaction.rollback()
                    e.fix(extras)
                    continue
                seconds = time.monotonic() - started
                reconciled = Capture.search_count([('id', 'in', ids),
                        ('state', '=', 'reconciled')])
            transaction.rollback()
        return seconds, len(ids), reconciled


def main():
    args = parse_args()
    os.makedirs(ARTIFACTS, exist_ok=True)
    if not args.keep:
        prepare(args)
    pool = start_pool(args.database)
    rows, unmatched = [], 0
    for label, size, single in [
            ("batch", args.small, False),
            ("batch", args.orders, False),
            ("one at a time", args.small, True)]:
        seconds, count, reconciled = measure(
            pool, args.database, size, single)
        unmatched += count - reconciled
        rows.append((label, count, seconds))
        print(f"  {label:<14} {count:5d} captures in {seconds:7.2f} s: "
            f"{1000 * seconds / count:6.1f} ms each, "
            f"{count / seconds:6.1f}/s, {reconciled} reconciled")
    (_, n1, s1), (_, n2, s2), (_, n3, s3) = rows
    print(f"  per-capture cost, batch of {n2} / batch of {n1}: "
        f"{(s2 / n2) / (s1 / n1):.2f} (linear: about 1)")
    print(f"  per-capture cost, one at a time / batch of {n1}: "
        f"{(s3 / n3) / (s1 / n1):.1f}x")
    if unmatched:
        sys.exit(f"FAILED: {unmatched} captures left unmatched")


if __name__ == '__main__':
    main()
