"""Benchmark: the WooCommerce connector against the store simulator.

    python -m bench.connector [--orders 100 300] [--listings 1000 5000] [--keep]

Uses the database URI of the environment (``make bench-connector`` points it
at PostgreSQL). Builds a small demo database, connects its WooCommerce
channel to ``ecom_connector/tests/woo_simulator.py`` over real HTTP, then
prints for two sizes each (per-order cost and its ratio: linear is 1.0):

1. pull: orders the store took (no webhook) pulled, 100 a page, and stored
   as events (orders/s), then processed into sales (orders/s end to end);
2. stock push: changed listings pushed, API calls per 1,000 updates.

This is a benchmark, not a test.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import small_demo_pool


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', default='bench_connector')
    parser.add_argument('--orders', type=int, nargs=2, default=[100, 300])
    parser.add_argument('--listings', type=int, nargs=2,
        default=[1000, 5000])
    parser.add_argument('--keep', action='store_true',
        help="reuse the database of an earlier run")
    return parser.parse_args()


def connect(pool, database, store):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        Channel = pool.get('ecom.channel')
        channel, = Channel.search([('kind', '=', 'woocommerce')], limit=1)
        company = channel.company.id
        with transaction.set_context(company=company):
            Channel.write([channel], {'ecom_api_url': store.url,
                    'ecom_api_key': store.consumer_key,
                    'ecom_api_secret': store.consumer_secret,
                    'ecom_pull_watermark': None, 'ecom_push_stock': True})
            product, = pool.get('product.product').search([
                    ('code', 'like', '%-%-%'), ('type', '=', 'goods'),
                    ('salable', '=', True)], order=[('code', 'ASC')],
                limit=1)
            # plenty of stock: every pulled order is processed, none held
            Inventory = pool.get('stock.inventory')
            storage, = pool.get('stock.location').search(
                [('code', '=', 'STO')], limit=1)
            inventory, = Inventory.create([{'location': storage.id,
                        'company': company, 'lines': [('create', [{
                                        'product': product.id,
                                        'quantity': 100000.0}])]}])
            Inventory.confirm([inventory])
            found = (channel.id, company, product.id, product.code,
                product.list_price_used)
        transaction.commit()
    return found


def run(pool, database, company, channel_id, task):
    """task(channel, client) in a transaction; (seconds of the task,
    result, calls, seconds until the transaction ended: the events it
    stored are processed then, when no queue worker is configured)"""
    from trytond.modules.ecom_connector.woocommerce import Client
    from trytond.transaction import Transaction
    started = time.monotonic()
    with Transaction().start(database, 0,
            context={'company': company}) as transaction:
        channel = pool.get('ecom.channel')(channel_id)
        client = Client(channel)
        result = task(channel, client)
        seconds = time.monotonic() - started
        transaction.commit()
    return seconds, result, client.calls, time.monotonic() - started


def bench_pull(pool, database, sizes):
    from trytond.modules.ecom_connector.tests.woo_simulator import Simulator
    from trytond.modules.ecom_connector.woocommerce import pull_orders
    from trytond.modules.ecom_orders.event_process import drain
    from trytond.transaction import Transaction
    costs = []
    for size in sizes:
        store = Simulator(consumer_key='ck_bench', consumer_secret='cs_bench')
        channel_id, company, _, sku, price = connect(pool, database, store)
        for i in range(size):
            store.new_order([(0, 0, sku, 1, f'{price:.2f}')],
                f'bench{size}.{i}@example.com')
        seconds, (count, _), calls, total = run(pool, database, company,
            channel_id, pull_orders)
        drain(database)  # nothing left: the transaction's end drained
        store.stop()
        assert count == size, (count, size)
        with Transaction().start(database, 0, readonly=True):
            held = pool.get('sale.sale').search_count([
                    ('ecom_channel', '=', channel_id),
                    ('ecom_hold_reason', '!=', None)])
        assert not held, f"{held} orders held: not all processed"
        costs.append(seconds / size)
        print(f"pull of {size} paid orders: {calls} API calls, pulled and "
            f"stored in {seconds:.2f} s ({size / seconds:.0f} orders/s); "
            f"sales made, invoices posted and captures reconciled in "
            f"{total - seconds:.1f} s more ({size / total:.1f} orders/s "
            f"end to end)")
    print(f"pull per-order cost ratio {sizes[1]} vs {sizes[0]}: "
        f"{costs[1] / costs[0]:.2f}")


def bench_stock(pool, database, sizes):
    from trytond.modules.ecom_connector.tests.woo_simulator import Simulator
    from trytond.modules.ecom_connector.woocommerce import push_stock
    from trytond.transaction import Transaction
    costs = []
    for size in sizes:
        store = Simulator(consumer_key='ck_bench', consumer_secret='cs_bench')
        channel_id, company, product_id, _, _ = connect(
            pool, database, store)
        refs = [str(5_000_000 + size * 10 + i) for i in range(size)]
        for ref in refs:
            store.add_product(ref)
        with Transaction().start(database, 0,
                context={'company': company}) as transaction:
            Listing = pool.get('ecom.channel.listing')
            Listing.delete(Listing.search([('channel', '=', channel_id)]))
            Listing.create([{'channel': channel_id,
                        'storefront_product': r, 'product': product_id}
                    for r in refs])
            transaction.commit()
        seconds, (count, message), calls, _ = run(pool, database, company,
            channel_id, push_stock)
        store.stop()
        assert count == size and not message, (count, message)
        costs.append(seconds / size)
        print(f"stock push of {size} listings: {calls} API calls "
            f"({calls * 1000 / size:.0f} per 1,000 updates), {seconds:.2f} s")
    print(f"stock push per-listing cost ratio {sizes[1]} vs {sizes[0]}: "
        f"{costs[1] / costs[0]:.2f}")


def main():
    args = parse_args()
    pool = small_demo_pool(args.database, args.keep, 20, 5)
    bench_pull(pool, args.database, args.orders)
    bench_stock(pool, args.database, args.listings)


if __name__ == '__main__':
    main()
