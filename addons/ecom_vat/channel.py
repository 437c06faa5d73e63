"""The cart API prices with the EU VAT rule of the cart's destination."""
from trytond.pool import PoolMeta

from .rules import country_pattern, sale_tax_rule


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    def ecom_cart_tax_rule(self, party, country):
        _, pattern = super().ecom_cart_tax_rule(party, country)
        warehouse = self.warehouse
        origin = (warehouse.address.country
            if warehouse and warehouse.address else None)
        pattern = dict(pattern, **country_pattern(origin, country))
        return sale_tax_rule(self.company, party, origin, country), pattern
