"""What a queue worker would do, where there is none (``[queue] worker``
off: the SQLite demo, the tests): a thread of the server's, started by the
first storefront request that queued a task, runs again every
``[ecom] late_tasks_interval`` seconds (10) the queued tasks left unfinished
for ``[ecom] late_tasks_age`` seconds (30) and processes the storefront
sales left confirmed as long.

trytond runs a request's tasks once, after its commit; ``api.run_queued``
runs the storefront's a few times more at once. A task that still fails
(on SQLite, the database locked by other writers for every try) was left
unfinished for good, and a sale whose processing it was stayed confirmed:
no shipment, no invoice (seen in clean-clone CI runs, where two test suites
share the machine). Each task or sale is tried at most ATTEMPTS times; a
task that trytond rescheduled (a copy with a ``scheduled_at``, PostgreSQL)
is left alone so that the same work is not done twice."""
import datetime as dt
import logging
import sys
import threading
import time

from trytond import config
from trytond.transaction import Transaction
from trytond.worker import run_task

logger = logging.getLogger(__name__)
ATTEMPTS = 10
MAX_AGE = dt.timedelta(days=1)
_lock = threading.Lock()
_started = set()
_tried = {}


def start(pool):
    """Start the thread of the pool's database, once a process; not with
    queue workers, nor with ``late_tasks_interval`` 0, nor in a module
    test (its scenario's sales are confirmed on purpose)"""
    if (config.getboolean('queue', 'worker', default=False)
            or not config.getint('ecom', 'late_tasks_interval', default=10)
            or 'trytond.tests.test_tryton' in sys.modules):
        return
    with _lock:
        if pool.database_name in _started:
            return
        _started.add(pool.database_name)
    threading.Thread(target=_loop, args=(pool,), daemon=True,
        name=f'ecom-late-tasks-{pool.database_name}').start()


def _loop(pool):
    while True:
        time.sleep(config.getint('ecom', 'late_tasks_interval', default=10))
        try:
            sweep(pool)
        except Exception:
            logger.exception("late tasks of %s", pool.database_name)


def _try(key):
    "Whether key may be tried once more (counted)"
    with _lock:
        count = _tried[key] = _tried.get(key, 0) + 1
    if count == ATTEMPTS:
        logger.error("%s %s still left behind after %d tries; given up",
            *key, ATTEMPTS)
    return count <= ATTEMPTS


def _process(pool, company_id, ids):
    """Process the sales of the company in the routes' retrying writing
    transaction (``api.transact``: the sales' lock, conflicts retried);
    what still fails is tried again at the next sweep"""
    from .api import transact  # api imports this module
    Sale = pool.get('sale.sale')
    try:
        transact(pool, {'company': company_id, '_skip_warnings': True},
            lambda: Sale.process(Sale.browse(ids)))
    except Exception:
        logger.warning("processing sales %s failed", ids, exc_info=True)


def _run_queued_here(pool):
    "Run the tasks queued by this thread's transactions (trytond keeps them)"
    tasks = Transaction().tasks
    while tasks:
        run_task(pool, tasks.pop())


def sweep(pool, age=None):
    """Run the tasks and process the sales left behind for age seconds
    (``[ecom] late_tasks_age``); return their ids: (task ids, sale ids)"""
    if age is None:
        age = config.getint('ecom', 'late_tasks_age', default=30)
    Queue = pool.get('ir.queue')
    Sale = pool.get('sale.sale')
    now = dt.datetime.now()
    oldest = now - dt.timedelta(seconds=age)
    with Transaction().start(pool.database_name, 0, readonly=True):
        tasks = [t.id for t in Queue.search([
                    ('finished_at', '=', None), ('dequeued_at', '=', None),
                    ('scheduled_at', '=', None),
                    ('enqueued_at', '<', oldest),
                    ('enqueued_at', '>', now - MAX_AGE)],
                order=[('id', 'ASC')], limit=100)]
    tasks = [i for i in tasks if _try(('task', i))]
    for task_id in tasks:
        logger.warning("task %s left unfinished; run again", task_id)
        run_task(pool, task_id)
        _run_queued_here(pool)
    with Transaction().start(pool.database_name, 0, readonly=True):
        sales = {}
        for sale in Sale.search([('state', '=', 'confirmed'),
                    ('ecom_channel', '!=', None),
                    ('write_date', '<', oldest),
                    ('write_date', '>', now - MAX_AGE)],
                order=[('id', 'ASC')], limit=200):
            if sale.process_after and sale.write_date + sale.process_after > now:
                continue
            if _try(('sale', sale.id)):
                sales.setdefault(sale.company.id, []).append(sale.id)
    for company_id, ids in sales.items():
        logger.warning("sales %s left confirmed; processed", ids)
        _process(pool, company_id, ids)
        _run_queued_here(pool)
    return tasks, sorted(i for ids in sales.values() for i in ids)
