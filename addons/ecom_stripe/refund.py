"""Refunds through Stripe of online orders' credit notes.

A credit note of an online order paid by Stripe (a return's, posted when
the warehouse receives the parcel, or one an accountant posts) is refunded
through Stripe by itself: an upstream refund (account.payment.stripe.refund)
of its amount, approved, created at Stripe in the queue (upstream
``stripe_create``, one commit per refund). When Stripe confirms it, the
refund is recorded as the order's gateway transaction, which pays the credit
note (ecom_orders' matching): the return is *Refunded*. Never more than the
payment has left; a credit note with nothing left to refund waits for the
accountant, and a refund Stripe refuses is *Failed* with its reason.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.model import Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .stripe_api import configure


class Refund(metaclass=PoolMeta):
    __name__ = 'account.payment.stripe.refund'

    ecom_credit_note = fields.Many2One(
        'account.invoice', "Credit Note", readonly=True,
        ondelete='RESTRICT',
        help="The credit note of the online order this refund pays.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_credit_note_unique', Unique(t, t.ecom_credit_note),
                'ecom_stripe.msg_refund_credit_note_unique'),
            ]

    @classmethod
    def copy(cls, refunds, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_credit_note', None)
        return super().copy(refunds, default=default)

    @classmethod
    def ecom_refund(cls, credit_notes):
        """Approve and queue a refund of each posted credit note of an
        online order paid by a Stripe payment, at most what it has left"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Payment = pool.get('account.payment')
        with without_check_access():
            orders = {n: Invoice._ecom_sales([n]) for n in credit_notes}
            if not any(orders.values()):
                return []
            payments = defaultdict(list)
            for payment in Payment.search([
                        ('origin', 'in', list({str(s)
                                    for sales in orders.values()
                                    for s in sales})),
                        ('state', '=', 'succeeded'),
                        ('journal.process_method', '=', 'stripe'),
                        ('stripe_payment_intent_id', '!=', None),
                        ], order=[('id', 'ASC')]):
                payments[payment.origin].append(payment)
            done = {r.ecom_credit_note for r in cls.search([
                        ('ecom_credit_note', 'in',
                            [n.id for n in credit_notes])])}
            left = {}
            to_create = []
            for note in credit_notes:
                if note in done:
                    continue
                amount = -note.total_amount
                for payment in (p for s in orders[note] for p in payments[s]):
                    if payment.currency != note.currency:
                        continue
                    if payment not in left:
                        left[payment] = payment.amount - sum(
                            (r.amount for r in payment.stripe_refunds
                                if r.state != 'failed'), Decimal(0))
                    refund = min(amount, left[payment])
                    if refund <= 0:
                        continue
                    left[payment] -= refund
                    amount -= refund
                    to_create.append({'payment': payment.id,
                            'amount': refund,
                            'reason': 'requested_by_customer',
                            'ecom_credit_note': note.id})
                    break
            if not to_create:
                return []
            refunds = cls.create(to_create)
            cls.submit(refunds)
            cls.approve(refunds)
            cls.__queue__.stripe_create(refunds)
        return refunds

    @classmethod
    def stripe_create(cls, refunds=None):
        configure()
        if refunds:
            # all locked once (upstream locks each in its loop)
            cls.lock(refunds)
        super().stripe_create(refunds)

    @classmethod
    def succeed(cls, refunds):
        Payment = Pool().get('account.payment')
        super().succeed(refunds)
        Payment.ecom_record(refunds, 'refund')
