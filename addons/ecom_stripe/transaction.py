"""The intake's paid and authorised orders of a Stripe gateway become
upstream payments (account.payment) of its journal."""
from trytond.pool import Pool, PoolMeta


class PaymentTransaction(metaclass=PoolMeta):
    __name__ = 'ecom.payment.transaction'

    @classmethod
    def from_orders(cls, channel, orders):
        super().from_orders(channel, orders)
        if any(g.stripe_journal for g in channel.gateways):
            Pool().get('account.payment').ecom_from_orders(channel, orders)
