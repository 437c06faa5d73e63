"""Run the intake of prepared orders: lock, write (api.transact retries), log.

Used by the synchronous order API (routes.py) and by the processing of
storefront events (event_process.py). A ``Delivery`` says what the results
are logged as and, with ``record(items)``, what else is written in the same
transaction as the sales (the events' states), so that a sale and what
records it commit together.
"""
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from trytond.exceptions import UserError
from trytond.transaction import Transaction

from .api import run_queued, transact
from .intake import Intake
from .intake_format import IntakeError
from .intake_result import Result
from .stock import is_retryable

logger = logging.getLogger(__name__)
RETRY_SECONDS = 60
LOCK_SECONDS = 5


@dataclass
class Delivery:
    "How the orders arrived, for the log, and what records their results"
    kind: str
    remote_addr: str | None
    started: float
    record: Callable | None = None
    # called before each task run after the commit (the sales' processing):
    # where the webhooks' drainer lets waiting receipts write first
    pause: Callable | None = None


def ensure_locks(pool, ctx, warehouse_id, product_ids):
    "The stock lock rows of the products, created in their own transaction"
    Lock = pool.get('ecom.stock.lock')
    try:
        transact(pool, ctx, functools.partial(
                Lock.ensure, warehouse_id, product_ids), LOCK_SECONDS)
    except Exception as e:
        # still conflicting: the intake's own transaction creates them
        if not is_retryable(e):
            raise


def run(pool, ctx, intake, items, goods, delivery):
    "Create the sales and log, retrying on conflicts; split on errors"
    pending = Intake.pending(items)
    written = {}  # item -> sale numbers an earlier attempt of ours wrote

    def attempt():
        for item in pending:
            if item.result.status in {'accepted', 'on_hold'}:
                written.setdefault(id(item), set()).add(item.result.number)
            item.result = Result(
                external_id=item.order.external_id, status='pending',
                http_status=0, payload=item.result.payload)
            item.first = None
        if pending:
            intake.run(items, goods)
        # An attempt that failed while committing may have been committed
        # all the same: its sales are ours, not duplicates, and they are
        # logged already.
        ours = [i for i in pending if i.result.status == 'duplicate'
            and i.result.number in written.get(id(i), ())]
        for item in ours:
            item.result.status, item.result.http_status = ('accepted', 201)
        _write_log(pool, intake.channel_id,
            [i.result for i in items if i not in ours], delivery)
        if delivery.record:
            delivery.record(items)

    try:
        _, tasks = transact(pool, ctx, attempt, RETRY_SECONDS)
    except Exception as e:  # noqa: BLE001 (re-raised below if unknown)
        failure = e
    else:
        while tasks:
            if delivery.pause:
                delivery.pause()
            run_queued(pool, tasks.pop())
        return
    refused = (isinstance(failure, UserError)
        and not is_retryable(failure))
    if refused and len(pending) > 1:
        # One bad order must not sink the batch.
        for item in pending:
            run(pool, ctx, intake, [item], goods, delivery)
        others = [i for i in items if i not in pending]
        if others:
            log(pool, intake.channel_id, [i.result for i in others],
                delivery, others)
        return
    if refused:
        error = IntakeError(422, [('order', failure.message)])
    elif is_retryable(failure):
        error = IntakeError(503, [('order',
                    "too many concurrent orders; retry later")], 'busy')
    else:
        raise failure
    for item in pending:
        item.result.reject(error)
    log(pool, intake.channel_id, [i.result for i in items], delivery,
        items)


def _write_log(pool, channel, results, delivery):
    Log = pool.get('ecom.intake.log')
    Channel = pool.get('ecom.channel')
    if isinstance(channel, int):
        channel = Channel(channel) if Channel.search(
            [('id', '=', channel)]) else None
    Log.write_results(channel, delivery.kind, results, delivery.remote_addr,
        round((time.monotonic() - delivery.started) * 1000, 1))


def log(pool, channel, results, delivery, items=None):
    """Log refused requests in a transaction of their own (and record the
    items, if any, with the delivery's record)"""
    channel_id = channel.id if hasattr(channel, 'id') else channel
    with Transaction().start(pool.database_name, 0) as transaction, \
            Transaction().set_context(active_test=False):
        _write_log(pool, channel_id, results, delivery)
        if items and delivery.record:
            delivery.record(items)
        transaction.commit()
