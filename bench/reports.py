"""Benchmark: every e-commerce report on a million sale lines (PostgreSQL).

    python -m bench.reports [--lines 1000000] [--days 730] [--keep]

Builds a small demo database with the real builder (company, shop,
channels, products with cost prices and categories), then generates
``--lines`` sale lines (3 per order, over ``--days`` days, done sales of
``--customers`` customers) with SQL, refreshes the report summaries in full,
and times each report the way sao reads it (search + read of the list
view's fields) over the last 30 days, the last year and everything. In the
same run it times the same figures computed the naive ORM way (search the
sale lines of the last 30 days, read them, add up in Python; the figures
must be equal) and the top products through upstream Tryton's
``sale.reporting.product``, and prints the ratios. Not a test.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import small_demo_pool

REPORTS = [
    ('sales', 'ecom.report.sales', 'month'),
    ('customers', 'ecom.report.sales', 'week'),
    ('product', 'ecom.report.product', None),
    ('category', 'ecom.report.category', None),
    ('region', 'ecom.report.region', None),
    ('promotion', 'ecom.report.promotion', None),
    ('fulfilment', 'ecom.report.fulfilment', 'month'),
    ('segment', 'ecom.report.customer.segment', None),
    ('customer', 'ecom.report.customer', None),
    ]
STATES = ('confirmed', 'processing', 'done')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_reports')
    parser.add_argument('--lines', type=int, default=1_000_000)
    parser.add_argument('--days', type=int, default=730)
    parser.add_argument('--customers', type=int, default=50_000)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--keep', action='store_true',
        help="reuse the database (and lines) of a previous run")
    return parser.parse_args()


def main():
    args = parse_args()
    if not os.environ.get('TRYTOND_DATABASE__URI', '').startswith('postgres'):
        sys.exit("set TRYTOND_DATABASE__URI to a PostgreSQL server")
    pool = small_demo_pool(args.database, args.keep, 200, 20)
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        if not args.keep:
            started = time.monotonic()
            generate(company, args)
            transaction.commit()
            print(f"{args.lines:,} sale lines generated in "
                f"{time.monotonic() - started:.0f} s")
            started = time.monotonic()
            pool.get('ecom.report.refresh').refresh([company], full=True)
            transaction.commit()
            print(f"full refresh of the summaries: "
                f"{time.monotonic() - started:.1f} s")
        count, = run("SELECT COUNT(*) FROM sale_line").fetchone()
        print(f"sale lines in the database: {count:,}")
        incremental(pool, company)
        measure(pool, company, args)


def run(sql, params=()):
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(sql, params)
    return cursor


def generate(company, args):
    "Customers, done sales and their lines, generated with SQL"
    today = dt.date.today()
    start = today - dt.timedelta(days=args.days - 1)
    orders = args.lines // 3
    products = [p for p, in run(
            "SELECT p.id FROM product_product p "
            "JOIN product_template t ON t.id = p.template "
            "WHERE t.type = 'goods' AND t.salable").fetchall()]
    channels = [c for c, in run(
            "SELECT id FROM ecom_channel WHERE company = %s",
            (company.id,)).fetchall()]
    regions = run(
        "SELECT DISTINCT country, subdivision FROM party_address "
        "WHERE subdivision IS NOT NULL").fetchall() or [(None, None)]
    promotions = create_promotions(company)
    unit, = run("SELECT id FROM product_uom WHERE symbol = 'u'").fetchone()
    first_party, = run(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM party_party").fetchone()
    run("INSERT INTO party_party (code, name, active, create_uid, "
        "create_date) SELECT 'BENCH-' || g, 'Bench customer ' || g, true, "
        "0, NOW() FROM generate_series(1, %s) g", (args.customers,))
    first_address, = run(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM party_address").fetchone()
    run("INSERT INTO party_address (party, country, subdivision, active, "
        "create_uid, create_date) SELECT id, (%s::int[])[1 + id %% %s], "
        "(%s::int[])[1 + id %% %s], true, 0, NOW() "
        "FROM party_party WHERE id >= %s ORDER BY id",
        ([c for c, _ in regions], len(regions),
            [s for _, s in regions], len(regions), first_party))
    first_sale, = run(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM sale_sale").fetchone()
    run("INSERT INTO sale_sale (company, currency, party, state, "
        "invoice_method, invoice_state, shipment_method, shipment_state, "
        "sale_date, ecom_channel, shipment_address, invoice_address, "
        "create_uid, create_date) "
        "SELECT %s, %s, %s + p, 'done', 'order', 'paid', 'order', 'sent', "
        "%s::date + (g %% %s), (%s::int[])[1 + g %% %s], %s + p, %s + p, "
        "0, %s::date + (g %% %s) FROM (SELECT g, "
        "floor(random() * %s)::int AS p "
        "FROM generate_series(1, %s) g) x",
        (company.id, company.currency.id, first_party, start, args.days,
            channels, len(channels), first_address, first_address,
            start, args.days, args.customers, orders))
    run("INSERT INTO sale_line (sale, type, sequence, product, quantity, "
        "unit, unit_price, create_uid, create_date) "
        "SELECT s.id, 'line', n, (%s::int[])[1 + floor(random() * %s)::int],"
        " 1 + floor(random() * 3), %s, "
        "round((5 + random() * 95)::numeric, 2), 0, NOW() "
        "FROM sale_sale s, generate_series(1, 3) n WHERE s.id >= %s",
        (products, len(products), unit, first_sale))
    # One line in ten had a promotion: 20% off its original price.
    run("UPDATE sale_line SET original_unit_price = unit_price, "
        "unit_price = round(unit_price * 0.8, 2), "
        "promotion = (%s::int[])[1 + (id / 10) %% %s] "
        "WHERE sale >= %s AND id %% 10 = 0",
        (promotions, len(promotions), first_sale))
    run("ANALYZE")


def create_promotions(company, count=20):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Promotion = Pool().get('sale.promotion')
    with Transaction().set_context(company=company.id):
        return [p.id for p in Promotion.create([{
                        'name': f"Bench promotion {i}", 'company': company.id,
                        'formula': 'unit_price * 0.8'}
                    for i in range(count)])]


def incremental(pool, company):
    "Refresh after a day of changes (today's sales written again)"
    from trytond.transaction import Transaction
    Refresh = pool.get('ecom.report.refresh')
    run("UPDATE sale_sale SET write_date = NOW() "
        "WHERE sale_date = CURRENT_DATE")
    started = time.monotonic()
    Refresh.refresh([company])
    Transaction().commit()
    state, = Refresh.search([('company', '=', company.id)])
    print(f"incremental refresh ({state.days} days changed): "
        f"{time.monotonic() - started:.2f} s")


def timed(function, repeat):
    "Median and worst milliseconds of repeat runs after a warm-up one"
    if repeat:
        function()
    times = []
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def measure(pool, company, args):
    from trytond.transaction import Transaction
    today = dt.date.today()
    ranges = [
        ('30 days', today - dt.timedelta(days=29)),
        ('1 year', today - dt.timedelta(days=364)),
        ('all', today - dt.timedelta(days=args.days - 1)),
        ]
    print(f"\n{'report':<12}{'range':<10}{'rows':>6}{'p50 ms':>10}"
        f"{'max ms':>10}")
    ours_30 = {}
    for name, model, period in REPORTS:
        Model = pool.get(model)
        names = [n for n in Model._fields if n not in {
                'create_uid', 'create_date', 'write_uid', 'write_date'}]
        for label, from_date in ranges:
            context = {'company': company.id, 'from_date': from_date,
                'to_date': today, 'period': period or 'month', 'limit': 20}
            with Transaction().set_context(context):
                def read(Model=Model, names=names):
                    # sao reads one page: the action's limit (100 for
                    # the customer list, the Top filter elsewhere).
                    records = Model.search([], limit=100)
                    Model.read([r.id for r in records], names)
                    return records
                rows = len(read())
                p50, worst = timed(read, args.repeat)
            print(f"{name:<12}{label:<10}{rows:>6}{p50:>10.1f}"
                f"{worst:>10.1f}")
            if label == '30 days':
                ours_30[name] = p50
    compare(pool, company, ranges, args)
    check_naive(pool, company, ours_30)


def compare(pool, company, ranges, args):
    "Top products: ours against upstream Tryton's SQL reporting"
    from trytond.transaction import Transaction
    Product = pool.get('ecom.report.product')
    Upstream = pool.get('sale.reporting.product')
    today = dt.date.today()
    print(f"\n{'top products':<12}{'range':<10}{'ours ms':>10}"
        f"{'upstream ms':>13}{'x upstream':>12}")
    for label, from_date in ranges:
        context = {'company': company.id, 'from_date': from_date,
            'to_date': today, 'limit': 20}
        with Transaction().set_context(context):
            ours, _ = timed(lambda: Product.read(
                    [r.id for r in Product.search([])],
                    ['product', 'revenue', 'quantity']), args.repeat)
            upstream, _ = timed(lambda: Upstream.read(
                    [r.id for r in Upstream.search(
                            [], order=[('revenue', 'DESC')], limit=20)],
                    ['product', 'revenue', 'number']), 1)

        print(f"{'':<12}{label:<10}{ours:>10.1f}{upstream:>13.1f}"
            f"{upstream / ours:>12.1f}")



def naive_figures(pool, company, from_date, to_date):
    "Net sales per month, product and country the naive ORM way"
    Line = pool.get('sale.line')
    months, products, countries = {}, {}, {}
    lines = Line.search([
            ('sale.company', '=', company.id),
            ('sale.state', 'in', STATES),
            ('sale.sale_date', '>=', from_date),
            ('sale.sale_date', '<=', to_date),
            ('type', '=', 'line')])
    for line in Line.read([l.id for l in lines], [
                'product', 'quantity', 'unit_price', 'sale.sale_date',
                'sale.shipment_address.country']):
        amount = company.currency.round(
            Decimal(str(line['quantity'])) * line['unit_price'])
        sale = line['sale.']
        month = sale['sale_date'].replace(day=1)
        country = (sale.get('shipment_address.') or {}).get('country')
        for totals, key in [(months, month), (products, line['product']),
                (countries, country)]:
            totals[key] = totals.get(key, 0) + amount
    return months, products, countries


def check_naive(pool, company, ours_ms):
    "The naive ORM sum of the last 30 days beside ours: time and figures"
    from trytond.transaction import Transaction
    today = dt.date.today()
    from_date = today - dt.timedelta(days=29)
    started = time.perf_counter()
    months, products, countries = naive_figures(
        pool, company, from_date, today)
    naive_ms = (time.perf_counter() - started) * 1000
    context = {'company': company.id, 'from_date': from_date,
        'to_date': today, 'period': 'month', 'limit': 20}
    with Transaction().set_context(context):
        ours = {
            'sales': {r.date.replace(day=1): r.revenue
                for r in pool.get('ecom.report.sales').search([])},
            'product': {r.product.id: r.revenue
                for r in pool.get('ecom.report.product').search([])},
            'region': {},
            }
        for r in pool.get('ecom.report.region').search([]):
            key = r.country.id if r.country else None
            ours['region'][key] = ours['region'].get(key, 0) + r.revenue
    top = dict(sorted(products.items(), key=lambda i: -i[1])[:20])
    naive = {'sales': months, 'product': top, 'region': countries}
    print(f"\nnaive ORM (read the 30 days' sale lines, add up in Python): "
        f"{naive_ms:,.0f} ms for the three figures")
    print(f"{'report':<12}{'ours ms':>10}{'x naive':>10}  same figures")
    for name in ['sales', 'product', 'region']:
        print(f"{name:<12}{ours_ms[name]:>10.1f}"
            f"{naive_ms / ours_ms[name]:>10.0f}  "
            f"{'yes' if ours[name] == naive[name] else 'NO'}")


if __name__ == '__main__':
    main()
