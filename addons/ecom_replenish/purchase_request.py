"""A purchase request may come from a low-stock alert."""
from trytond.pool import PoolMeta


class PurchaseRequest(metaclass=PoolMeta):
    __name__ = 'purchase.request'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() | {'ecom.stock.alert'}
