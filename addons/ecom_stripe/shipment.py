"""The goods left: the order's authorised Stripe payment is captured
(payment.py)."""
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    @ModelView.button
    def do(cls, shipments):
        Payment = Pool().get('account.payment')
        super().do(shipments)
        with without_check_access():
            sales = {s for shipment in cls.browse(shipments)
                for s in shipment.ecom_sales() if s.ecom_channel}
        if sales:
            Payment.ecom_capture(list(sales))
