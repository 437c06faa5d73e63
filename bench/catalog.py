"""Benchmark: import 100k products from CSV, export them back, and the
available-to-sell of every SKU (PostgreSQL, or SQLite for a quick look).

    python -m bench.catalog [--products 100000] [--baseline 500] [--keep]

Builds a small demo database with the real builder, generates a CSV of
``--products`` rows (SKU, name, Spanish name, category, prices, stock, web
shop), then times, each in its own transaction:

1. the import (every row checked, then written), with rows/s;
2. the same file again (every product updated: the second price run of a
   shop), with rows/s;
3. the export of the whole catalog to CSV;
4. available to sell of every SKU in the warehouse.

The baseline, measured in the same run, is the plain ORM path (create the
templates with their product, list and cost prices) for ``--baseline``
products; the ratio is the import's rows/s over it. Targets: import < 60 s,
availability < 1 s. Not a test.
"""
import argparse
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import small_demo_pool


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_catalog')
    parser.add_argument('--products', type=int, default=100_000)
    parser.add_argument('--baseline', type=int, default=500)
    parser.add_argument('--keep', action='store_true',
        help="reuse the demo database of a previous run")
    return parser.parse_args()


def generate_csv(path, count, categories, shop):
    rng = random.Random(42)
    with open(path, 'w', encoding='utf-8') as file:
        file.write("sku,name,name:es,category,list_price,cost_price,stock,"
            "shops\n")
        for i in range(1, count + 1):
            price = rng.randint(500, 25000) / 100
            file.write(
                f"BENCH-{i:06d},Bench product {i},Producto {i},"
                f"{rng.choice(categories)},{price},{price / 2:.2f},"
                f"{rng.randint(0, 50)},{shop}\n")


def main():
    args = parse_args()
    pool = small_demo_pool(args.database, args.keep, 50, 5)
    from trytond.transaction import Transaction
    path = os.path.join(ROOT, 'var', 'bench-catalog.csv')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    from trytond.modules.ecom_catalog.catalog_export import export_file
    from trytond.modules.ecom_catalog.catalog_wizard import import_catalog
    with Transaction().start(args.database, 0) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        Location = pool.get('stock.location')
        Lang = pool.get('ir.lang')
        Product = pool.get('product.product')
        with transaction.set_context(company=company.id):
            Lang.write(Lang.search([('code', '=', 'es')]),
                {'translatable': True})
            warehouse = Location(Location.get_default_warehouse())
            categories = [c.rec_name for c in
                pool.get('product.category').search([])]
            shop, = pool.get('web.shop').search([], limit=1)
            transaction.commit()
            generate_csv(path, args.products, categories, shop.name)
            with open(path, 'rb') as file:
                data = file.read()
            size = len(data) / 1e6
            print(f"CSV: {args.products:,} rows, {size:.1f} MB")

            baseline = orm_baseline(pool, args.baseline)
            transaction.rollback()
            print(f"baseline, ORM create of {args.baseline} products: "
                f"{baseline:.0f} products/s")

            figures = {}
            for label in ['import (create)', 'import (update)']:
                started = time.monotonic()
                result = import_catalog(data, path, warehouse=warehouse)
                transaction.commit()
                elapsed = time.monotonic() - started
                assert not result.errors, result.error_lines()[:5]
                rate = args.products / elapsed
                figures[label] = elapsed
                print(f"{label}: {elapsed:.1f} s, {rate:,.0f} rows/s "
                    f"({result.created:,} created, {result.updated:,} "
                    f"updated), {rate / baseline:.0f}x the ORM baseline")

            started = time.monotonic()
            exported, count = export_file('csv', warehouse, ['es'])
            elapsed = time.monotonic() - started
            print(f"export to CSV: {count:,} products in {elapsed:.1f} s "
                f"({len(exported) / 1e6:.1f} MB)")
            # not Product.search: the ORM builds 100,000 records slowly
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT id FROM product_product WHERE active')
            product_ids = [i for i, in cursor]
            timings = []
            for _ in range(3):
                started = time.monotonic()
                available = Product.ecom_available_to_sell(
                    warehouse, product_ids)
                timings.append(time.monotonic() - started)
            positive = sum(1 for q in available.values() if q > 0)
            print(f"available to sell of {len(product_ids):,} SKUs: best "
                f"{min(timings) * 1000:.0f} ms of 3 ({positive:,} in stock)")
    create = figures['import (create)']
    print(f"targets: import {create:.1f} s < 60 s: "
        f"{'met' if create < 60 else 'NOT met'}; availability "
        f"{min(timings) * 1000:.0f} ms < 1000 ms: "
        f"{'met' if min(timings) < 1 else 'NOT met'}")


def orm_baseline(pool, count):
    "products/s of the plain ORM create (rolled back by the caller)"
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    run = int(time.time())
    started = time.monotonic()
    for i in range(0, count, 20):
        Template.create([{
                    'name': f'Baseline {j}', 'type': 'goods',
                    'default_uom': unit.id, 'list_price': 10,
                    'salable': True, 'sale_uom': unit.id,
                    'products': [('create', [{
                                    'suffix_code': f'BASE{run}-{j}',
                                    'cost_price': 5}])]}
                for j in range(i, min(count, i + 20))])
    return count / (time.monotonic() - started)


if __name__ == '__main__':
    main()
