"""Online orders on account of B2B customers meet their credit limit."""
from trytond.modules.ecom_orders.exceptions import OrderRefused
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .credit import over_limit


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def must_check_credit_limit(self):
        # A paid storefront order gives no credit; the intake checked the
        # others itself (ecom_intake_hold). Staff confirming a held order
        # meet upstream's check (members of Credit Limit: a warning).
        if getattr(self, 'ecom_channel', None) and (
                getattr(self, 'ecom_payment_state', None) == 'paid'
                or Transaction().context.get('ecom_intake')):
            return False
        return super().must_check_credit_limit()

    def ecom_intake_hold(self, order, refuse, batch):
        hold = super().ecom_intake_hold(order, refuse, batch)
        if hold or getattr(self, 'ecom_payment_state', None) == 'paid' \
                or not self.must_check_credit_limit():
            return hold
        party = getattr(self, 'invoice_party', None) or self.party
        amount = self.credit_limit_amount
        taken = batch.setdefault('ecom_b2b_credit', {})
        reason = over_limit(
            party, self.company, amount, taken.get(party.id, 0))
        if reason is None:
            if party.id is not None:
                taken[party.id] = taken.get(party.id, 0) + amount
            return None
        if refuse:
            raise OrderRefused([('customer', reason)], 'credit_limit')
        return "Credit limit: " + reason
