"""Offline evaluation of the "bought together" recommendations on a built
demo (``python -m demo.build_demo -d NAME``): a time split of its order
history (the first 80% of the days learn, the last 20% test). Upstream's
association rules (efficient-apriori, the demo's sale configuration) are
computed on the learning orders only and written in a transaction rolled
back at the end; each test basket of two or more products hides each of
its products in turn and asks upstream's ``recommend`` with the others.
Hit rate@5: how often the hidden product is among the first 5; coverage:
the share of the catalogue ever recommended. Baseline in the same run:
the best sellers (of the learning days) of the categories of the basket.

    python -m bench.recommendations -d demotime
"""
import argparse
import datetime as dt
import time
from collections import Counter, defaultdict

from efficient_apriori import apriori

K = 5


def baskets(pool):
    "[(sale date, [product ids])] of the goods of the order history"
    Line = pool.get('sale.line')
    lines = Line.search([('sale.state', 'not in', ['draft', 'cancelled']),
            ('sale.ecom_is_return', '=', False), ('product', '!=', None),
            ('product.type', '=', 'goods'), ('quantity', '>', 0)],
        order=[('sale.sale_date', 'ASC'), ('sale.id', 'ASC')])
    by_sale = defaultdict(list)
    dates = {}
    for line in lines:
        by_sale[line.sale.id].append(line.product.id)
        dates[line.sale.id] = line.sale.sale_date
    return [(dates[s], sorted(set(p))) for s, p in by_sale.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument('--split', type=float, default=0.8)
    args = parser.parse_args()
    from trytond.config import update_etc
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    update_etc('trytond.conf')
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0) as transaction:
        Config = pool.get('sale.configuration')
        Rule = pool.get('sale.product.association.rule')
        Product = pool.get('product.product')
        config = Config(1)
        history = baskets(pool)
        first, last = history[0][0], history[-1][0]
        cut = first + dt.timedelta(days=int((last - first).days * args.split))
        learn = [b for d, b in history if d < cut]
        test = [b for d, b in history if d >= cut and len(b) >= 2]
        started = time.monotonic()
        _, rules = apriori([set(b) for b in learn],
            min_support=config.product_association_rule_min_support,
            min_confidence=config.product_association_rule_min_confidence,
            max_length=config.product_association_rule_max_length)
        Rule.clean()
        Rule._find_rules_cache.clear()
        Rule.save([Rule.from_rule(r) for r in rules])
        learned = time.monotonic() - started
        sold = Counter(p for b in learn for p in b)
        leaf = {p.id: p.template.categories[0].id if p.template.categories
            else None for p in Product.browse(list(sold))}
        by_leaf = defaultdict(list)
        for product, _ in sold.most_common():
            by_leaf[leaf[product]].append(product)

        def best_sellers(query):
            ranked = [p for q in query for p in by_leaf[leaf.get(q)]]
            ranked.sort(key=lambda p: -sold[p])
            return [p for p in dict.fromkeys(ranked) if p not in query][:K]

        def rules_for(query):
            found = []
            for product in Rule.recommend(Product.browse(query)):
                if product.id not in found:
                    found.append(product.id)
                if len(found) >= K:
                    break
            return found

        hits = Counter()
        shown = defaultdict(set)
        cases = 0
        started = time.monotonic()
        for basket in test:
            for hidden in basket:
                query = [p for p in basket if p != hidden]
                cases += 1
                for name, method in [('association rules', rules_for),
                        ('best sellers of the categories', best_sellers)]:
                    found = method(query)
                    shown[name].update(found)
                    hits[name] += hidden in found
        asked = time.monotonic() - started
        transaction.rollback()
    print(f"order history {first} to {last}: {len(learn)} learning orders "
        f"(before {cut}), {len(test)} test orders of 2+ products, "
        f"{cases} cases; {len(rules)} rules learnt in {learned:.2f} s; "
        f"{asked / max(cases, 1) * 1000:.1f} ms a case")
    print(f"| method | hit rate@{K} | coverage |")
    print("| --- | ---: | ---: |")
    for name in ['association rules', 'best sellers of the categories']:
        print(f"| {name} | {hits[name] / max(cases, 1):.1%} | "
            f"{len(shown[name]) / max(len(sold), 1):.1%} |")


if __name__ == '__main__':
    main()
