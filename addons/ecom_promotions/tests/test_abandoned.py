"""Abandoned carts: kept from the cart API's answers, abandoned after the
channel's delay, closed by their order, anonymised after the retention."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_base.tests.texts import erase, texts_found
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import cart_answer


def _order(channel, sale_id, total, email=None, token=None):
    "The (sale, order) pair the intake hands to ecom_intake_saved"
    return (SimpleNamespace(id=sale_id, total_amount=Decimal(total),
            ecom_channel=SimpleNamespace(id=channel.id)),
        SimpleNamespace(email=email, cart_token=token))


class AbandonedCartsMixin:

    def _channel(self, company):
        pool = Pool()
        Shop = pool.get('web.shop')
        Channel = pool.get('ecom.channel')
        shop, = Shop.create([{'name': "Store"}])
        channel, = Channel.create([{'name': "Shop", 'code': 'shop',
                    'shop': shop.id, 'cart_abandoned_after': 30}])
        return channel

    @with_transaction()
    def test_cart_kept_abandoned_and_recovered(self):
        "A cart is kept per token, abandoned after 30 min, then recovered"
        pool = Pool()
        Cart = pool.get('ecom.cart')
        company = create_company()
        with set_company(company):
            channel = self._channel(company)
            code = company.currency.code
            request = {'email': ' Ana@Example.com', 'token': 'T1',
                'coupons': ['WELCOME'], 'accepts_marketing': True}
            cart = Cart.record(channel.id, company.id, request, cart_answer(2, code))
            self.assertEqual(
                (cart.state, cart.email, cart.total, cart.coupons,
                    cart.accepts_marketing, len(cart.lines)),
                ('open', 'ana@example.com', Decimal('24.20'), 'WELCOME',
                    True, 1))
            # the same cart priced again a moment later: nothing written
            written = cart.write_date
            again = Cart.record(channel.id, company.id, request, cart_answer(2, code))
            self.assertEqual((again.id, again.write_date), (cart.id, written))
            # one more unit: the same cart, its lines replaced
            cart = Cart.record(channel.id, company.id, request, cart_answer(3, code))
            self.assertEqual(Cart.search([]), [cart])
            self.assertEqual([(l.quantity, l.amount) for l in cart.lines],
                [(Decimal(3), Decimal('30.00'))])
            # no email, nothing kept
            self.assertIsNone(Cart.record(channel.id, company.id,
                    dict(request, email=None), cart_answer(1, code)))

            # 29 minutes later it is still open; 31 minutes, abandoned
            Cart.write([cart], {'last_seen': dt.datetime.now()
                    - dt.timedelta(minutes=29)})
            Cart.mark_abandoned()
            self.assertEqual(Cart(cart.id).state, 'open')
            Cart.write([cart], {'last_seen': dt.datetime.now()
                    - dt.timedelta(minutes=31)})
            Cart.mark_abandoned()
            cart = Cart(cart.id)
            self.assertEqual(cart.state, 'abandoned')
            self.assertIsNotNone(cart.abandoned_at)

            # another customer's cart (no token) is ordered at once
            other = Cart.record(channel.id, company.id, {
                    'email': 'bo@example.com', 'token': None, 'coupons': []},
                cart_answer(1, code))
            party, = pool.get('party.party').create([{'name': "Ana"}])
            first, second = pool.get('sale.sale').create([
                    {'party': party.id, 'company': company.id,
                        'currency': company.currency.id}] * 2)
            Cart.close([
                    _order(channel, first.id, '36.30', token='T1'),
                    _order(channel, second.id, '12.10',
                        email='BO@example.com')])
            cart, other = Cart(cart.id), Cart(other.id)
            self.assertEqual((cart.state, cart.sale, cart.order_total),
                ('recovered', first, Decimal('36.30')))
            self.assertEqual((other.state, other.sale), ('converted', second))
            # a token the storefront reuses after the order: kept as it was
            self.assertEqual(Cart.record(channel.id, company.id, request,
                    cart_answer(5, code)).total, Decimal('36.30'))

    @with_transaction()
    def test_closed_carts_anonymised_after_retention(self):
        "Past the company's retention a closed cart keeps only its figures"
        pool = Pool()
        Cart = pool.get('ecom.cart')
        company = create_company()
        with set_company(company):
            company.ecom_payload_retention_days = 10
            company.save()
            channel = self._channel(company)
            code = company.currency.code
            old, recent, still_open = [Cart.record(
                    channel.id, company.id, {'email': f'{n}@example.com',
                        'token': n, 'coupons': []}, cart_answer(1, code))
                for n in ['old', 'recent', 'open']]
            Cart.write([old, recent], {'state': 'abandoned'})
            Cart.write([old, still_open], {'last_seen': dt.datetime.now()
                    - dt.timedelta(days=11)})
            Cart.mark_abandoned()
            old, recent, still_open = Cart.browse(
                [old.id, recent.id, still_open.id])
            self.assertEqual((old.email, old.token, old.total),
                (None, None, Decimal('12.10')))
            self.assertEqual(recent.email, 'recent@example.com')
            # an open cart is abandoned first, anonymised next time
            self.assertEqual(
                (still_open.state, still_open.email),
                ('abandoned', 'open@example.com'))

    @with_transaction()
    def test_carts_erased_with_their_customer(self):
        """Erasing a customer blanks the carts priced for their email or on
        them, open ones too; the figures and others' carts stay"""
        pool = Pool()
        Cart = pool.get('ecom.cart')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            channel = self._channel(company)
            code = company.currency.code
            ana, = Party.create([{'name': "Ana",
                        'contact_mechanisms': [('create', [{'type': 'email',
                                        'value': 'Ana@Example.com'}])]}])
            carts = [Cart.record(channel.id, company.id, {'email': email,
                        'token': token, 'coupons': []}, cart_answer(2, code))
                for email, token in [('ana@example.com', 'T1'),
                    ('other@example.com', 'T2'), ('ANA@example.com', 'T3')]]
            Cart.write(carts[1:2], {'party': ana.id})  # ordered as Ana
            bo = Cart.record(channel.id, company.id, {
                    'email': 'bo@example.com', 'token': 'T4', 'coupons': []},
                cart_answer(1, code))

            erase(ana)
            # the wizard writes in SQL: read again what this transaction read
            Transaction().cache.clear()

            self.assertEqual(texts_found(['ana@example', 'other@example']),
                [])
            for cart in Cart.browse(carts):
                self.assertEqual((cart.email, cart.token, cart.party,
                        cart.state, cart.total, len(cart.lines)),
                    (None, None, None, 'open', Decimal('24.20'), 1))
            bo = Cart(bo.id)
            self.assertEqual((bo.email, bo.token), ('bo@example.com', 'T4'))
