"""A cancelled order's card authorisation is released (payment.py)."""
from trytond.pool import Pool, PoolMeta


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def write(cls, *args):
        # the storefront's cancellation writes the state (ecom_orders'
        # lifecycle), the back office's through the workflow: both here
        cancelled = [s for records, values in zip(args[::2], args[1::2])
            if values.get('state') == 'cancelled' for s in records]
        super().write(*args)
        cancelled = [s for s in cancelled if s.ecom_channel]
        if cancelled:
            Pool().get('account.payment').ecom_release(cancelled)
