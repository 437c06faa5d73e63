from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    ecom_bought_with = fields.Function(fields.Many2Many(
            'product.product', None, None, "Frequently Bought With",
            help="What the association rules recommend with this variant, "
            "best first (before the storefront's checks of publication "
            "and stock)."),
        'get_ecom_bought_with')

    def get_ecom_bought_with(self, name):
        pool = Pool()
        Rule = pool.get('sale.product.association.rule')
        Sale = pool.get('sale.sale')
        Configuration = pool.get('sale.configuration')
        limit = Configuration(1).get_multivalue(
            'product_recommendation_size') or 5
        result = []
        for product in Rule.recommend([self]):
            if product.id not in result and product != self and (
                    Sale._is_recommendable_product(product)):
                result.append(product.id)
            if len(result) >= limit:
                break
        return result
