"""The storefront's checkout asks for shipping options:
POST /<db>/ecom/v1/channels/<id>/shipping-rates (same API key as orders).

Body::

    {"destination": {"country": "ES"},
     "lines": [{"sku": "BOOT-42", "quantity": 1, "unit_price": "89.90"}]}

200 with the parcel's weight (kg, from the products' weights), the goods
amount (the lines' unit prices, else the products' list prices), and the
carriers serving it, cheapest first, free above the channel's threshold;
422 naming every bad field. Nothing is written.
"""
from decimal import Decimal

from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    channel_endpoint,
    contribute,
    response,
)
from trytond.pool import Pool
from trytond.transaction import Transaction

contribute(__file__)  # its routes are documented in openapi.json beside it

MAX_LINES = 500


def parse_rates_request(data):
    chk = Checker()
    if chk.obj(data, 'request') is None:
        raise IntakeError(422, chk.errors)
    destination = chk.obj(data.get('destination'), 'destination') or {}
    country = chk.text(destination, 'country', 'destination.', max_length=2)
    if country and len(country) != 2:
        chk.error('destination.country', "must be an ISO 3166-1 alpha-2 code")
    lines = []
    for path, raw in chk.objects(data, 'lines', MAX_LINES):
        lines.append((
                chk.text(raw, 'sku', path, max_length=100),
                chk.amount(raw, 'quantity', path, positive=True),
                chk.amount(raw, 'unit_price', path, required=False)))
    if chk.errors:
        raise IntakeError(422, chk.errors)
    return country.upper(), lines


@channel_endpoint('shipping-rates', 'request')
def shipping_rates(pool, channel_id, company_id, data):
    country_code, lines = parse_rates_request(data)
    with Transaction().start(pool.database_name, 0, readonly=True,
            context={'company': company_id, 'language': 'en'}):
        return _rates(pool, channel_id, country_code, lines)


def _rates(pool, channel_id, country_code, lines):
    Channel = pool.get('ecom.channel')
    Country = pool.get('country.country')
    Product = pool.get('product.product')
    channel = Channel(channel_id)
    countries = Country.search([('code', '=', country_code)], limit=1)
    errors = []
    if not countries:
        errors.append(('destination.country',
                f"unknown country {country_code!r}"))
    products = {p.code: p for p in Product.search([
                ('code', 'in', sorted({s for s, _, _ in lines})),
                ('salable', '=', True)])}
    goods, amount = [], Decimal(0)
    for i, (sku, quantity, unit_price) in enumerate(lines):
        product = products.get(sku)
        if not product:
            errors.append((f'lines[{i}].sku', f"unknown SKU {sku!r}"))
            continue
        goods.append((product, quantity))
        price = unit_price if unit_price is not None else (
            product.list_price_used or Decimal(0))
        amount += quantity * price
    if errors:
        raise IntakeError(422, errors)
    weight, unweighed = Channel.parcel_weight(goods)
    currency = channel.company.currency
    amount = currency.round(amount)
    rates = channel.shipping_rates(weight, amount, countries[0])
    Currency = pool.get('currency.currency')
    return response(200, {
            'currency': currency.code,
            'weight': round(weight, 3),
            'goods_amount': str(amount),
            'free_shipping_from': (str(channel.free_shipping_threshold)
                if channel.free_shipping_threshold is not None else None),
            'unweighed': [p.code for p in unweighed],
            'rates': [{
                    'carrier': carrier.id, 'name': carrier.rec_name,
                    'price': str(Currency(currency_id).round(price)),
                    'currency': Currency(currency_id).code,
                    'free': free,
                    } for carrier, price, currency_id, free in rates],
            })


__all__ = ['Pool', 'parse_rates_request', 'shipping_rates']
