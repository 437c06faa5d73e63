"""Benchmark: a connector against its store simulator.

    python -m bench.connector [--store woocommerce|shopify]
        [--orders 100 300] [--listings 1000 5000] [--keep]

Uses the database URI of the environment (``make bench-connector`` points it
at PostgreSQL). Builds a small demo database, connects its WooCommerce (or
Shopify) channel to ``ecom_connector/tests/woo_simulator.py`` (or
``shopify_simulator.py``) over real HTTP, then prints for two sizes each
(per-order cost and its ratio: linear is 1.0):

1. pull: orders the store took (no webhook) pulled, 100 (250) a page, and
   stored as events (orders/s), then processed into sales (orders/s end to
   end);
2. stock push: changed listings pushed, API calls per 1,000 updates (for
   Shopify, the first push also looks the inventory items up).

This is a benchmark, not a test.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import small_demo_pool


def _woo_store():
    from trytond.modules.ecom_connector.tests.woo_simulator import Simulator
    return Simulator(consumer_key='ck_bench', consumer_secret='cs_bench')


def _shopify_store():
    from trytond.modules.ecom_connector.tests.shopify_simulator import Simulator
    return Simulator(token='shpat_bench', tax_rate='0.21', tax_title="IVA",
        currency='EUR', address={'city': "Madrid", 'province_code': "M",
            'zip': "28013", 'country_code': "ES"})


def _order(store, sku, price, email):
    "A paid order of one unit of sku (both simulators take these lines)"
    store.new_order([(0, 0, sku, 1, price)], email)


def _woo_listing(store, ref):
    store.add_product(ref)
    return {'storefront_product': ref}


def _shopify_listing(store, ref):
    store.add_variant(7, int(ref))
    return {'storefront_product': '7', 'storefront_variant': ref}


# kind: (module of Client and tasks, store, add an order, add a listing,
# the channel's credentials)
STORES = {
    'woocommerce': ('woocommerce', _woo_store, _order, _woo_listing,
        lambda store: {'ecom_api_key': store.consumer_key,
            'ecom_api_secret': store.consumer_secret}),
    'shopify': ('shopify_admin', _shopify_store, _order,
        _shopify_listing, lambda store: {'ecom_api_secret': store.token}),
    }
KIND = 'woocommerce'


def api():
    "The connector module of the benchmarked store"
    import importlib
    return importlib.import_module(
        'trytond.modules.ecom_connector.' + STORES[KIND][0])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', default='bench_connector')
    parser.add_argument('--store', choices=sorted(STORES),
        default='woocommerce')
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
        channel, = Channel.search([('kind', '=', KIND)], limit=1)
        company = channel.company.id
        with transaction.set_context(company=company):
            Channel.write([channel], dict(STORES[KIND][4](store),
                    ecom_api_url=store.url, ecom_pull_watermark=None,
                    ecom_push_stock=True))
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
    from trytond.transaction import Transaction
    Client = api().Client
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
    from trytond.modules.ecom_orders.event_process import drain
    from trytond.transaction import Transaction
    _, new_store, add_order, _, _ = STORES[KIND]
    costs = []
    for size in sizes:
        store = new_store()
        channel_id, company, _, sku, price = connect(pool, database, store)
        for i in range(size):
            add_order(store, sku, f'{price:.2f}',
                f'bench{size}.{i}@example.com')
        seconds, (count, _), calls, total = run(pool, database, company,
            channel_id, api().pull_orders)
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
    from trytond.transaction import Transaction
    _, new_store, _, add_listing, _ = STORES[KIND]
    costs = []
    for size in sizes:
        store = new_store()
        channel_id, company, product_id, _, _ = connect(
            pool, database, store)
        refs = [str(5_000_000 + size * 10 + i) for i in range(size)]
        listings = [add_listing(store, ref) for ref in refs]
        with Transaction().start(database, 0,
                context={'company': company}) as transaction:
            Listing = pool.get('ecom.channel.listing')
            Listing.delete(Listing.search([('channel', '=', channel_id)]))
            Listing.create([dict(l, channel=channel_id, product=product_id)
                    for l in listings])
            transaction.commit()
        seconds, (count, message), calls, _ = run(pool, database, company,
            channel_id, api().push_stock)
        store.stop()
        assert count == size and not message, (count, message)
        costs.append(seconds / size)
        print(f"stock push of {size} listings: {calls} API calls "
            f"({calls * 1000 / size:.0f} per 1,000 updates), {seconds:.2f} s")
    print(f"stock push per-listing cost ratio {sizes[1]} vs {sizes[0]}: "
        f"{costs[1] / costs[0]:.2f}")


def main():
    global KIND
    args = parse_args()
    KIND = args.store
    print(f"store: {KIND}")
    pool = small_demo_pool(args.database, args.keep, 20, 5)
    bench_pull(pool, args.database, args.orders)
    bench_stock(pool, args.database, args.listings)


if __name__ == '__main__':
    main()
