"""The records whose changes drop what the cart API and the rules cached
(``facts.py``, ``Promotion.ecom_rules``)."""
from trytond.pool import Pool, PoolMeta

from . import facts


class _Forgets:
    "Drops what the cart API cached when records of the model change"
    __slots__ = ()
    _ecom_forget = staticmethod(facts.forget_products)

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._ecom_forget()


class Category(_Forgets, metaclass=PoolMeta):
    "The category tree decides what promotions match; taxes come from it"
    __name__ = 'product.category'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode != 'write' or 'parent' in (field_names or ()):
            Pool().get('sale.promotion')._rules_cache.clear()


class Template(_Forgets, metaclass=PoolMeta):
    "Prices, taxes, categories and codes of the cart API come from it"
    __name__ = 'product.template'

    @classmethod
    def ecom_written_in_sql(cls):
        super().ecom_written_in_sql()
        facts.forget_products()


class Product(_Forgets, metaclass=PoolMeta):
    __name__ = 'product.product'


class Tax(_Forgets, metaclass=PoolMeta):
    "The cart API computes proportional taxes from their rates"
    __name__ = 'account.tax'
    _ecom_forget = staticmethod(facts.forget_taxes)


class TaxRounding(_Forgets, metaclass=PoolMeta):
    "The cart API rounds taxes as the company does"
    __name__ = 'account.configuration.tax_rounding'
    _ecom_forget = staticmethod(facts.forget_taxes)


class Channel(_Forgets, metaclass=PoolMeta):
    "The cart API keeps a channel's company, currency, shop and shipping"
    __name__ = 'ecom.channel'
    _ecom_forget = staticmethod(facts.forget_records)


class Company(_Forgets, metaclass=PoolMeta):
    "The cart API keeps a company's currency and time zone"
    __name__ = 'company.company'
    _ecom_forget = staticmethod(facts.forget_records)


class Currency(_Forgets, metaclass=PoolMeta):
    "The cart API keeps currency codes and roundings"
    __name__ = 'currency.currency'
    _ecom_forget = staticmethod(facts.forget_records)


class Country(_Forgets, metaclass=PoolMeta):
    "The cart API keeps country codes"
    __name__ = 'country.country'
    _ecom_forget = staticmethod(facts.forget_records)


class Coupon(_Forgets, metaclass=PoolMeta):
    "A coupon added to a promotion changes its rule"
    __name__ = 'sale.promotion.coupon'

    @staticmethod
    def _ecom_forget():
        Pool().get('sale.promotion')._rules_cache.clear()
