"""The cart-pricing API: what a checkout shows before the order exists.

POST /<db>/ecom/v1/channels/<id>/cart (the channel's API key)::

    {"customer": {"email": "ana@example.com"},
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
coupon that does not apply and why). Nothing is written: a read-only
transaction. An order posted to the intake of a channel whose promotions
the back office prices, with these unit prices, coupons and shipping
amount, gets the same discount lines and total.
"""
import datetime
from decimal import Decimal

from trytond.modules.account.tax import TaxableMixin
from trytond.modules.ecom_orders.api import channel_endpoint
from trytond.modules.ecom_orders.intake_format import IntakeError, _Checker
from trytond.modules.ecom_orders.routes import _response
from trytond.modules.product import round_price
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import engine, pricing

MAX_LINES = 500


def parse_cart(data):
    "The request as a dict, or IntakeError naming every bad field"
    chk = _Checker()
    if chk.obj(data, 'cart') is None:
        raise IntakeError(422, chk.errors)
    customer = chk.obj(data.get('customer'), 'customer', required=False) or {}
    email = chk.text(customer, 'email', 'customer.', required=False,
        max_length=254)
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
        'explain': data.get('explain') is True}


@channel_endpoint('cart', 'cart')
def cart_endpoint(pool, channel_id, company_id, data):
    request = parse_cart(data)
    with Transaction().start(pool.database_name, 0, readonly=True,
            context={'company': company_id, 'language': 'en'}):
        channel = pool.get('ecom.channel')(channel_id)
        return _response(200, price_cart(channel, request))


def price_cart(channel, request):
    "The priced cart of a parsed request (read-only)"
    pool = Pool()
    Currency = pool.get('currency.currency')
    Country = pool.get('country.country')
    Mechanism = pool.get('party.contact_mechanism')
    company = channel.company
    errors = []
    currency = company.currency
    if request['currency']:
        found = Currency.search([('code', '=', request['currency'])],
            limit=1)
        if not found:
            errors.append(('currency',
                    f"unknown currency {request['currency']!r}"))
        else:
            currency, = found
    country = None
    if request['country']:
        found = Country.search([('code', '=', request['country'])], limit=1)
        if not found:
            errors.append(('destination.country',
                    f"unknown country {request['country']!r}"))
        else:
            country, = found
    party = None
    if request['email']:
        mechanisms = Mechanism.search([('type', '=', 'email'),
                ('value', 'in', list({request['email'],
                            request['email'].lower()})),
                ('party.active', '=', True)], order=[('id', 'ASC')],
            limit=1)
        party = mechanisms[0].party if mechanisms else None
    facts = pricing.product_facts(
        company.id, sorted({s for s, _, _ in request['lines']}))
    for i, (sku, _, _) in enumerate(request['lines']):
        if sku not in facts:
            errors.append((f'lines[{i}].sku', f"unknown SKU {sku!r}"))
    if errors:
        raise IntakeError(422, errors)

    date = pool.get('ir.date').today()
    lines, taxes, priced = [], {}, []
    rule = party.customer_tax_rule if party else None
    convert = pricing.converter(currency, date)
    for i, (sku, quantity, unit_price) in enumerate(request['lines']):
        fact = facts[sku]
        if unit_price is None:
            unit_price = fact.price
            if currency != company.currency:
                unit_price = convert(unit_price, company.currency.id)
        unit_price = round_price(unit_price)
        lines.append(engine.Line(i, fact.product, quantity, unit_price,
                fact.categories, sku))
        taxes[i] = _taxes(fact.taxes, rule)
        priced.append((sku, quantity, unit_price, None, unit_price))
    shipping, shipping_taxes = _shipping(
        channel, request, lines, country, currency, rule)
    groups, first = pricing.customer(company.id, party)
    found, refused = pricing.resolve_coupons(
        company.id, request['coupons'], party)
    cart = engine.Cart(lines, currency=currency.id, digits=currency.digits,
        shipping=shipping, country=country.id if country else None,
        groups=groups, first_order=first,
        shop=channel.shop.id if channel.shop else None,
        moment=datetime.datetime.now(), coupons=frozenset(found.values()),
        convert=convert)
    # formula campaigns set the unit prices first, as on a staff sale
    campaigns = engine.campaign_prices(pricing.rules_for(company.id), cart)
    for index, (price, rule) in campaigns.items():
        sku, quantity, list_price, _, _ = priced[index]
        lines[index].unit_price = price
        priced[index] = (sku, quantity, price, rule.name, list_price)
    rules, outcome = pricing.evaluate(company.id, cart, party)
    refused += pricing.coupon_refusals(request['coupons'], found, rules,
        outcome, {r.id for _, r in campaigns.values()})
    if refused:
        raise IntakeError(422, [(f'coupons[{i}]', reason)
                for i, reason in sorted(refused)], 'coupon_refused')
    parts = pricing.parts(outcome, taxes, shipping_taxes)
    return _answer(company, currency, priced, taxes, shipping,
        shipping_taxes, rules, outcome, parts, request['explain'])


def _answer(company, currency, priced, taxes, shipping, shipping_taxes,
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
    tax = _Taxes(company, currency, taxable).amount()
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

    With the document rounding (Tryton's default), lines whose taxes are
    all percentages are added up per taxes and sign before computing: a
    percentage is linear in the base, so the unrounded sum is the same to
    the last digit and it is rounded once per tax, as on the sale."""

    def __init__(self, company, currency, lines):
        self.company, self.currency = company, currency
        self._lines = lines

    @property
    def taxable_lines(self):
        Tax = Pool().get('account.tax')
        document, linear = pricing.tax_facts(self.company.id)
        result, merged = [], {}
        for taxes, price, quantity in self._lines:
            taxes = tuple(taxes)
            if document and all(linear(t) for t in taxes):
                base = price * Decimal(str(quantity))
                key = (taxes, base >= 0)
                merged[key] = merged.get(key, Decimal(0)) + base
            else:
                result.append((Tax.browse(taxes), price, quantity, None))
        result.extend((Tax.browse(list(taxes)), base, 1, None)
            for (taxes, _), base in merged.items())
        return result

    @property
    def tax_date(self):
        return Pool().get('ir.date').today()

    def amount(self):
        with Transaction().set_context(company=self.company.id):
            return sum((t.amount for t in self._get_taxes().values()),
                Decimal(0))


def _taxes(tax_ids, rule):
    "The customer's taxes (their tax rule applied), as a sale line's"
    if not rule:
        return tax_ids
    Tax = Pool().get('account.tax')
    ids = set()
    for tax in Tax.browse(tax_ids):
        ids.update(rule.apply(tax, {}) or [])
    return tuple(sorted(ids))


def _shipping(channel, request, lines, country, currency, rule):
    "(shipping amount, its taxes)"
    amount = request['shipping']
    if request['carrier'] is not None:
        amount = _carrier_rate(
            channel, request['carrier'], lines, country, currency)
    if amount is None:
        return None, ()
    product = channel.shipping_product
    if not product:
        return currency.round(amount), ()
    fact = pricing.product_facts(channel.company.id, [product])[product]
    return currency.round(amount), _taxes(fact.taxes, rule)


def _carrier_rate(channel, carrier_id, lines, country, currency):
    pool = Pool()
    Product = pool.get('product.product')
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    if country is None:
        raise IntakeError(422, [('destination.country',
                    "is required to price a carrier")])
    kg = Uom(ModelData.get_id('product', 'uom_kilogram'))
    weight = 0.0
    for line in lines:
        product = Product(line.product)
        if product.weight and product.weight_uom:
            weight += float(line.quantity) * Uom.compute_qty(
                product.weight_uom, product.weight, kg, round=False)
    amount = sum((l.amount for l in lines), Decimal(0))
    Currency = pool.get('currency.currency')
    for carrier, price, currency_id, _ in channel.shipping_rates(
            weight, amount, country):
        if carrier.id == carrier_id:
            return Currency.compute(Currency(currency_id), price, currency)
    raise IntakeError(422, [('shipping.carrier',
                (f"carrier {carrier_id} does not serve this parcel "
                    "for the channel"))])
