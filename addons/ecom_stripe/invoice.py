"""A posted credit note of an online order paid by Stripe is refunded
through Stripe (refund.py)."""
from trytond.pool import Pool, PoolMeta


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _post(cls, invoices):
        Refund = Pool().get('account.payment.stripe.refund')
        super()._post(invoices)
        credit_notes = [i for i in invoices
            if i.type == 'out' and i.total_amount < 0]
        if credit_notes:
            Refund.ecom_refund(credit_notes)
