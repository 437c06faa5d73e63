"""The production profile's queues of their own (queue.py)."""
from trytond import config
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


class QueueMixin:

    @with_transaction()
    def test_invoice_tasks_routed_when_configured(self):
        """Posting and rendering tasks go to the configured queues; every
        other task, a queue named by the caller and an unconfigured
        profile stay as they were"""
        pool = Pool()
        Queue = pool.get('ir.queue')

        def queued(name, model, method):
            return Queue(Queue.push(name, {'model': model, 'method': method,
                        'instances': [], 'args': [], 'kwargs': {},
                        'user': 0, 'context': {}})).name
        cases = [
            ('default', 'account.invoice', 'ecom_post'),
            ('default', 'account.invoice', 'print_invoice'),
            ('default', 'account.invoice', 'process'),
            ('default', 'sale.sale', 'process'),
            ('mine', 'account.invoice', 'print_invoice'),
            ]
        self.assertEqual([queued(*c) for c in cases],
            ['default', 'default', 'default', 'default', 'mine'])
        added = not config.has_section('ecom')
        if added:
            config.add_section('ecom')
        options = ['invoice_post_queue', 'invoice_print_queue']
        before = [config.get('ecom', o) for o in options]
        try:
            for option in options:
                config.set('ecom', option, option.rsplit('_', 1)[0])
            self.assertEqual([queued(*c) for c in cases],
                ['invoice_post', 'invoice_print', 'default', 'default',
                    'mine'])
        finally:
            for option, value in zip(options, before):
                config.set('ecom', option, value or '')
            if added:
                config.remove_section('ecom')
