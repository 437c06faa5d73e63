"""The module's scheduled tasks (Administration > Scheduler)."""
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.storefront.event|process_pending',
                "Process Received Storefront Events"))
        cls.method.selection.append(
            ('ecom.storefront.event|purge_storefront_payloads',
                "Purge Expired Storefront Payloads"))
