"""The module's scheduled tasks (Administration > Scheduler)."""
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ecom.customer.segment|refresh_all',
                    "Refresh Customer Segments"),
                ])
