"Stripe payments of online orders: recorded, captured, refused, each once"
import datetime
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch

from trytond import config
from trytond.model.exceptions import DomainValidationError
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.tests.tools import create_channel
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..stripe_api import STRIPE_API_BASE, api_base
from .stripe_simulator import Simulator


def _order(external_id, state, reference, total='121.00', method='stripe'):
    "What the intake read of a storefront's order, as from_orders takes it"
    return SimpleNamespace(external_id=external_id, payment_state=state,
        payment_reference=reference, payment_method=method,
        total=Decimal(total))


class EcomStripeTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce Stripe payments module"
    module = 'ecom_stripe'

    def setUp(self):
        super().setUp()
        self.stripe = Simulator()
        self.stripe.configure()

    def tearDown(self):
        self.stripe.stop()
        config.set('ecom_stripe', 'api_base', STRIPE_API_BASE)
        super().tearDown()

    def test_api_base(self):
        "Stripe's own address unless the configuration names another"
        self.assertEqual(api_base(), self.stripe.api_base)
        config.set('ecom_stripe', 'api_base', STRIPE_API_BASE)
        self.assertEqual(api_base(), 'https://api.stripe.com')

    def _shop(self, company):
        "A channel whose gateway 'stripe' is the shop's Stripe journal"
        pool = Pool()
        Account = pool.get('account.payment.stripe.account')
        Journal = pool.get('account.payment.journal')
        Gateway = pool.get('ecom.channel.gateway')
        Method = pool.get('account.invoice.payment.method')
        AccountJournal = pool.get('account.journal')
        account, = Account.create([{'name': "Shop",
                    'secret_key': self.stripe.secret_key,
                    'publishable_key': 'pk_test_shop'}])
        journal, = Journal.create([{'name': "Stripe", 'company': company.id,
                    'currency': company.currency.id,
                    'process_method': 'stripe',
                    'stripe_account': account.id}])
        channel = create_channel()
        create_chart(company)
        cash, = AccountJournal.search([('type', '=', 'cash')], limit=1)
        account, = pool.get('account.account').search(
            [('code', '=', '1.1.1')])
        method, = Method.create([{'name': "Stripe", 'company': company.id,
                    'journal': cash.id, 'credit_account': account.id,
                    'debit_account': account.id}])
        Gateway.create([{'channel': channel.id, 'code': 'stripe',
                    'payment_method': method.id,
                    'stripe_journal': journal.id}])
        return channel, journal

    def _sales(self, company, channel, *external_ids):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        party, = Party.create([{'name': "Marta",
                    'addresses': [('create', [{}])]}])
        return Sale.create([{'company': company.id, 'party': party.id,
                    'invoice_address': party.addresses[0].id,
                    'shipment_address': party.addresses[0].id,
                    'currency': company.currency.id,
                    'ecom_channel': channel.id, 'ecom_external_id': e,
                    'sale_date': datetime.date.today(),
                    'ecom_ordered_at': datetime.datetime.now(),
                    } for e in external_ids])

    @with_transaction()
    def test_gateway_journal_must_be_stripe(self):
        "A journal not processed by Stripe is refused, naming the field"
        pool = Pool()
        Journal = pool.get('account.payment.journal')
        Gateway = pool.get('ecom.channel.gateway')
        company = create_company()
        with set_company(company):
            channel, _ = self._shop(company)
            manual, = Journal.create([{'name': "Bank transfers",
                        'company': company.id,
                        'currency': company.currency.id,
                        'process_method': 'manual'}])
            gateway, = channel.gateways
            with self.assertRaises(DomainValidationError) as refused:
                Gateway.write([gateway], {'stripe_journal': manual.id})
            # (the request's transaction is rolled back: nothing written)
            self.assertIn('"Stripe Journal"', refused.exception.message)

    @with_transaction()
    def test_orders_recorded_once(self):
        """Authorised and paid PaymentIntents of the Stripe gateway become
        payments; the rest are the storefront's; a second report nothing"""
        pool = Pool()
        Payment = pool.get('account.payment')
        Transaction_ = pool.get('ecom.payment.transaction')
        company = create_company()
        with set_company(company):
            channel, journal = self._shop(company)
            sales = self._sales(company, channel, 'A', 'P', 'C', 'N', 'O')
            orders = [
                _order('A', 'authorized', 'pi_A'),
                _order('P', 'paid', 'pi_P', '50.00'),
                _order('C', 'authorized', 'ch_C'),  # not a PaymentIntent
                _order('N', 'pending', 'pi_N'),
                _order('O', 'authorized', 'pi_O', method='paypal'),
                ]
            Transaction_.from_orders(channel, list(zip(sales, orders)))
            payments = Payment.search([], order=[('id', 'ASC')])
            self.assertEqual([(p.ecom_sale, p.stripe_payment_intent_id,
                        p.state, p.amount, p.stripe_capture,
                        p.stripe_captured, p.journal, p.kind)
                    for p in payments], [
                    (sales[0], 'pi_A', 'processing', Decimal('121.00'),
                        False, False, journal, 'receivable'),
                    (sales[1], 'pi_P', 'succeeded', Decimal('50.00'),
                        True, True, journal, 'receivable'),
                    ])
            self.assertEqual(Payment.search([('ecom_sale', '=', sales[0])]),
                payments[:1])
            Payment.ecom_from_orders(channel, list(zip(sales, orders)))
            self.assertEqual(Payment.search_count([]), 2)

    @with_transaction()
    def test_capture_when_shipped(self):
        """Capturing an authorised payment reaches Stripe once for what the
        order is due, makes it succeed and records the order's capture; an
        expired authorisation fails it with Stripe's reason, nothing
        recorded"""
        pool = Pool()
        Payment = pool.get('account.payment')
        Sale = pool.get('sale.sale')
        Transaction_ = pool.get('ecom.payment.transaction')
        company = create_company()
        with set_company(company):
            channel, _ = self._shop(company)
            ok, late = self._sales(company, channel, 'A', 'B')
            pi_ok = self.stripe.authorize(Decimal('121.00'))
            pi_late = self.stripe.authorize(Decimal('30.00'))
            self.stripe.expire(pi_late)
            Payment.ecom_from_orders(channel, [
                    (ok, _order('A', 'authorized', pi_ok)),
                    (late, _order('B', 'authorized', pi_late, '30.00'))])
            # a line of 9.09 + 21% VAT was taken out of the order since
            Sale.write([ok], {'state': 'processing',
                    'untaxed_amount_cache': Decimal('90.91'),
                    'tax_amount_cache': Decimal('19.09'),
                    'total_amount_cache': Decimal('110.00')})
            payments = Payment.ecom_capture([ok, late])
            self.assertEqual(len(payments), 2)
            # queued; run here as the queue would, without its commit
            # after each payment (the test's transaction is rolled back)
            with patch.object(Transaction, 'commit'):
                Payment.stripe_capture_(payments)
            paid, failed = Payment.browse(payments)
            self.assertEqual((paid.state, paid.stripe_captured),
                ('succeeded', True))
            self.assertEqual(failed.state, 'failed')
            self.assertEqual(failed.stripe_error_code,
                'payment_intent_unexpected_state')
            self.assertIn("status of canceled", failed.stripe_error_message)
            capture, = Transaction_.search([])
            self.assertEqual((capture.kind, capture.reference, capture.sale,
                    capture.amount, capture.gateway.code, capture.state),
                ('capture', pi_ok, ok, Decimal('110.00'), 'stripe',
                    'waiting'))
            # Stripe charged what is due and released the rest
            self.assertEqual(
                self.stripe.intents[pi_ok]['amount_received'], 11000)
            self.assertEqual(paid.amount, Decimal('110.00'))
            # shipped again (a second shipment): nothing more to capture
            self.assertEqual(Payment.ecom_capture([ok, late]), [])
            calls = len(self.stripe.calls)
            Payment.succeed([paid])
            self.assertEqual(Transaction_.search_count([]), 1)
            self.assertEqual(len(self.stripe.calls), calls)

    @with_transaction()
    def test_release_when_cancelled(self):
        """A cancelled order's authorisation is cancelled at Stripe, once;
        a captured one is not touched"""
        pool = Pool()
        Payment = pool.get('account.payment')
        Sale = pool.get('sale.sale')
        Queue = pool.get('ir.queue')
        company = create_company()
        with set_company(company):
            channel, _ = self._shop(company)
            held, paid = self._sales(company, channel, 'A', 'B')
            pi_held = self.stripe.authorize(Decimal('121.00'))
            pi_paid = self.stripe.authorize(Decimal('10.00'), capture=True)
            Payment.ecom_from_orders(channel, [
                    (held, _order('A', 'authorized', pi_held)),
                    (paid, _order('B', 'paid', pi_paid, '10.00'))])
            Sale.write([held, paid], {'state': 'cancelled'})
            task, = Queue.search([])
            self.assertEqual((task.data['model'], task.data['method']),
                ('account.payment', 'ecom_cancel_intent'))
            released = Payment.browse(task.data['instances'])
            self.assertEqual([p.ecom_sale for p in released], [held])
            with patch.object(Transaction, 'commit'):
                Payment.ecom_cancel_intent(released)
            payment, = Payment.browse(released)
            self.assertEqual((payment.state, payment.stripe_error_code),
                ('failed', 'canceled'))
            self.assertEqual(payment.stripe_error_message,
                f'Released at Stripe: order "{held.rec_name}" was cancelled.')
            intent = self.stripe.intents[pi_held]
            self.assertEqual(
                (intent['status'], intent['cancellation_reason']),
                ('canceled', 'abandoned'))
            self.assertEqual(
                self.stripe.intents[pi_paid]['status'], 'succeeded')
            calls = len(self.stripe.calls)
            with patch.object(Transaction, 'commit'):
                Payment.ecom_cancel_intent(released)
            self.assertEqual(len(self.stripe.calls), calls)


del ModuleTestCase
