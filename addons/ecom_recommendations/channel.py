from trytond.pool import Pool, PoolMeta

from .recommend import as_json, recommend


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    def ecom_cart_extras(self, request, answer):
        "The cart API answers recommendations for the cart's lines too"
        extras = super().ecom_cart_extras(request, answer)
        Product = Pool().get('product.product')
        skus = sorted({sku for sku, _, _ in request['lines']})
        if not self.shop or not skus:
            return dict(extras, recommendations=[])
        products = Product.search([('code', 'in', skus)])
        extras['recommendations'] = as_json(
            self.shop, recommend(self.shop, products))
        return extras
