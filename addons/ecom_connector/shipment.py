from trytond.model import fields
from trytond.pool import PoolMeta


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_fulfilment_pushed = fields.Boolean(
        "Fulfilment Pushed", readonly=True,
        help="The storefront was told the shipment left, with its tracking.")

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_fulfilment_pushed', False)
        return super().copy(shipments, default=default)
