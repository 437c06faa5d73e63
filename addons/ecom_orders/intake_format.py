"""The generic order format of the intake API, validated without the database.

``parse_order(data)`` turns one decoded JSON order into an ``Order`` or
raises ``IntakeError`` listing every problem at once, each naming the field
(``lines[2].quantity``) and the reason. Amounts are Decimal: JSON numbers
are decoded as Decimal (never float) and strings are accepted too.
The WooCommerce and Shopify receivers map their payloads to this format.
"""
import datetime
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .attribution import Attribution
from .attribution import parse as parse_attribution
from .exceptions import FieldErrors

MAX_LINES = 500
MAX_STRINGS = 20
MAX_DIGITS = 12  # before the decimal point, for any amount or quantity
PAYMENT_STATES = ('pending', 'authorized', 'paid')
DELIVERIES = ('carrier', 'pickup')
# How far ahead of ours a storefront's clock may be.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class IntakeError(Exception):
    """A refused request, as the HTTP layer answers it: status and a list
    of (field, reason); model code raises exceptions.FieldErrors instead"""

    def __init__(self, status, errors, code='invalid'):
        super().__init__('; '.join(f'{f}: {r}' for f, r in errors))
        self.status = status
        self.errors = list(errors)
        self.code = code

    def as_json(self):
        return {
            'code': self.code,
            'errors': [{'field': f, 'reason': r} for f, r in self.errors],
            }


def http_error(error):
    """The IntakeError that answers error: itself, or the 422 of a
    FieldErrors that model code raised (with its fields and code)"""
    if isinstance(error, FieldErrors):
        return IntakeError(422, error.errors, error.kind)
    return error


@dataclass
class Address:
    name: str
    street: str
    city: str
    postal_code: str
    country: str
    subdivision: str | None = None

    def key(self):
        return tuple(
            (v or '').strip().lower() for v in (
                self.name, self.street, self.city, self.postal_code,
                self.country))


@dataclass
class Line:
    sku: str | None
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = Decimal(0)
    name: str | None = None
    # the storefront's own ids, resolved through the channel's listings
    product_ref: str | None = None
    variant_ref: str = ''
    # the storefront's tax codes (a channel whose taxes it computes)
    taxes: list = field(default_factory=list)


@dataclass
class Order:
    external_id: str
    currency: str
    email: str
    customer_name: str
    billing: Address
    shipping: Address
    lines: list
    total: Decimal
    tax: Decimal | None = None
    phone: str | None = None
    lang: str | None = None
    shipping_method: str | None = None
    shipping_amount: Decimal = Decimal(0)
    shipping_taxes: list = field(default_factory=list)
    delivery: str = 'carrier'
    created_at: datetime.datetime | None = None
    coupons: list = field(default_factory=list)
    payment_state: str = 'pending'
    payment_reference: str | None = None
    payment_method: str | None = None
    loyalty_points: int = 0
    attribution: Attribution = field(default_factory=Attribution)
    cart_token: str | None = None


NUL, REPLACEMENT = '\x00', '\ufffd'


def without_nul(value):
    """value (JSON data) with every NUL character of its strings and keys
    replaced by U+FFFD: PostgreSQL text cannot hold NUL (a search or an
    insert of one fails), SQLite can, so both backends see the same data"""
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT)
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def decode(body):
    "Decode a raw JSON body; amounts become Decimal, NUL characters U+FFFD"
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as e:
        raise IntakeError(400, [('body', f"malformed JSON: {e}")], 'malformed')
    # a NUL can only come from a \u0000 escape (JSON forbids raw controls)
    if b'\\u0000' in (body if isinstance(body, bytes) else body.encode()):
        data = without_nul(data)
    return data


class Checker:
    "Collects (field, reason) pairs while reading a dict"

    def __init__(self):
        self.errors = []

    def error(self, path, reason):
        self.errors.append((path, reason))

    def obj(self, data, path, required=True):
        if data is None and not required:
            return None
        if not isinstance(data, dict):
            self.error(path, "must be an object" if data is not None
                else "is required")
            return None
        return data

    def objects(self, data, key, max_items):
        """The objects of the non-empty list ``data[key]`` (at most
        ``max_items``) with their path, e.g. ('lines[2].', {...})"""
        items = data.get(key)
        if not isinstance(items, list) or not items:
            self.error(key, "must be a non-empty list")
            return []
        if len(items) > max_items:
            self.error(key, f"has more than {max_items} {key}")
            return []
        return [(f'{key}[{i}].', raw) for i, raw in enumerate(items)
            if self.obj(raw, f'{key}[{i}]') is not None]

    def strings(self, data, key, path='', max_items=MAX_STRINGS):
        "The stripped non-empty strings of the optional list data[key]"
        raws = data.get(key) or []
        if not isinstance(raws, list) or len(raws) > max_items:
            self.error(f'{path}{key}',
                f"must be a list of at most {max_items} strings")
            return []
        values = []
        for i, raw in enumerate(raws):
            if isinstance(raw, str) and raw.strip() and len(raw) <= 100:
                values.append(raw.strip())
            else:
                self.error(f'{path}{key}[{i}]',
                    "must be a non-empty string of at most 100 characters")
        return values

    def text(self, data, key, path, required=True, max_length=255):
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(f'{path}{key}', "is required")
            return None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(f'{path}{key}', "must be a string")
            return None
        value = value.strip()
        if len(value) > max_length:
            self.error(
                f'{path}{key}', f"is longer than {max_length} characters")
            return None
        return value

    def amount(self, data, key, path, required=True, positive=False):
        value = data.get(key)
        if value is None:
            if required:
                self.error(f'{path}{key}', "is required")
            return None
        if isinstance(value, bool) or not isinstance(
                value, (int, Decimal, str)):
            self.error(f'{path}{key}', "must be a decimal number")
            return None
        try:
            value = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(f'{path}{key}', f"{value!r} is not a decimal number")
            return None
        if not value.is_finite():
            self.error(f'{path}{key}', "must be a finite number")
            return None
        if value and value.adjusted() >= MAX_DIGITS:
            # 1e999999 parses, then fails every computation (a 500)
            self.error(f'{path}{key}', (f"is too large: at most "
                    f"{MAX_DIGITS} digits before the decimal point"))
            return None
        if value < 0 or (positive and value == 0):
            self.error(f'{path}{key}', "must be greater than zero"
                if positive else "must not be negative")
            return None
        return value


def _address(chk, data, path):
    data = chk.obj(data, path.rstrip('.'))
    if data is None:
        return None
    values = {
        k: chk.text(data, k, path)
        for k in ('name', 'street', 'city', 'postal_code', 'country')}
    values['subdivision'] = chk.text(data, 'subdivision', path, required=False)
    if values['country'] and len(values['country']) != 2:
        chk.error(f'{path}country', "must be an ISO 3166-1 alpha-2 code")
        return None
    if None in (values[k] for k in ('name', 'street', 'city',
                'postal_code', 'country')):
        return None
    values['country'] = values['country'].upper()
    return Address(**values)


def timestamp(chk, data, key, path=''):
    """An ISO 8601 time with its offset, as naive UTC; not in the future
    (errors named path + key)"""
    value = data.get(key)
    if value in (None, ''):
        return None
    try:
        moment = datetime.datetime.fromisoformat(
            str(value))
    except ValueError:
        chk.error(path + key, f"{value!r} is not an ISO 8601 date and time")
        return None
    if moment.tzinfo is None:
        chk.error(path + key, f"{value!r} has no UTC offset")
        return None
    moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    if moment > datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + CLOCK_SKEW:
        chk.error(path + key, f"{value!r} is in the future")
        return None
    return moment


def parse_order(data):
    "Validate one generic order; raise IntakeError with every problem"
    chk = Checker()
    if chk.obj(data, 'order') is None:
        raise IntakeError(422, chk.errors)
    external_id = chk.text(data, 'external_id', '', max_length=100)
    currency = chk.text(data, 'currency', '', max_length=10)
    if currency and len(currency) != 3:
        chk.error('currency', "must be an ISO 4217 code")
    created_at = timestamp(chk, data, 'created_at')
    customer = chk.obj(data.get('customer'), 'customer') or {}
    email = chk.text(customer, 'email', 'customer.', max_length=254)
    if email and ('@' not in email or email.startswith('@')):
        chk.error('customer.email', f"{email!r} is not an email address")
    billing = _address(chk, data.get('billing_address'), 'billing_address.')
    shipping = billing
    if data.get('shipping_address') is not None:
        shipping = _address(
            chk, data.get('shipping_address'), 'shipping_address.')

    lines = []
    for path, raw in chk.objects(data, 'lines', MAX_LINES):
        product_ref = chk.text(raw, 'product_id', path, required=False,
            max_length=100)
        variant_ref = chk.text(raw, 'variant_id', path, required=False,
            max_length=100)
        if variant_ref in {'0', None}:
            variant_ref = ''
        sku = chk.text(raw, 'sku', path, max_length=100,
            required=not product_ref)
        quantity = chk.amount(raw, 'quantity', path, positive=True)
        unit_price = chk.amount(raw, 'unit_price', path)
        discount = chk.amount(raw, 'discount', path, required=False)
        if (sku or product_ref) and None not in (quantity, unit_price):
            discount = discount or Decimal(0)
            if discount > quantity * unit_price:
                chk.error(f'{path}discount',
                    "is larger than the line amount")
            lines.append(Line(sku, quantity, unit_price, discount,
                    chk.text(raw, 'name', path, required=False),
                    product_ref, variant_ref,
                    chk.strings(raw, 'taxes', path)))

    shipping_method, shipping_amount = None, Decimal(0)
    shipping_taxes = []
    delivery = 'carrier'
    ship = chk.obj(data.get('shipping'), 'shipping', required=False)
    if ship is not None:
        shipping_method = chk.text(ship, 'method', 'shipping.', required=False)
        shipping_amount = chk.amount(ship, 'amount', 'shipping.') or 0
        shipping_taxes = chk.strings(ship, 'taxes', 'shipping.')
        delivery = chk.text(ship, 'type', 'shipping.', required=False) or (
            'carrier')
        if delivery not in DELIVERIES:
            chk.error('shipping.type', f"{delivery!r} is not one of "
                + ', '.join(DELIVERIES))

    coupons = chk.strings(data, 'coupons')
    attribution = parse_attribution(chk, data)
    cart_token = chk.text(data, 'cart_token', '', required=False,
        max_length=100)

    loyalty_points = data.get('loyalty_points', 0)
    if (not isinstance(loyalty_points, int) or isinstance(loyalty_points, bool)
            or loyalty_points < 0):
        chk.error('loyalty_points', (f"{loyalty_points!r} is not a whole "
                "number of points, 0 or more"))
        loyalty_points = 0

    payment = chk.obj(data.get('payment'), 'payment', required=False) or {}
    payment_state = chk.text(payment, 'status', 'payment.', required=False)
    if payment_state and payment_state not in PAYMENT_STATES:
        chk.error('payment.status', f"{payment_state!r} is not one of "
            + ', '.join(PAYMENT_STATES))
    totals = chk.obj(data.get('totals'), 'totals') or {}
    total = chk.amount(totals, 'total', 'totals.')
    tax = chk.amount(totals, 'tax', 'totals.', required=False)

    if chk.errors:
        raise IntakeError(422, chk.errors)
    return Order(
        external_id=external_id, currency=currency.upper(), email=email,
        customer_name=(chk.text(customer, 'name', 'customer.', required=False)
            or billing.name),
        phone=chk.text(customer, 'phone', 'customer.', required=False),
        lang=chk.text(customer, 'lang', 'customer.', required=False),
        billing=billing, shipping=shipping, lines=lines,
        shipping_method=shipping_method, shipping_amount=shipping_amount,
        shipping_taxes=shipping_taxes,
        delivery=delivery, created_at=created_at, coupons=coupons, total=total, tax=tax,
        payment_state=payment_state or 'pending',
        payment_reference=chk.text(
            payment, 'reference', 'payment.', required=False),
        payment_method=chk.text(
            payment, 'method', 'payment.', required=False),
        loyalty_points=loyalty_points, attribution=attribution,
        cart_token=cart_token)


def net_unit_price(line, digits=4):
    "Unit price after the line's discount, rounded to the price digits"
    price = line.unit_price
    if line.discount:
        price = (line.quantity * price - line.discount) / line.quantity
    return price.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
