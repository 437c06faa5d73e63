"""Queued tasks: the rendering of posted invoices waits for the other tasks.

Upstream queues ``account.invoice|print_invoice`` at every posting: it
renders the invoice's report (0.4 s an invoice on the demo's machine,
bench/README.md). With queue workers, a task without a scheduled time is
pulled before every scheduled one, so scheduling the rendering "now" lets
the orders waiting behind it (their shipments, invoices and payments) go
first in a flash sale; the invoices are still rendered as soon as the
queue has nothing more urgent. Without workers the task runs after the
request, as before."""
import datetime

from trytond.pool import PoolMeta

DEFERRED = {('account.invoice', 'print_invoice')}


class Queue(metaclass=PoolMeta):
    __name__ = 'ir.queue'

    @classmethod
    def push(cls, name, data, scheduled_at=None, expected_at=None):
        if scheduled_at is None and (
                data.get('model'), data.get('method')) in DEFERRED:
            scheduled_at = datetime.datetime.now()
        return super().push(name, data, scheduled_at=scheduled_at,
            expected_at=expected_at)
