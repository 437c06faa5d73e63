"""Queues of their own for the invoices' posting and rendering.

With ``[ecom] invoice_post_queue`` and ``invoice_print_queue`` set (the
production profile, deploy/production.conf), the tasks below go to those
queues, each with a worker of its own (deploy/serve.py); unset (the demo,
the tests), everything stays in the default queue. Why: docs/production.md.
"""
from trytond import config
from trytond.pool import PoolMeta

# (model, method) of a task -> the [ecom] option naming its queue
ROUTES = {
    ('account.invoice', 'ecom_post'): 'invoice_post_queue',
    ('account.invoice', 'print_invoice'): 'invoice_print_queue',
    }


def queue_of(model, method, default='default'):
    "The queue a task of model's method goes to"
    option = ROUTES.get((model, method))
    name = config.get('ecom', option, default=None) if option else None
    return name or default


class Queue(metaclass=PoolMeta):
    __name__ = 'ir.queue'

    @classmethod
    def push(cls, name, data, scheduled_at=None, expected_at=None):
        # Only what would go to the default queue: a queue named by the
        # caller stays, and a task rescheduled by the worker keeps its own.
        if name == 'default' and isinstance(data, dict):
            name = queue_of(data.get('model'), data.get('method'))
        return super().push(name, data, scheduled_at=scheduled_at,
            expected_at=expected_at)
