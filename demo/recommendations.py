"""Demo: "bought together" recommendations (ecom_recommendations). The
sale configuration uses upstream's association rules over the year of
orders (support from 0.3% of the baskets, confidence from 15%, pairs),
computed once here and then weekly by upstream's cron."""
import datetime as dt

from trytond.pool import Pool


def build(log):
    pool = Pool()
    Configuration = pool.get('sale.configuration')
    Rule = pool.get('sale.product.association.rule')
    Configuration.write([Configuration(1)], {
            'product_recommendation_method': 'association_rule',
            'product_recommendation_size': 5,
            'product_association_rule_transactions_up_to':
            dt.timedelta(days=365),
            'product_association_rule_min_support': 0.003,
            'product_association_rule_min_confidence': 0.15,
            'product_association_rule_max_length': 2})
    Rule.compute()
    log(f"{Rule.search_count([('lift', '>', 1)])} association rules for "
        "the recommendations")
