"""Stripe payments of online orders (upstream account.payment).

The storefront's checkout creates the PaymentIntent (Stripe.js); the intake
records it as a payment of the gateway's Stripe journal, the order as its
origin: an authorised one in *Processing*, to capture, a paid one
*Succeeded*, to refund from. When the order's first shipment is done its
capture is queued (upstream ``stripe_capture_``, one commit per payment);
once Stripe confirms it the payment succeeds and its capture is recorded as
the order's gateway transaction, which pays the invoice (ecom_orders'
matching). A capture Stripe refuses fails the payment with Stripe's reason:
*E-commerce > Orders > Card Payments*, tab *Failed*. An order edited down
before it ships is charged what it is due (Stripe releases the rest); a
cancelled order's authorisation is released at once (the PaymentIntent is
cancelled), not left to lapse.
"""
import datetime
import logging

import stripe
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.account_payment_stripe.payment import STRIPE_VERSION
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .stripe_api import configure

logger = logging.getLogger(__name__)


class Payment(metaclass=PoolMeta):
    __name__ = 'account.payment'

    ecom_sale = fields.Function(fields.Many2One(
            'sale.sale', "Order"), 'get_ecom_sale',
        searcher='search_ecom_sale')

    @classmethod
    def _get_origin(cls):
        origins = super()._get_origin()
        return origins + [m for m in ['sale.sale'] if m not in origins]

    def get_ecom_sale(self, name):
        Sale = Pool().get('sale.sale')
        if isinstance(self.origin, Sale) and self.origin.ecom_channel:
            return self.origin.id

    @classmethod
    def search_ecom_sale(cls, name, clause):
        nested = clause[0][len(name):]
        return [('origin' + (nested or '.id'), *clause[1:3], 'sale.sale')]

    @classmethod
    def ecom_from_orders(cls, channel, orders):
        """A payment for each (sale, storefront order) authorised or paid
        by a PaymentIntent of a gateway with a Stripe journal in the
        order's currency; one recorded already is left as it is"""
        pool = Pool()
        Group = pool.get('account.payment.group')
        today = pool.get('ir.date').today()
        todo = []
        for sale, order in orders:
            reference = order.payment_reference or ''
            if (order.payment_state not in {'authorized', 'paid'}
                    or not reference.startswith('pi_')):
                continue
            gateway = channel.gateway(order.payment_method)
            journal = gateway.stripe_journal if gateway else None
            if journal and journal.currency == sale.currency:
                todo.append((journal, sale, order))
        if not todo:
            return []
        with without_check_access():
            known = {p.stripe_payment_intent_id for p in cls.search([
                        ('stripe_payment_intent_id', 'in',
                            [o.payment_reference for _, _, o in todo]),
                        ])}
            todo = [t for t in todo if t[2].payment_reference not in known]
            groups = {j: Group(journal=j, kind='receivable', company=j.company)
                for j in {j for j, _, _ in todo}}
            Group.save(list(groups.values()))
            return cls.create([{
                        'company': journal.company.id,
                        'journal': journal.id, 'kind': 'receivable',
                        'party': sale.party.id, 'amount': order.total,
                        'date': sale.sale_date or today,
                        'origin': str(sale),
                        'reference': order.external_id,
                        'group': groups[journal].id,
                        'stripe_payment_intent_id': order.payment_reference,
                        'stripe_capture': order.payment_state == 'paid',
                        'stripe_captured': order.payment_state == 'paid',
                        'stripe_capturable': (
                            order.payment_state == 'authorized'),
                        'state': ('succeeded' if order.payment_state == 'paid'
                            else 'processing'),
                        } for journal, sale, order in todo])

    @classmethod
    def _ecom_held(cls, sales):
        "The Stripe payments of these orders authorised, not captured"
        return [p for p in cls.search([
                    ('origin', 'in', [str(s) for s in sales]),
                    ('state', '=', 'processing'),
                    ('journal.process_method', '=', 'stripe'),
                    ('stripe_payment_intent_id', '!=', None),
                    ('stripe_captured', '=', False),
                    ]) if p.ecom_sale]

    @classmethod
    def ecom_capture(cls, sales):
        """Queue the capture of the authorised Stripe payments of these
        orders (the shipment is done: the goods left)"""
        with without_check_access():
            payments = [p for p in cls._ecom_held(sales)
                if not p.stripe_capture]
            if payments:
                # an order edited down since (a line removed) is charged
                # what it is due now; Stripe releases the rest
                for payment in payments:
                    due = payment.ecom_sale.total_amount
                    if 0 < due < payment.amount:
                        payment.amount = due
                    payment.stripe_capture = True
                cls.save(payments)
                cls.__queue__.stripe_capture_(payments)
        return payments

    @classmethod
    def ecom_release(cls, sales):
        """Queue the release of the authorisations of these cancelled
        orders: the customer's money is no longer held"""
        with without_check_access():
            payments = cls._ecom_held(sales)
            if payments:
                cls.__queue__.ecom_cancel_intent(payments)
        return payments

    @classmethod
    def ecom_cancel_intent(cls, payments):
        """Cancel the PaymentIntents at Stripe (one commit per payment, as
        upstream's calls): the payments fail, released; Stripe's refusal
        is kept on the payment"""
        configure()
        if payments:
            cls.lock(payments)
        for payment in payments:
            payment = cls(payment.id)
            if (payment.state != 'processing' or payment.stripe_captured
                    or payment.journal.process_method != 'stripe'):
                continue
            payment.lock()
            try:
                stripe.PaymentIntent.cancel(
                    payment.stripe_payment_intent_id,
                    api_key=payment.journal.stripe_account.secret_key,
                    stripe_version=STRIPE_VERSION,
                    cancellation_reason='abandoned',
                    idempotency_key=(
                        f'cancel-{payment.stripe_idempotency_key}'))
            except (stripe.RateLimitError, stripe.APIConnectionError) as e:
                logger.warning(str(e))
                continue
            except stripe.StripeError as e:
                payment.stripe_error_message = str(e)
                payment.stripe_error_code = e.code
                payment.save()
            else:
                payment.stripe_error_message = gettext(
                    'ecom_stripe.msg_released', order=payment.ecom_sale.rec_name)
                payment.stripe_error_code = 'canceled'
                payment.save()
                cls.fail([payment])
            Transaction().commit()

    @classmethod
    def stripe_capture_(cls, payments=None):
        configure()
        if payments:
            # all locked once: upstream locks each in its loop, and a
            # worker restarts the task for each record not locked yet
            cls.lock(payments)
        super().stripe_capture_(payments)
        # Stripe captured them: their charge makes them succeed (upstream
        # stripe_update), then their captures are recorded in one batch.
        captured = cls.search([
                ('state', '=', 'processing'),
                ('journal.process_method', '=', 'stripe'),
                ('stripe_captured', '=', True),
                ('origin', 'like', 'sale.sale,%'),
                ('id', 'in', [p.id for p in payments])
                if payments is not None else
                ('company', '=', Transaction().context.get('company')),
                ])
        with Transaction().set_context(_ecom_record_later=True):
            for payment in captured:
                # a fresh record each: stripe_update saves it
                cls.stripe_pull([cls(payment.id)])
        cls.ecom_record(cls.search([
                    ('id', 'in', [p.id for p in captured]),
                    ('state', '=', 'succeeded'),
                    ]), 'capture')

    @classmethod
    def stripe_pull(cls, payments):
        configure()
        super().stripe_pull(payments)

    @classmethod
    def succeed(cls, payments):
        super().succeed(payments)
        if not Transaction().context.get('_ecom_record_later'):
            cls.ecom_record(payments, 'capture')

    @classmethod
    def ecom_record(cls, records, kind):
        """Record the Stripe payments or refunds of online orders as their
        gateway transactions, reconciled with the invoices or credit notes
        (ecom_orders); each once"""
        pool = Pool()
        Transaction_ = pool.get('ecom.payment.transaction')
        values = []
        now = datetime.datetime.now()
        for record in records:
            payment = record if kind == 'capture' else record.payment
            sale = payment.ecom_sale
            reference = (payment.stripe_payment_intent_id
                if kind == 'capture' else record.stripe_refund_id)
            gateway = next((g for g in sale.ecom_channel.gateways
                    if g.stripe_journal == payment.journal), None) if (
                sale) else None
            if not gateway or not reference:
                continue
            values.append({
                    'company': sale.company.id,
                    'channel': sale.ecom_channel.id, 'kind': kind,
                    'reference': reference,
                    'external_order': sale.ecom_external_id,
                    'sale': sale.id, 'gateway': gateway.id,
                    'gateway_code': gateway.code, 'amount': record.amount,
                    'currency': payment.currency.id, 'date': now,
                    })
        if not values:
            return
        with without_check_access():
            known = {(t.channel.id, t.reference) for t in Transaction_.search([
                        ('kind', '=', kind),
                        ('reference', 'in', [v['reference'] for v in values]),
                        ])}
            values = [v for v in values
                if (v['channel'], v['reference']) not in known]
            if values:
                Transaction_.reconcile(Transaction_.create(values))
