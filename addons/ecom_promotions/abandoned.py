"""Abandoned carts: the carts the cart-pricing API priced for a customer
who gave an email address, and what became of them.

A cart is *open* while the storefront keeps pricing it, *abandoned* once
its channel's *Cart Abandoned After* passed without a change (the
scheduled task), *converted* when an order with its cart token or email
arrives before that and *recovered* when one arrives after it: the revenue
the reminders are for. After the company's payload retention the email and
token of a closed cart are erased; the figures stay.
"""
import datetime as dt
import hashlib
import json
from decimal import Decimal

from sql import Null
from sql.conditionals import Coalesce
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ecom_base.records import forget_all
from trytond.modules.ecom_orders.retention import DEFAULT_DAYS
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import pricing

STATES = [
    ('open', "Open"),
    ('abandoned', "Abandoned"),
    ('converted', "Converted"),
    ('recovered', "Recovered"),
    ]


class Cart(ModelSQL, ModelView):
    "A storefront cart priced for a customer who gave an email address"
    __name__ = 'ecom.cart'
    __string__ = "Cart"
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    token = fields.Char("Cart Token", readonly=True,
        help="The storefront's id of the cart (cart_token).")
    email = fields.Char("Email", readonly=True)
    party = fields.Many2One('party.party', "Customer", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    accepts_marketing = fields.Boolean("Reminders Accepted", readonly=True,
        help="The customer ticked the storefront's box to be reminded.")
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, readonly=True)
    lines = fields.One2Many('ecom.cart.line', 'cart', "Lines", readonly=True)
    coupons = fields.Char("Coupons", readonly=True)
    total = Monetary(
        "Total", currency='currency', digits='currency', readonly=True)
    digest = fields.Char("Digest", readonly=True)
    last_seen = fields.DateTime("Last Priced", required=True, readonly=True)
    last_seen_date = fields.Function(
        fields.Date("Last Priced Date"), 'get_moment')
    last_seen_time = fields.Function(
        fields.Time("Last Priced Time"), 'get_moment')
    abandoned_at = fields.DateTime("Abandoned", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    sale = fields.Many2One('sale.sale', "Order", readonly=True,
        ondelete='SET NULL')
    order_total = Monetary(
        "Order Total", currency='currency', digits='currency', readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_unique', Unique(t, t.channel, t.token),
                'ecom_promotions.msg_cart_token_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.last_seen, Index.Range())),
                Index(t, (t.channel, Index.Equality()),
                    (t.email, Index.Equality())),
                })
        cls._order = [('last_seen', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        return f'{self.email or "?"} ({self.total} {self.currency.code})'

    @classmethod
    def get_moment(cls, carts, names):
        result = {n: {} for n in names}
        for cart in carts:
            if 'last_seen_date' in names:
                result['last_seen_date'][cart.id] = cart.last_seen.date()
            if 'last_seen_time' in names:
                result['last_seen_time'][cart.id] = cart.last_seen.time(
                    ).replace(microsecond=0)
        return result

    @classmethod
    def record(cls, channel_id, company_id, request, answer):
        """Keep the priced cart of a request that gave an email address:
        the same token (else the same open cart of the email) is updated"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Line = pool.get('ecom.cart.line')
        email = (request.get('email') or '').strip().lower()
        if not email:
            return None
        token = request.get('token')
        domain = [('channel', '=', channel_id)]
        if token:
            domain.append(('token', '=', token))
        else:
            domain += [('token', '=', None), ('email', '=', email),
                ('state', 'in', ['open', 'abandoned'])]
        carts = cls.search(domain, order=[('id', 'DESC')], limit=1)
        digest = hashlib.sha256(json.dumps(
                [answer['lines'], request['coupons'], answer['total']],
                sort_keys=True).encode()).hexdigest()
        now = dt.datetime.now()
        cart = carts[0] if carts else None
        if cart and cart.state in {'converted', 'recovered'}:
            return cart  # the storefront reuses a token it ordered with
        if (cart and cart.digest == digest and cart.email == email
                and cart.state == 'open'
                and now - cart.last_seen < dt.timedelta(minutes=5)):
            return cart  # nothing new: no write for a checkout's refresh
        currency, = Currency.search([('code', '=', answer['currency'])],
            limit=1)
        party = pricing.party_by_email(request['email'])
        values = {
            'company': company_id, 'channel': channel_id, 'token': token,
            'email': email,
            'party': party.id if party else None,
            'accepts_marketing': bool(request.get('accepts_marketing')),
            'currency': currency.id,
            'coupons': ', '.join(request['coupons']) or None,
            'total': Decimal(answer['total']), 'digest': digest,
            'last_seen': now, 'state': 'open',
            }
        if cart:
            Line.delete(list(cart.lines))
            cls.write([cart], values)
        else:
            cart, = cls.create([values])
        Line.create([{
                    'cart': cart.id, 'sku': l['sku'],
                    'quantity': Decimal(l['quantity']),
                    'unit_price': Decimal(l['unit_price']),
                    'amount': Decimal(l['net']),
                    } for l in answer['lines']])
        return cart

    @classmethod
    def mark_abandoned(cls):
        """Closed carts past the company's retention lose email and token;
        open carts untouched for their channel's delay become abandoned"""
        pool = Pool()
        Channel = pool.get('ecom.channel')
        Company = pool.get('company.company')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        now = dt.datetime.now()
        # in SQL: the task's user may see no company through the rules
        company_table = Company.__table__()
        cursor.execute(*company_table.select(
                company_table.id, company_table.ecom_payload_retention_days))
        for company_id, days in cursor.fetchall():
            cursor.execute(*table.update(
                    [table.email, table.token, table.party],
                    [Null, Null, Null],
                    where=(table.company == company_id)
                    & (table.state != 'open') & (table.email != Null)
                    & (table.last_seen < now - dt.timedelta(
                            days=days or DEFAULT_DAYS))))
        channel_table = Channel.__table__()
        cursor.execute(*channel_table.select(
                channel_table.id, channel_table.cart_abandoned_after))
        for channel_id, minutes in cursor.fetchall():
            delay = dt.timedelta(minutes=minutes or 60)
            cursor.execute(*table.update(
                    [table.state, table.abandoned_at],
                    ['abandoned', Coalesce(table.abandoned_at, now)],
                    where=(table.channel == channel_id)
                    & (table.state == 'open')
                    & (table.last_seen < now - delay)))
        forget_all(cls)  # written in SQL: no record answers from cache

    @classmethod
    def close(cls, pairs):
        """The carts an order of [(sale, order)] came from (same channel and
        cart token, else same email): converted, or recovered when they had
        been abandoned"""
        if not pairs:
            return
        by_token, by_email = {}, {}
        for sale, order in pairs:
            key = sale.ecom_channel.id
            if order.cart_token:
                by_token[key, order.cart_token] = sale
            if order.email:
                by_email[key, order.email.strip().lower()] = sale
        domain = [('state', 'in', ['open', 'abandoned']), ['OR',
                ('token', 'in', list({t for _, t in by_token})),
                ('email', 'in', list({e for _, e in by_email}))],
            ('channel', 'in', list({c for c, _ in by_email}
                    | {c for c, _ in by_token}))]
        to_write = []
        for cart in cls.search(domain):
            sale = (by_token.get((cart.channel.id, cart.token))
                or by_email.get((cart.channel.id, cart.email)))
            if sale is None:
                continue
            to_write.extend([[cart], {
                        'sale': sale.id, 'order_total': sale.total_amount,
                        'state': ('recovered' if cart.abandoned_at
                            else 'converted'),
                        }])
        if to_write:
            cls.write(*to_write)


class CartLine(ModelSQL, ModelView):
    "A line of a storefront cart, as priced"
    __name__ = 'ecom.cart.line'
    __string__ = "Cart Line"
    cart = fields.Many2One(
        'ecom.cart', "Cart", required=True, ondelete='CASCADE')
    sku = fields.Char("SKU", readonly=True)
    quantity = fields.Numeric("Quantity", readonly=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), readonly=True)
    amount = fields.Numeric("Net Amount", readonly=True,
        help="After the promotions' line discounts, before tax.")


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.cart|mark_abandoned', "Mark Abandoned Carts"))
