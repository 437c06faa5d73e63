"""What the storefront may recommend: upstream's association rules
(``sale.product.association.rule.recommend``: consequents of the rules
whose antecedents are all in the basket, highest lift first), keeping only
products of the shop that are published, recommendable, not in the basket
and available to sell in the shop's warehouse."""
from trytond.modules.ecom_catalog import feed
from trytond.modules.ecom_catalog.shop import fill_url
from trytond.pool import Pool
from trytond.transaction import Transaction


def published(shop, product_ids):
    "The ids among product_ids that the shop publishes (active, with a SKU)"
    return set(feed.published(shop, product_ids))


def size():
    Configuration = Pool().get('sale.configuration')
    return Configuration(1).get_multivalue(
        'product_recommendation_size') or 5


def recommendable(products, limit):
    """Upstream's recommendations for products (a basket): recommendable,
    not in the basket, best first, at most limit"""
    pool = Pool()
    Rule = pool.get('sale.product.association.rule')
    Sale = pool.get('sale.sale')
    result, seen = [], {p.id for p in products}
    for product in Rule.recommend(products):
        if product.id in seen:
            continue
        seen.add(product.id)
        if Sale._is_recommendable_product(product):
            result.append(product)
            if len(result) >= limit:
                break
    return result


def recommend(shop, products, limit=None):
    """[(product, available)] to show with products (a basket), best
    first, at most limit (the sale configuration's size)"""
    Product = Pool().get('product.product')
    limit = limit or size()
    candidates = recommendable(products, 4 * limit)
    shown = published(shop, [p.id for p in candidates])
    candidates = [p for p in candidates if p.id in shown]
    warehouse = shop.warehouses[0].id if shop.warehouses else None
    with Transaction().set_context(warehouse=warehouse):
        available = Product.get_ecom_available(candidates, 'ecom_available')
    return [(p, available[p.id]) for p in candidates
        if available[p.id] is None or available[p.id] > 0][:limit]


def as_json(shop, recommended):
    "The recommendations as the storefront APIs give them"
    return [{'sku': p.code, 'name': p.rec_name,
            'slug': p.template.ecom_slug,
            'url': fill_url(shop.ecom_product_url, p.template.ecom_slug),
            'available': available}
        for p, available in recommended]
