"""The cart-pricing API: what a checkout shows before the order exists.

POST /<db>/ecom/v1/channels/<id>/cart (the channel's API key)::

    {"customer": {"email": "ana@example.com", "accepts_marketing": true},
     "cart_token": "c1-8f2e",
     "currency": "EUR",
     "lines": [{"sku": "BOOT-42", "quantity": 2, "unit_price": "89.90"}],
     "coupons": ["WELCOME10"],
     "destination": {"country": "ES"},
     "shipping": {"amount": "4.90"}}

``unit_price`` defaults to the product's sale price for the customer;
``shipping`` is an amount or ``{"carrier": <id>}`` (its rate for the
parcel). 200 with the lines, each discount with its promotion, lines and
reason, the promotions that did not apply and why, shipping, taxes and the
total; 422 naming each bad field (an unknown, expired or used-up coupon, a
coupon that does not apply and why). Pricing is a read-only transaction;
a cart with ``customer.email`` is then kept for the abandoned carts
(``abandoned.py``; optional ``cart_token``, the storefront's id of the
cart, and ``customer.accepts_marketing``, its reminder opt-in). A 422
writes nothing. An order posted to the intake of a channel whose promotions
the back office prices, with these unit prices, coupons and shipping
amount, gets the same discount lines and total.
"""
import datetime
import logging
from decimal import Decimal

from trytond.modules.account.tax import TaxableMixin
from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    channel_endpoint,
    contribute,
    response,
    transact,
)
from trytond.modules.product import round_price
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import engine, facts, pricing

contribute(__file__)  # its routes are documented in openapi.json beside it

MAX_LINES = 500
logger = logging.getLogger(__name__)


def parse_cart(data):
    "The request as a dict, or IntakeError naming every bad field"
    chk = Checker()
    if chk.obj(data, 'cart') is None:
        raise IntakeError(422, chk.errors)
    customer = chk.obj(data.get('customer'), 'customer', required=False) or {}
    email = chk.text(customer, 'email', 'customer.', required=False,
        max_length=254)
    accepts = customer.get('accepts_marketing', False)
    if not isinstance(accepts, bool):
        chk.error('customer.accepts_marketing', "must be true or false")
    token = chk.text(data, 'cart_token', '', required=False, max_length=100)
    currency = chk.text(data, 'currency', '', required=False, max_length=3)
    destination = chk.obj(data.get('destination'), 'destination',
        required=False) or {}
    country = chk.text(destination, 'country', 'destination.',
        required=False, max_length=2)
    lines = []
    for path, raw in chk.objects(data, 'lines', MAX_LINES):
        lines.append((chk.text(raw, 'sku', path, max_length=100),
                chk.amount(raw, 'quantity', path, positive=True),
                chk.amount(raw, 'unit_price', path, required=False)))
    coupons = chk.strings(data, 'coupons')
    shipping = chk.obj(data.get('shipping'), 'shipping', required=False)
    carrier = amount = None
    if shipping is not None:
        carrier = shipping.get('carrier')
        if carrier is not None and (not isinstance(carrier, int)
                or isinstance(carrier, bool)):
            chk.error('shipping.carrier', "must be a carrier id")
        amount = chk.amount(shipping, 'amount', 'shipping.',
            required=carrier is None)
    if chk.errors:
        raise IntakeError(422, chk.errors)
    return {'email': email, 'currency': currency and currency.upper(),
        'country': country and country.upper(), 'lines': lines,
        'coupons': coupons, 'carrier': carrier, 'shipping': amount,
        'explain': data.get('explain') is True, 'token': token,
        'accepts_marketing': accepts is True}


@channel_endpoint('cart', 'cart')
def cart_endpoint(pool, channel_id, company_id, data):
    request = parse_cart(data)
    context = {'company': company_id, 'language': 'en'}
    with Transaction().start(pool.database_name, 0, readonly=True,
            context=context):
        answer = price_cart(channel_id, request)
        answer.update(pool.get('ecom.channel')(channel_id).ecom_cart_extras(
                request, answer))
    if request['email']:
        remember(pool, context, channel_id, company_id, request, answer)
    return response(200, answer)


def remember(pool, context, channel_id, company_id, request, answer):
    """Keep the cart of a customer who gave an email (abandoned.py); the
    priced answer is given even when the database cannot take it now"""
    def record():
        Pool().get('ecom.cart').record(
            channel_id, company_id, request, answer)
    try:
        transact(pool, context, record, seconds=5)
    except Exception:
        logger.warning("cart of channel %s not recorded", channel_id,
            exc_info=True)


def price_cart(channel_id, request):
    "The priced cart of a parsed request (read-only)"
    store = facts.store(channel_id)
    errors = []
    currency = store.currency
    if request['currency']:
        currency = facts.money(request['currency'])
        if currency is None:
            errors.append(('currency',
                    f"unknown currency {request['currency']!r}"))
    country = None
    if request['country']:
        country = facts.country(request['country'])
        if country is None:
            errors.append(('destination.country',
                    f"unknown country {request['country']!r}"))
    party = pricing.party_by_email(request['email']) if request[
        'email'] else None
    products = facts.product_facts(
        store.company, sorted({s for s, _, _ in request['lines']}))
    for i, (sku, _, _) in enumerate(request['lines']):
        if sku not in products:
            errors.append((f'lines[{i}].sku', f"unknown SKU {sku!r}"))
    if errors:
        raise IntakeError(422, errors)

    date = store.today()
    lines, taxes, priced = [], {}, []
    pool = Pool()
    rule, pattern = pool.get('ecom.channel')(channel_id).ecom_cart_tax_rule(
        party, pool.get('country.country')(country) if country else None)
    convert = pricing.converter(currency.record(), date)
    for i, (sku, quantity, unit_price) in enumerate(request['lines']):
        fact = products[sku]
        if unit_price is None:
            unit_price = fact.price
            if currency != store.currency:
                unit_price = convert(unit_price, store.currency.id)
        unit_price = round_price(unit_price)
        lines.append(engine.Line(i, fact.product, quantity, unit_price,
                fact.categories, sku))
        taxes[i] = _taxes(fact.taxes, rule, pattern)
        priced.append((sku, quantity, unit_price, None, unit_price))
    shipping, shipping_taxes = _shipping(
        store, request, lines, country, currency, rule, pattern)
    groups, first = pricing.customer(store.company, party)
    found, refused = pricing.resolve_coupons(
        store.company, request['coupons'], party)
    cart = engine.Cart(lines, currency=currency.id, digits=currency.digits,
        shipping=shipping, country=country,
        groups=groups, first_order=first, shop=store.shop,
        moment=datetime.datetime.now(), coupons=frozenset(found.values()),
        convert=convert, timezone=store.timezone)
    # formula campaigns set the unit prices first, as on a staff sale
    rules = pricing.rules_for(store.company)
    campaigns = engine.campaign_prices(rules, cart)
    for index, (price, rule) in campaigns.items():
        sku, quantity, list_price, _, _ = priced[index]
        lines[index].unit_price = price
        priced[index] = (sku, quantity, price, rule.name, list_price)
    rules, outcome = pricing.evaluate(store.company, cart, party)
    refused += pricing.coupon_refusals(request['coupons'], found, rules,
        outcome, {r.id for _, r in campaigns.values()})
    if refused:
        raise IntakeError(422, [(f'coupons[{i}]', reason)
                for i, reason in sorted(refused)], 'coupon_refused')
    parts = pricing.parts(outcome, taxes, shipping_taxes)
    return _answer(store, currency, date, priced, taxes, shipping,
        shipping_taxes, rules, outcome, parts, request['explain'])


def _answer(store, currency, date, priced, taxes, shipping, shipping_taxes,
        rules, outcome, parts, explain):
    taxable = []
    line_json = []
    for i, (sku, quantity, unit_price, campaign, list_price) in enumerate(
            priced):
        amount = currency.round(quantity * unit_price)
        discount = outcome.line_discounts.get(i, Decimal(0))
        taxable.append((list(taxes[i]), unit_price, quantity))
        line_json.append({'sku': sku, 'quantity': str(quantity),
                'list_price': str(list_price),
                'campaign': campaign,
                'unit_price': str(unit_price), 'amount': str(amount),
                'discount': str(discount), 'net': str(amount - discount)})
    untaxed = sum((currency.round(q * p) for _, p, q in taxable),
        Decimal(0))
    if shipping:
        taxable.append((list(shipping_taxes), shipping, Decimal(1)))
        untaxed += shipping
    for part in parts:
        taxable.append((list(part.taxes), -part.amount, Decimal(1)))
        untaxed -= part.amount
    tax = _Taxes(store, currency, date, taxable).amount()
    names = {r.id: r.name for r in rules}
    return {
        'currency': currency.code,
        'lines': line_json,
        'discounts': [{
                'promotion': d.rule.id, 'name': d.rule.name,
                'class': d.klass, 'amount': str(d.amount),
                'lines': sorted(i for i in d.per_line if i >= 0),
                'shipping': -1 in d.per_line, 'why': d.why,
                } for d in outcome.discounts],
        'not_applied': [{
                'promotion': i, 'name': names[i], 'reason': reason}
            for i, reason in sorted(outcome.not_applied.items())
            if explain or reason not in _IRRELEVANT],
        'shipping': {
            'amount': str(shipping or Decimal(0)),
            'discount': str(outcome.shipping_discount),
            'net': str((shipping or Decimal(0)) - outcome.shipping_discount),
            },
        'subtotal': str(sum((currency.round(q * p) for _, p, q in
                        taxable[:len(line_json)]), Decimal(0))),
        'discount': str(outcome.total),
        'untaxed': str(untaxed),
        'tax': str(tax),
        'total': str(currency.round(untaxed + tax)),
        }


_IRRELEVANT = {engine.NO_LINE, "needs its coupon code"}


class _Taxes(TaxableMixin):
    """Tryton's tax computation (grouping, rounding) on the cart's lines.

    Lines are grouped per taxes and sign, as Tryton does. A group whose
    taxes are proportional to the base (``facts.tax_plan``) is one base:
    its tax lines are the base times the plan's factors, rounded by Tryton's
    ``_round_taxes``; other groups go through Tryton's ``_get_taxes``."""

    def __init__(self, store, currency, date, lines):
        self.company = Pool().get('company.company')(store.company)
        self.currency, self.date, self._lines = currency, date, lines
        self._others = []   # the lines without a plan: Tryton's path

    @property
    def taxable_lines(self):
        Tax = Pool().get('account.tax')
        return [(Tax.browse(list(taxes)), price, quantity, None)
            for taxes, price, quantity in self._others]

    @property
    def tax_date(self):
        return self.date

    def amount(self):
        bases, plans, self._others = {}, {}, []
        for taxes, price, quantity in self._lines:
            taxes = tuple(taxes)
            plan = facts.tax_plan(self.company.id, taxes, self.date)
            if plan is None:
                self._others.append((taxes, price, quantity))
                continue
            base = price * Decimal(str(quantity))
            key = (taxes, base >= 0)
            bases[key] = bases.get(key, Decimal(0)) + base
            plans[key] = plan
        total = Decimal(0)
        if self._others:
            with Transaction().set_context(company=self.company.id):
                total += sum((t.amount for t in self._get_taxes().values()),
                    Decimal(0))
        for key, base in bases.items():
            lines = {}
            for tax, invoice, credit, base_factor, factor in plans[key]:
                tax_base = self.currency.round(base * base_factor)
                # keyed as account's tax lines: account, tax, sign of base
                line_key = (invoice if base * base_factor >= 0 else credit,
                    tax, tax_base >= 0)
                line = lines.setdefault(line_key, _TaxAmount())
                line.base += tax_base
                line.amount += base * factor
            self._round_taxes(lines)
            total += sum((t.amount for t in lines.values()), Decimal(0))
        return total


class _TaxAmount:
    "A tax line's base and amount (what ``_round_taxes`` rounds)"
    __slots__ = ('amount', 'base')

    def __init__(self):
        self.base = self.amount = Decimal(0)


def _taxes(tax_ids, rule, pattern):
    "The customer's taxes (their tax rule applied), as a sale line's"
    if not rule:
        return tax_ids
    Tax = Pool().get('account.tax')
    ids = set()
    for tax in Tax.browse(tax_ids):
        ids.update(rule.apply(tax, pattern) or [])
    return tuple(sorted(ids))


def _shipping(store, request, lines, country, currency, rule, pattern):
    "(shipping amount, its taxes)"
    amount = request['shipping']
    if request['carrier'] is not None:
        amount = _carrier_rate(
            store, request['carrier'], lines, country, currency)
    if amount is None:
        return None, ()
    if not store.shipping_product:
        return currency.round(amount), ()
    product = Pool().get('product.product')(store.shipping_product)
    fact = facts.product_facts(store.company, [product])[product]
    return currency.round(amount), _taxes(fact.taxes, rule, pattern)


def _carrier_rate(store, carrier_id, lines, country, currency):
    pool = Pool()
    Channel = pool.get('ecom.channel')
    Country = pool.get('country.country')
    Product = pool.get('product.product')
    if country is None:
        raise IntakeError(422, [('destination.country',
                    "is required to price a carrier")])
    # ecom_shipping's (the channel's carriers come with it)
    weight, _ = Channel.parcel_weight(
        [(Product(l.product), l.quantity) for l in lines])
    amount = sum((l.amount for l in lines), Decimal(0))
    Currency = pool.get('currency.currency')
    for carrier, price, currency_id, _ in Channel(store.id).shipping_rates(
            weight, amount, Country(country)):
        if carrier.id == carrier_id:
            return Currency.compute(
                Currency(currency_id), price, currency.record())
    raise IntakeError(422, [('shipping.carrier',
                (f"carrier {carrier_id} does not serve this parcel "
                    "for the channel"))])
