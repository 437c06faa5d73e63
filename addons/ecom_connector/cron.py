"""The module's scheduled task (Administration > Scheduler)."""
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.channel|ecom_sync_all',
                "Synchronise Storefronts (orders, stock, fulfilments)"))
