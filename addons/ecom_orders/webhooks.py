"""WooCommerce and Shopify order payloads mapped to the generic format.

Both storefronts send amounts as strings; the mapping keeps them as they
are and lets ``intake_format.parse_order`` check them, so an error still
names the storefront's own field where it can (``line_items[1].sku``).
"""
from decimal import Decimal, InvalidOperation

from . import attribution
from .intake_format import IntakeError

# WooCommerce shipping methods that mean the customer collects the order.
WOO_PICKUP = {'local_pickup', 'pickup_location'}


def _dec(value):
    try:
        return Decimal(str(value)) if value not in (None, '') else None
    except InvalidOperation:
        return value


def _sum(values):
    amounts = [_dec(v) for v in values]
    if any(not isinstance(a, Decimal) for a in amounts if a is not None):
        return None
    return sum((a for a in amounts if a is not None), Decimal(0))


def _ref(value):
    "A storefront id as text; 0 and empty mean none"
    if value in (None, '', 0, '0') or isinstance(value, bool):
        return None
    return str(value)


def _rename(error, names):
    "Translate generic field paths back to the storefront's names"
    errors = []
    for field, reason in error.errors:
        for generic, native in names:
            if field.startswith(generic):
                field = native + field[len(generic):]
                break
        errors.append((field, reason))
    return IntakeError(error.status, errors, error.code)


def _charged(taxes, amount_key):
    "The tax entries that charged something (a 0 rate charges nothing)"
    return [t for t in taxes or [] if isinstance(t, dict)
        and isinstance(_dec(t.get(amount_key)), Decimal)
        and _dec(t.get(amount_key))]


def _woo_tax_codes(data):
    "{rate id: the rate's code} of a WooCommerce order's tax lines"
    return {t.get('rate_id'): t.get('rate_code') or str(t.get('rate_id'))
        for t in data.get('tax_lines') or [] if isinstance(t, dict)}


def _woo_taxes(item, codes):
    return [codes.get(t.get('id')) or str(t.get('id'))
        for t in _charged(item.get('taxes'), 'total')]


def _woo_address(data, fallback=None):
    data = data or {}
    if not data.get('address_1') and fallback is not None:
        return fallback
    name = ' '.join(
        p for p in (data.get('first_name'), data.get('last_name')) if p)
    street = '\n'.join(
        p for p in (data.get('address_1'), data.get('address_2')) if p)
    return {
        'name': data.get('company') or name or None,
        'street': street or None,
        'city': data.get('city'),
        'postal_code': data.get('postcode'),
        'country': data.get('country'),
        'subdivision': data.get('state') or None,
        }


def from_woocommerce(data):
    "Generic order from a WooCommerce ``order.created`` webhook body"
    if not isinstance(data, dict):
        raise IntakeError(422, [('order', "must be an object")])
    if data.get('fee_lines'):
        raise IntakeError(422, [('fee_lines', ("fees are not supported; "
                    "send them as products or shipping"))])
    billing = data.get('billing') or {}
    billing_address = _woo_address(billing)
    codes = _woo_tax_codes(data)
    lines = []
    for item in data.get('line_items') or []:
        if not isinstance(item, dict):
            lines.append(item)
            continue
        quantity = _dec(item.get('quantity'))
        subtotal, total = _dec(item.get('subtotal')), _dec(item.get('total'))
        line = {'sku': item.get('sku'), 'quantity': item.get('quantity'),
            'name': item.get('name'), 'unit_price': item.get('subtotal'),
            'product_id': _ref(item.get('product_id')),
            'variant_id': _ref(item.get('variation_id')),
            'taxes': _woo_taxes(item, codes)}
        if (isinstance(quantity, Decimal) and quantity > 0
                and isinstance(subtotal, Decimal)
                and isinstance(total, Decimal)):
            line['unit_price'] = subtotal / quantity
            line['discount'] = subtotal - total
        lines.append(line)
    shipping_lines = data.get('shipping_lines') or []
    paid = bool(data.get('date_paid')) or data.get('status') in {
        'processing', 'completed'}
    created = data.get('date_created_gmt')
    return {
        'external_id': data.get('id'),
        'created_at': f"{created}Z" if isinstance(created, str) and created
        else None,
        'currency': data.get('currency'),
        'customer': {
            'email': billing.get('email'),
            'name': billing_address['name'],
            'phone': billing.get('phone') or None,
            },
        'billing_address': billing_address,
        'shipping_address': _woo_address(
            data.get('shipping'), billing_address),
        'lines': lines,
        'shipping': {
            'method': ', '.join(
                s.get('method_title') or '' for s in shipping_lines
                if isinstance(s, dict)) or None,
            'amount': _sum(s.get('total') for s in shipping_lines
                if isinstance(s, dict)),
            'type': 'pickup' if any(
                isinstance(s, dict) and s.get('method_id') in WOO_PICKUP
                for s in shipping_lines) else None,
            'taxes': sorted({c for s in shipping_lines if isinstance(s, dict)
                    for c in _woo_taxes(s, codes)}),
            } if shipping_lines else None,
        'coupons': [c.get('code') for c in data.get('coupon_lines') or []
            if isinstance(c, dict)],
        'payment': {
            'status': 'paid' if paid else 'pending',
            # The gateway's id (stripe, ppcp-gateway), not its title.
            'method': data.get('payment_method') or None,
            'reference': data.get('transaction_id') or None,
            },
        'totals': {'total': data.get('total'), 'tax': data.get('total_tax')},
        'attribution': attribution.from_woocommerce(data),
        }


WOO_NAMES = [
    ('external_id', 'id'), ('lines', 'line_items'),
    ('billing_address', 'billing'), ('shipping_address', 'shipping'),
    ('customer.email', 'billing.email'), ('totals.total', 'total'),
    ('totals.tax', 'total_tax'), ('shipping.amount', 'shipping_lines'),
    ('created_at', 'date_created_gmt'), ('shipping.type', 'shipping_lines'),
    ('shipping.taxes', 'shipping_lines'),
    ] + [(f'attribution.{generic}', f'meta_data.{key}')
    for key, generic in attribution.WOO_META.items()]


def _shopify_address(data):
    if not data:
        return None
    street = '\n'.join(
        p for p in (data.get('address1'), data.get('address2')) if p)
    name = data.get('name') or ' '.join(
        p for p in (data.get('first_name'), data.get('last_name')) if p)
    return {
        'name': data.get('company') or name or None,
        'street': street or None,
        'city': data.get('city'),
        'postal_code': data.get('zip'),
        'country': data.get('country_code'),
        'subdivision': data.get('province_code') or None,
        }


def _shopify_taxes(item):
    """A Shopify line's taxes by title (Shopify gives tax lines no id), by
    rate when untitled"""
    codes = (str(t.get('title') or t.get('rate') or '').strip()
        for t in _charged(item.get('tax_lines'), 'price'))
    return [c for c in codes if c]


def from_shopify(data):
    "Generic order from a Shopify ``orders/create`` webhook body"
    if not isinstance(data, dict):
        raise IntakeError(422, [('order', "must be an object")])
    taxes_included = bool(data.get('taxes_included'))
    lines = []
    for item in data.get('line_items') or []:
        if not isinstance(item, dict):
            lines.append(item)
            continue
        discount = _sum(a.get('amount')
            for a in item.get('discount_allocations') or []
            if isinstance(a, dict))
        line = {'sku': item.get('sku'), 'quantity': item.get('quantity'),
            'name': item.get('title'), 'unit_price': item.get('price'),
            'discount': discount,
            'product_id': _ref(item.get('product_id')),
            'variant_id': _ref(item.get('variant_id')),
            'taxes': _shopify_taxes(item)}
        price, quantity = _dec(item.get('price')), _dec(item.get('quantity'))
        tax = _sum(t.get('price') for t in item.get('tax_lines') or []
            if isinstance(t, dict))
        if (taxes_included and isinstance(price, Decimal)
                and isinstance(quantity, Decimal) and quantity > 0
                and tax is not None and discount is not None):
            # The storefront price includes tax: keep the net amount.
            line['unit_price'] = (
                price * quantity - discount - tax) / quantity
            line['discount'] = None
        lines.append(line)
    shipping_lines = [
        s for s in data.get('shipping_lines') or [] if isinstance(s, dict)]
    shipping_amount = _sum(
        s.get('discounted_price', s.get('price')) for s in shipping_lines)
    if taxes_included and shipping_amount is not None:
        shipping_amount -= _sum(t.get('price') for s in shipping_lines
            for t in s.get('tax_lines') or [] if isinstance(t, dict)) or 0
    customer = data.get('customer') or {}
    billing = _shopify_address(data.get('billing_address'))
    locale = data.get('customer_locale') or customer.get('locale') or ''
    return {
        'external_id': data.get('id'),
        'created_at': data.get('created_at'),
        'currency': data.get('currency'),
        'customer': {
            'email': data.get('email') or customer.get('email'),
            'name': ' '.join(p for p in (
                        customer.get('first_name'), customer.get('last_name'))
                if p) or None,
            'phone': data.get('phone') or customer.get('phone') or None,
            'lang': locale.split('-')[0] or None,
            },
        'billing_address': billing,
        'shipping_address': (
            _shopify_address(data.get('shipping_address')) or billing),
        'lines': lines,
        'shipping': {
            'method': ', '.join(s.get('title') or '' for s in shipping_lines)
            or None,
            'amount': shipping_amount,
            'type': 'pickup' if any(
                'pickup' in str(s.get('code') or s.get('source') or '').lower()
                for s in shipping_lines) else None,
            'taxes': sorted({c for s in shipping_lines
                    for c in _shopify_taxes(s)}),
            } if shipping_lines else None,
        'coupons': [c.get('code') for c in data.get('discount_codes') or []
            if isinstance(c, dict)],
        'payment': {
            'status': 'paid' if data.get('financial_status') == 'paid'
            else 'pending',
            'method': next(iter(data.get('payment_gateway_names') or []),
                None),
            'reference': str(data['checkout_id'])
            if data.get('checkout_id') else None,
            },
        'totals': {
            'total': data.get('total_price'), 'tax': data.get('total_tax')},
        'attribution': attribution.from_shopify(data),
        'cart_token': data.get('cart_token'),
        }


SHOPIFY_NAMES = [
    ('external_id', 'id'), ('lines', 'line_items'),
    ('customer.email', 'email'), ('totals.total', 'total_price'),
    ('totals.tax', 'total_tax'), ('shipping.amount', 'shipping_lines'),
    ('shipping.type', 'shipping_lines'), ('shipping.taxes', 'shipping_lines'),
    ('attribution.referrer', 'referring_site'),
    ('attribution.landing_page', 'landing_site'),
    ('attribution.source', 'landing_site'),
    ('attribution.medium', 'landing_site'),
    ('attribution.campaign', 'landing_site'),
    ('cart_token', 'cart_token'),
    ]

FORMATS = {
    'generic': (lambda data: data, []),
    'woocommerce': (from_woocommerce, WOO_NAMES),
    'shopify': (from_shopify, SHOPIFY_NAMES),
    }


def storefront_fields(kind, errors):
    "[(field, reason)] with the storefront's own field names"
    return _rename(IntakeError(422, errors), FORMATS[kind][1]).errors


def to_order(kind, data):
    "Parse a decoded payload of ``kind`` into an intake_format.Order"
    from .intake_format import parse_order
    mapper, names = FORMATS[kind]
    try:
        return parse_order(mapper(data))
    except IntakeError as e:
        raise _rename(e, names) from None
