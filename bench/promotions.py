"""Benchmark: cart pricing of a 20-line cart against 1,000 active
promotions, and the same cart through upstream sale_promotion's apply path.

    python -m bench.promotions [--promotions 1000] [--lines 20] [--runs 300]

Builds a small demo database with the real builder, adds ``--promotions``
active promotions of the company (campaigns on categories and products,
buy X get Y, order discounts for groups or with a minimum, free shipping,
coupons), then times, each run in a fresh read-only transaction like an
HTTP request:

1. ``price_cart``: what POST …/cart does after reading the JSON (SKUs,
   prices, customer, coupons, engine, taxes, totals);
2. the same with the cached facts of products, taxes and the channel
   read again (the first cart after an edit; rules stay cached);
3. the engine alone on the cart;
4. the whole request over HTTP to a trytond process (the channel's key,
   JSON in and out) — for information, the target is on 1;
5. the baseline: upstream ``Sale.apply_promotion`` (sale_promotion's
   search + match + formula of every promotion, as with sale_promotion
   alone) on a saved draft sale of the same lines, each promotion's formula
   giving the same unit price as its percentage.

Prints p50/p99 and the ratio of the baseline's p50 to the cart pricing's.
Targets: p99 < 10 ms; >= 10x upstream. Not a test.
"""
import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import urllib.request
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.server import Server, small_demo_pool


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_promotions')
    parser.add_argument('--promotions', type=int, default=1000)
    parser.add_argument('--lines', type=int, default=20)
    parser.add_argument('--runs', type=int, default=300)
    parser.add_argument('--upstream-runs', type=int, default=10,
        help="runs of the upstream path (each takes seconds)")
    parser.add_argument('--keep', action='store_true',
        help="reuse the demo database of a previous run")
    return parser.parse_args()


def create_promotions(pool, company, count, rng):
    """count active promotions as a large shop runs them: campaigns on a
    category (half exclusive), product deals, buy X get Y, coupon codes,
    customer-group and minimum-amount order discounts, free shipping; a
    third of them dated outside today (scheduled or over)"""
    from trytond.transaction import Transaction
    Promotion = pool.get('sale.promotion')
    Category = pool.get('product.category')
    Product = pool.get('product.product')
    PartyCategory = pool.get('party.category')
    Country = pool.get('country.country')
    old = Promotion.search([('name', 'like', 'Bench %')])
    Coupon = pool.get('sale.promotion.coupon')
    coupons = Coupon.search([('promotion', 'in', [p.id for p in old])])
    with Transaction().set_context(active_test=False):
        pool.get('sale.promotion.coupon.number').delete(
            [n for c in coupons for n in c.numbers])
    Coupon.delete(coupons)
    Promotion.delete(old)
    Promotion.write(Promotion.search([]), {'active': False})
    categories = [c.id for c in Category.search([('accounting', '=', False)])]
    products = [p.id for p in Product.search([('salable', '=', True)])]
    groups = [g.id for g in PartyCategory.search([])]
    countries = [c.id for c in Country.search([])]
    now = dt.datetime.now()
    values = []
    for i in range(count):
        draw = rng.random()
        pct = Decimal(rng.choice([5, 10, 15, 20, 25, 30]))
        value = {'name': f"Bench {i}", 'company': company.id,
            'currency': company.currency.id,
            'ecom_priority': rng.randint(0, 20)}
        if draw < 0.35:
            value.update(ecom_kind='percent_lines', ecom_percentage=pct,
                ecom_exclusive=rng.random() < 0.5,
                categories=[('add', rng.sample(categories, 1))])
        elif draw < 0.50:
            value.update(ecom_kind=rng.choice(
                    ['percent_lines', 'fixed_lines']),
                ecom_percentage=pct, ecom_amount=Decimal(rng.randint(1, 5)),
                products=[('add', rng.sample(products, 2))])
        elif draw < 0.60:
            value.update(ecom_kind='bxgy', ecom_buy=2, ecom_get=1,
                categories=[('add', rng.sample(categories, 1))])
        elif draw < 0.85:
            value.update(ecom_kind=rng.choice(
                    ['percent_order', 'fixed_order']),
                ecom_percentage=pct, ecom_amount=Decimal(rng.randint(5, 20)),
                coupons=[('create', [{'company': company.id,
                                'number_of_use': 0, 'numbers': [('create', [{
                                                'company': company.id,
                                                'number': f'BENCH{i:05d}'}])]
                                }])])
        elif draw < 0.95:
            value.update(ecom_kind='percent_order', ecom_percentage=pct,
                amount=Decimal(rng.choice([100, 200, 500])),
                ecom_exclusive=True,
                ecom_groups=[('add', rng.sample(groups, 1))]
                if groups and rng.random() < 0.5 else [])
        else:
            value.update(ecom_kind='free_shipping',
                amount=Decimal(rng.choice([50, 60, 100])),
                ecom_countries=[('add', rng.sample(countries, 2))])
        if value['ecom_kind'] == 'percent_lines':
            # upstream's formula gives the same unit price
            value['formula'] = f'unit_price * {1 - pct / 100}'
        if rng.random() < 0.33:
            start = now + dt.timedelta(days=rng.choice([-60, 7]))
            value.update(ecom_starts=start,
                ecom_ends=start + dt.timedelta(days=30))
        values.append(value)
    Promotion.create(values)


def percentiles(samples):
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples), p99


def timed(runs, database, context, func, setup=None):
    "Milliseconds of func, each run in a fresh transaction (rolled back)"
    from trytond.transaction import Transaction
    samples = []
    for _ in range(runs):
        with Transaction().start(database, 0, readonly=setup is None,
                context=context) as transaction:
            if setup:
                setup()
            started = time.perf_counter()
            func()
            samples.append((time.perf_counter() - started) * 1000)
            transaction.rollback()
    return samples


def forget_facts():
    """The first cart after a catalog, tax or channel edit: the cart's
    cached facts are read again (in this transaction only)"""
    from trytond.modules.ecom_promotions import facts
    facts.forget_products()
    facts.forget_taxes()
    facts.forget_records()


def upstream_kinds():
    """As with sale_promotion alone: every promotion is a formula campaign
    for upstream's apply path (uncommitted; not timed)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    table = Pool().get('sale.promotion').__table__()
    Transaction().connection.cursor().execute(
        *table.update([table.ecom_kind], ['price']))


def over_http(database, channel_id, api_key, request, runs,
        customer=None, changing=False):
    """Milliseconds of POST …/cart to a trytond process: the key checked,
    the JSON read and written, the cart priced; with customer (email and
    cart token) the cart is kept as an abandoned cart: written when it
    changed (changing: one more unit of the first line each time)"""
    def body(i):
        lines = [{'sku': sku, 'quantity': str(quantity)}
            for sku, quantity, _ in request['lines']]
        if changing:
            lines[0]['quantity'] = str(1 + i)
        data = {'lines': lines,
            'destination': {'country': request['country']},
            'shipping': {'amount': str(request['shipping'])}}
        if customer:
            data.update(customer={'email': customer['email']},
                cart_token=customer['token'])
        return json.dumps(data).encode()
    server = Server(database, dict(os.environ))
    url = f"{server.url}{database}/ecom/v1/channels/{channel_id}/cart"
    samples = []
    try:
        for i in range(runs + 20):
            data = body(i)
            started = time.perf_counter()
            with urllib.request.urlopen(urllib.request.Request(url,
                        data=data, method='POST', headers={
                            'Content-Type': 'application/json',
                            'Authorization': f'Bearer {api_key}'}),
                    timeout=60) as response:
                json.load(response)
            if i >= 20:     # the first requests fill the server's caches
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        server.stop()
    return samples


def main():
    args = parse_args()
    rng = random.Random(7)
    pool = small_demo_pool(args.database, args.keep, 60, 5)
    from trytond.modules.ecom_promotions import engine
    from trytond.modules.ecom_promotions.cart import price_cart
    from trytond.modules.sale_promotion.sale import Sale as UpstreamSale
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0,
            _lock_tables=['sale_promotion_coupon_number']) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        context = {'company': company.id, 'language': 'en'}
        with transaction.set_context(context):
            started = time.monotonic()
            create_promotions(pool, company, args.promotions, rng)
            print(f"{args.promotions} promotions created in "
                f"{time.monotonic() - started:.1f} s")
            channel, = pool.get('ecom.channel').search(
                [('code', '=', 'app')])
            products = pool.get('product.product').search([
                    ('salable', '=', True), ('type', '=', 'goods')],
                order=[('code', 'ASC')], limit=args.lines)
            party = pool.get('party.party').search([], limit=1)[0]
            Sale = pool.get('sale.sale')
            Line = pool.get('sale.line')
            sale = Sale(company=company, party=party,
                currency=company.currency,
                invoice_address=party.address_get(),
                shipment_address=party.address_get())
            sale.lines = [Line(product=p, quantity=float(rng.randint(1, 4)),
                    unit=p.sale_uom, unit_price=p.list_price_used)
                for p in products]
            sale.save()
            api_key = channel.set_new_api_key()
            lines = [(l.product.code, Decimal(str(l.quantity)), None)
                for l in sale.lines]
            sale_id, channel_id = sale.id, channel.id
            transaction.commit()
    request = {'email': None, 'currency': None, 'country': 'ES',
        'lines': lines, 'coupons': [], 'carrier': None,
        'shipping': Decimal('4.90'), 'explain': False}
    from trytond.transaction import Transaction
    Promotion = pool.get('sale.promotion')
    with Transaction().start(args.database, 0, readonly=True,
            context=context):
        active = Promotion.search_count([('company', '=', company.id)])
        result = price_cart(channel_id, request)
        rules = Promotion.ecom_rules(company.id)
        cart, _, _ = Sale(sale_id).ecom_cart(Sale(sale_id).lines)
    print(f"{active} active promotions, {len(lines)} lines: "
        f"{len(result['discounts'])} applied, total {result['total']}")

    figures = {}
    figures['cart pricing (price_cart)'] = percentiles(timed(
            args.runs, args.database, context,
            lambda: price_cart(channel_id, request)))
    figures['cart pricing, facts cold'] = percentiles(timed(
            args.runs // 5, args.database, context,
            lambda: price_cart(channel_id, request), setup=forget_facts))
    figures['engine alone'] = percentiles(timed(
            args.runs, args.database, context,
            lambda: engine.evaluate(rules, cart)))
    figures['cart over HTTP (trytond)'] = percentiles(over_http(
            args.database, channel_id, api_key, request, args.runs))
    for name, changing in [('kept, same cart', False),
            ('kept, changed each time', True)]:
        figures[f'cart over HTTP, email: {name}'] = percentiles(over_http(
                args.database, channel_id, api_key, request, args.runs,
                {'email': f'bench-{changing}@example.com',
                    'token': f'bench-{changing}'}, changing))
    runs = args.upstream_runs
    figures['upstream apply_promotion'] = percentiles(timed(
            runs, args.database, context,
            lambda: UpstreamSale.apply_promotion(Sale(sale_id)),
            setup=upstream_kinds))

    print(f"{'path':48} {'p50 ms':>9} {'p99 ms':>9}")
    for name, (p50, p99) in figures.items():
        print(f"{name:48} {p50:9.2f} {p99:9.2f}")
    ours = figures['cart pricing (price_cart)']
    upstream = figures['upstream apply_promotion']
    print(f"upstream / cart pricing (p50): {upstream[0] / ours[0]:.1f}x "
        f"(target >= 10x); cart pricing p99 {ours[1]:.2f} ms "
        "(target < 10 ms)")


if __name__ == '__main__':
    main()
