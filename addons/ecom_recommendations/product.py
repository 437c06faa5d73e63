from trytond.model import fields
from trytond.pool import PoolMeta

from .recommend import recommendable, size


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    ecom_bought_with = fields.Function(fields.Many2Many(
            'product.product', None, None, "Frequently Bought With",
            help="What the association rules recommend with this variant, "
            "best first (before the storefront's checks of publication "
            "and stock)."),
        'get_ecom_bought_with')

    def get_ecom_bought_with(self, name):
        return [p.id for p in recommendable([self], size())]
