"""Benchmark: loyalty earning over the processed orders, at two sizes.

    python -m bench.loyalty [--orders 2000] [--small 100] [--keep]

Builds a demo database with ``--orders`` of order history (the real
builder), then, each time in a transaction rolled back afterwards: the
earning entries are removed and the balances zeroed, and
``Sale.ecom_earn_points`` runs over ``--small`` processed orders, then over
all of them. Prints the per-order cost of each and their ratio: a bulk path
stays flat (target <= 1.3); the path it replaced read every prefetched
sale's lines again for each sale (the demo's loyalty step did not finish in
35 min for 2,000 orders). Not a test.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import CONFIG, build_demo, drop_database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_loyalty')
    parser.add_argument('--orders', type=int, default=2000)
    parser.add_argument('--small', type=int, default=100)
    parser.add_argument('--keep', action='store_true',
        help="reuse the demo database of a previous run")
    return parser.parse_args()


def earn(pool, database, size):
    "(seconds, entries) of earning over size processed orders, rolled back"
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        Sale = pool.get('sale.sale')
        Entry = pool.get('ecom.loyalty.entry')
        Account = pool.get('ecom.loyalty.account')
        cursor = transaction.connection.cursor()
        entry, account = Entry.__table__(), Account.__table__()
        cursor.execute(*entry.delete())
        cursor.execute(*account.update([account.balance], [0]))
        company, = pool.get('company.company').search([], limit=1)
        with transaction.set_context(company=company.id):
            sales = Sale.search([('state', 'in', ['processing', 'done']),
                    ('ecom_channel', '!=', None)],
                order=[('id', 'ASC')], limit=size)
            started = time.monotonic()
            Sale.ecom_earn_points(Sale.browse([s.id for s in sales]))
            seconds = time.monotonic() - started
            entries = Entry.search_count([('kind', '=', 'earn')])
        transaction.rollback()
    return seconds, len(sales), entries


def main():
    args = parse_args()
    if not args.keep:
        drop_database(args.database)
        started = time.monotonic()
        build_demo(args.database, dict(os.environ), '--orders',
            str(args.orders), '--products', '60', '--customers', '200',
            '--days', '180', '--live-days', '0')
        print(f"demo database built in {time.monotonic() - started:.0f} s")
    from trytond import config
    config.update_etc(CONFIG)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    rows = []
    for size in [args.small, args.orders]:
        seconds, orders, entries = earn(pool, args.database, size)
        rows.append((orders, seconds, entries))
    backend = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://').split(
        ':')[0]
    print(f"\nbackend: {backend}; Sale.ecom_earn_points, one call")
    for orders, seconds, entries in rows:
        print(f"  {orders:>6} processed orders: {seconds:7.2f} s, "
            f"{1000 * seconds / orders:6.2f} ms per order, {entries} "
            "earnings")
    (small, small_s, _), (large, large_s, _) = rows
    ratio = (large_s / large) / (small_s / small)
    print(f"  per-order cost ratio {large} / {small}: {ratio:.2f} "
        "(target <= 1.3)")


if __name__ == '__main__':
    main()
