"""What pricing a cart reads of records, read once and cached in memory
until the records change (``invalidation.py`` clears the caches): a
product's price, categories and taxes, a channel's company and currency,
country codes, and how a set of taxes is computed.

A cart then costs no query for them: the cart API's p99 target (10 ms for
20 lines against 1,000 promotions, ``bench/promotions.py``) leaves no room
for the ORM's reads on every request."""
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from trytond.cache import Cache
from trytond.modules.currency.currency import ROUNDING_OPPOSITES
from trytond.pool import Pool
from trytond.transaction import Transaction

_products = Cache('ecom_promotions.product_facts', context=False)
_taxes = Cache('ecom_promotions.tax_facts', context=False)
_records = Cache('ecom_promotions.record_facts', context=False)


def categories(product):
    "The product's categories with their parents (as in the shop tree)"
    found = set()
    for category in product.categories_all:
        while category and category.id not in found:
            found.add(category.id)
            category = category.parent
    return frozenset(found)


@dataclass(frozen=True)
class Facts:
    "What pricing a cart needs of a product"
    product: int
    categories: frozenset
    taxes: tuple        # the product's customer taxes (before tax rules)
    price: Decimal      # sale price, company currency, sale unit


def product_facts(company_id, keys):
    """{key: Facts} of the salable products of keys, SKUs or products
    (cached until a product, template or category changes)"""
    Product = Pool().get('product.product')
    facts, missing = {}, []
    def cache_key(key):
        return company_id, key if isinstance(key, str) else key.id
    for key in keys:
        cached = _products.get(cache_key(key))
        if cached is None:
            missing.append(key)
        else:
            facts[key] = cached
    if missing:
        products = {k: k for k in missing if not isinstance(k, str)}
        for product in Product.search([
                    ('code', 'in', [k for k in missing
                            if isinstance(k, str)]),
                    ('salable', '=', True)], order=[('id', 'ASC')]):
            products.setdefault(product.code, product)
        with Transaction().set_context(company=company_id):
            prices = Product.get_sale_price(
                list({p.id: p for p in products.values()}.values()), 0)
        for key, product in products.items():
            facts[key] = _products.set(cache_key(key), Facts(
                    product.id, categories(product),
                    tuple(sorted(t.id for t in product.customer_taxes_used)),
                    prices[product.id] or Decimal(0)))
    return facts


def forget_products():
    "Products, templates or the category tree changed"
    _products.clear()


def tax_plan(company_id, taxes, date):
    """How account.tax computes the taxes (ids) at date when their amounts
    are proportional to the base (percentages, no fixed amount) and the
    company rounds per document: ((tax, invoice account, credit note
    account, base factor, amount factor), ...), Tryton's own computation for
    a base of 1; None otherwise. A base B then gives B * factor, exactly
    what Tryton computes for B (Decimal products are exact to 28 digits)."""
    key = (company_id, tuple(taxes), date)
    cached = _taxes.get(key)
    if cached is None:
        cached = _taxes.set(key, (_plan(company_id, taxes, date),))
    return cached[0]


def _plan(company_id, tax_ids, date):
    pool = Pool()
    Configuration = pool.get('account.configuration')
    Tax = pool.get('account.tax')
    rounding = Configuration(1).get_multivalue(
        'tax_rounding', company=company_id)
    taxes = Tax.browse(list(tax_ids))

    def linear(tax):
        return tax.type in {'percentage', 'none'} and all(
            linear(c) for c in tax.childs)
    if rounding != 'document' or not all(linear(t) for t in taxes):
        return None
    return tuple((row['tax'].id,
            row['tax'].invoice_account.id if row['tax'].invoice_account
            else None,
            row['tax'].credit_note_account.id
            if row['tax'].credit_note_account else None,
            row['base'], row['amount'])
        for row in Tax.compute(taxes, Decimal(1), 1, date))


def forget_taxes():
    "Taxes or the tax rounding changed"
    _taxes.clear()


@dataclass(frozen=True)
class Money:
    "A currency as the cart needs it; rounds as currency.currency does"
    id: int
    code: str
    digits: int
    rounding: Decimal

    def round(self, amount, rounding=ROUND_HALF_EVEN, opposite=False):
        if opposite:
            rounding = ROUNDING_OPPOSITES[rounding]
        return Pool().get('currency.currency')._round(
            amount, self.rounding, rounding)

    def record(self):
        return Pool().get('currency.currency')(self.id)


def money_of(currency):
    return Money(currency.id, currency.code, currency.digits,
        currency.rounding)


def _by_code(model, code, value):
    "value(the active record of model with that ISO code), None if none"
    key = (model, code)
    cached = _records.get(key)
    if cached is None:
        found = Pool().get(model).search([('code', '=', code)], limit=1)
        cached = _records.set(key, (value(found[0]) if found else None,))
    return cached[0]


def money(code):
    "The active currency of an ISO code, None if there is none"
    return _by_code('currency.currency', code, money_of)


def country(code):
    "The id of the active country of an ISO code, None if there is none"
    return _by_code('country.country', code, lambda c: c.id)


@dataclass(frozen=True)
class Store:
    "A channel as the cart needs it"
    id: int
    company: int
    timezone: str
    currency: Money     # the company's
    shop: int
    shipping_product: int

    def today(self):
        "The company's date, as ir.date gives it"
        Date = Pool().get('ir.date')
        if self.timezone:
            return Date.today(timezone=ZoneInfo(self.timezone))
        with Transaction().set_context(company=None):
            return Date.today()


def store(channel_id):
    key = ('channel', channel_id)
    cached = _records.get(key)
    if cached is None:
        channel = Pool().get('ecom.channel')(channel_id)
        company = channel.company
        cached = _records.set(key, Store(channel.id, company.id,
                company.timezone, money_of(company.currency),
                channel.shop.id if channel.shop else None,
                channel.shipping_product.id if channel.shipping_product
                else None))
    return cached


def forget_records():
    "A channel, company, currency or country changed"
    _records.clear()

