"""From received storefront events to sales, after the webhook was answered.

``drain(database)`` processes every received event, oldest first, in
batches: one drainer per process at a time (the others return at once; the
drainer looks again before it stops). It runs after a webhook's answer, in
a queue worker's task, after *Retry* and from the cron backstop, always on a
clean transaction stack of its own.

Per order (channel + storefront order id) only the newest event counts (the
storefront's modification time, then arrival): the older ones are
*superseded*. An order without a sale goes through the intake like an API
order, but is never refused: out of stock it is held as a backorder, any
other problem puts the event in *Needs Attention* with every reason. An
order with a sale gets the newest event's status (paid, cancelled,
refunded) unless it is not newer than the last change applied.
"""
import contextlib
import logging
import random
import threading
import time
from collections import defaultdict

from trytond import backend
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .api import write
from .event_receipt import yield_to_receipts
from .intake import Intake
from .intake_format import IntakeError, decode
from .intake_result import new_items
from .intake_run import Delivery, ensure_locks, run
from .lifecycle import (
    apply_address,
    apply_status,
    is_refund,
    modified_at,
    storefront_status,
)
from .webhooks import storefront_fields, to_order

logger = logging.getLogger(__name__)
# Small batches: a batch (and the processing of its sales) holds SQLite's
# write lock, which the webhooks' answers wait for (5 s at most for
# Shopify); PostgreSQL locks rows, receipts do not wait.
BATCH = 10
SQLITE_BATCH = 3
_locks = defaultdict(threading.Lock)
# Busy events: retried by a drain of their own this many times, then by
# the cron alone.
QUICK_RETRIES = 5
_retry_timers = {}
_retry_lock = threading.Lock()
_failures = defaultdict(int)


@contextlib.contextmanager
def clean_stack():
    """No transaction of the caller's in sight (an atexit callback runs
    while its stopped transaction is still on the thread's stack)"""
    local = Transaction._local
    saved = local.transactions, local.tasks
    local.transactions, local.tasks = [], []
    try:
        yield
    finally:
        local.transactions, local.tasks = saved


def drain(database_name, retry=False):
    """Process the received events (with ``retry``, also those that found
    the database busy before); returns when none is left. A drain that
    fails (a busy database in a read, a crash) runs again a few seconds
    later, QUICK_RETRIES times in a row at most"""
    with clean_stack():
        pool = Pool(database_name)
        try:
            if not _drain(pool, retry):
                return  # another drainer has the events
        except Exception:
            logger.exception("draining the storefront events failed")
            _failures[database_name] += 1
            if _failures[database_name] <= QUICK_RETRIES:
                _schedule(database_name)
            return
        _failures[database_name] = 0
        _retry_soon(pool)


def _drain(pool, retry):
    "Whether this process drained (False: another drainer was at it)"
    lock = _locks[pool.database_name]
    seen = set()  # each event once per drain: the busy wait for cron
    while True:
        if not lock.acquire(blocking=False):
            return False
        try:
            while True:
                yield_to_receipts(pool.database_name)
                if not _batch(pool, retry, seen):
                    break
        finally:
            lock.release()
        if not _pending(pool, retry, seen):
            return True


def _retry_soon(pool):
    """Events that found the database busy (or failed unexpectedly) are
    tried again by a drain of their own a few seconds later, up to
    QUICK_RETRIES times, then by the cron only: a webhook's order does not
    wait for the next cron run, nor for a process that runs none (a loaded
    CI machine's HTTP suite waited 48 min for what was left to process;
    such an event is the likely cause)"""
    Event = pool.get('ecom.storefront.event')
    with Transaction().start(pool.database_name, 0, readonly=True):
        if Event.search([('state', '=', 'received'),
                    ('attempts', '>', 0), ('attempts', '<', QUICK_RETRIES),
                    ], limit=1):
            _schedule(pool.database_name)


def _schedule(database_name):
    "One drain (retry) of the database 1-3 s from now, if none is due"
    with _retry_lock:
        if database_name in _retry_timers:
            return
        timer = _retry_timers[database_name] = threading.Timer(
            random.uniform(1, 3), _retry_now, (database_name,))
    timer.daemon = True
    timer.start()


def _retry_now(database_name):
    with _retry_lock:
        _retry_timers.pop(database_name, None)
    drain(database_name, retry=True)


def _domain(retry, seen):
    domain = [('state', '=', 'received'), ('id', 'not in', sorted(seen))]
    if not retry:
        domain.append(('attempts', '=', 0))
    return domain


def _pending(pool, retry, seen):
    Event = pool.get('ecom.storefront.event')
    with Transaction().start(pool.database_name, 0, readonly=True):
        return bool(Event.search(_domain(retry, seen), limit=1))


def _batch(pool, retry, seen):
    "Process up to BATCH events; whether there were any"
    Event = pool.get('ecom.storefront.event')
    Sale = pool.get('sale.sale')
    with Transaction().start(pool.database_name, 0, readonly=True):
        events = Event.search(_domain(retry, seen), order=[('id', 'ASC')],
            limit=SQLITE_BATCH if backend.name == 'sqlite' else BATCH)
        if not events:
            return False
        retry_ids = {e.id for e in events}
        seen.update(retry_ids)
        plans = defaultdict(dict)  # channel -> external id -> events
        for event in events:
            plans[event.channel.id].setdefault(
                event.external_id, []).append(event.id)
        work = []
        for channel_id, orders in plans.items():
            # earlier events of these orders, still open, count too
            ids = [i for i in orders if i]
            for event in Event.search([
                        ('channel', '=', channel_id),
                        ('external_id', 'in', ids),
                        ('state', 'in', ['received', 'exception']),
                        ('id', 'not in', sorted(retry_ids)),
                        ]):
                if event.state == 'received' and event.attempts:
                    continue
                orders[event.external_id].append(event.id)
            sales = {s.ecom_external_id: s.id for s in Sale.search([
                        ('ecom_channel', '=', channel_id),
                        ('ecom_external_id', 'in', ids),
                        ])}
            for external_id, event_ids in orders.items():
                newest, *older = sorted(Event.browse(event_ids),
                    key=_recency, reverse=True)
                work.append((channel_id, external_id, newest.id,
                        [e.id for e in older], sales.get(external_id)))
    creates = defaultdict(list)
    for channel_id, external_id, newest, older, sale in work:
        if sale is None:
            creates[channel_id].append((newest, older))
        else:
            _guarded(pool, [newest], _update, pool, channel_id, newest,
                older, sale)
    for channel_id, todo in creates.items():
        _guarded(pool, [n for n, _ in todo], _create, pool, channel_id, todo)
    return True


def _guarded(pool, event_ids, func, *args):
    "func(*args); an unexpected error is logged and noted on the events"
    try:
        func(*args)
    except Exception:
        logger.exception("processing of storefront events %s failed",
            event_ids)
        Event = pool.get('ecom.storefront.event')
        with Transaction().start(pool.database_name, 0) as transaction:
            for event in Event.browse(event_ids):
                Event.write([event], {'attempts': event.attempts + 1,
                        'note': "internal error (see the server log); "
                        "retried shortly, then by the cron"})
            transaction.commit()


def _recency(event):
    return (event.modified_at or event.received_at, event.id)


# New orders -----------------------------------------------------------
def _create(pool, channel_id, todo):
    "The intake of the orders of one channel, never refused"
    Event = pool.get('ecom.storefront.event')
    Channel = pool.get('ecom.channel')
    started = time.monotonic()
    with Transaction().start(pool.database_name, 0, readonly=True):
        channel = Channel(channel_id)
        ctx = {'company': channel.company.id, 'language': 'en'}
        parsed, payloads, tags = [], [], []
        for newest, older in todo:
            event = Event(newest)
            tags.append((newest, older))
            payloads.append(event.payload)
            try:
                data = decode(event.payload.encode())
                if storefront_status(event.kind, event.topic, data) == (
                        'cancelled'):
                    raise IntakeError(409, [('status', (
                                    "the order was cancelled in the "
                                    "storefront before it became a sale"))],
                        'cancelled')
                if is_refund(event.kind, data):
                    raise IntakeError(409, [('order_id', (
                                "a refund of a storefront order that is not "
                                "a sale: take the order first (Retry its "
                                "event or pull the orders)"))], 'refunded')
                parsed.append(to_order(event.kind, data))
            except IntakeError as e:
                parsed.append(e)
        items = new_items(parsed, payloads)
        for item, tag in zip(items, tags):
            item.tag = tag
        intake = Intake(channel, backorders=True)
        with Transaction().set_context(ctx):
            goods = intake.prepare(items)
            missing = (pool.get('ecom.stock.lock').missing(
                    intake.warehouse_id, goods) if goods else None)
        kind = channel.kind
    if missing:
        ensure_locks(pool, ctx, intake.warehouse_id, missing)
    run(pool, ctx, intake, items, goods,
        Delivery(kind, None, started, record=_record_created,
            pause=lambda: yield_to_receipts(pool.database_name)))


def _record_created(items):
    "The events' states for the intake's results (same transaction)"
    pool = Pool()
    Event = pool.get('ecom.storefront.event')
    Sale = pool.get('sale.sale')
    for item in items:
        newest, older = item.tag
        result, event = item.result, Event(newest)
        if result.status == 'duplicate':
            continue  # made meanwhile: applied as a change next round
        if result.http_status == 503:
            Event.write([event], {'attempts': event.attempts + 1,
                    'note': "the database was busy; retried shortly, then by the cron"})
            continue
        if result.code == 'cancelled':
            Event.write([event], {'state': 'ignored',
                    'attempts': event.attempts + 1,
                    'note': result.errors[0][1]})
        elif result.status in {'accepted', 'on_hold'}:
            Event.write([event], {'state': 'done', 'sale': result.sale,
                    'code': None, 'errors': None,
                    'attempts': event.attempts + 1,
                    'note': (f"sale {result.number} on hold: {result.reason}"
                        if result.status == 'on_hold'
                        else f"sale {result.number} created")})
            if event.modified_at:
                Sale.write([Sale(result.sale)], {
                        'ecom_storefront_modified': event.modified_at})
        else:
            _to_exception(event, result.code, result.errors)
        _supersede(older, newest)


def _supersede(older, newest):
    if older:
        Event = Pool().get('ecom.storefront.event')
        Event.write(Event.browse(older), {'state': 'ignored',
                'note': f"superseded by the newer event {newest}"})


# Changes of existing sales ------------------------------------------
def _update(pool, channel_id, newest, older, sale_id):
    "Apply the newest event to its sale, in a transaction of its own"
    Channel = pool.get('ecom.channel')
    with Transaction().start(pool.database_name, 0, readonly=True):
        company_id = Channel(channel_id).company.id
    try:
        write(pool, company_id, _apply, pool, newest, older, sale_id)
    except (UserError, IntakeError) as error:
        errors = (error.errors if isinstance(error, IntakeError)
            else [('order', error.message)])
        write(pool, company_id, _fail, pool, newest, older, errors,
            getattr(error, 'code', 'refused'))


def _apply(pool, newest, older, sale_id):
    Event = pool.get('ecom.storefront.event')
    Sale = pool.get('sale.sale')
    event, sale = Event(newest), Sale(sale_id)
    values = {'sale': sale.id, 'attempts': event.attempts + 1,
        'code': None, 'errors': None}
    last = sale.ecom_storefront_modified
    if last and event.modified_at and event.modified_at <= last:
        values.update(state='ignored', note=(
                f"not newer than the change already applied ({last} UTC)"))
    else:
        data = decode(event.payload.encode())
        status = storefront_status(event.kind, event.topic, data)
        order = None
        if status not in {'cancelled', 'refunded'}:
            order = to_order(event.kind, data)
        notes = [apply_status(sale, status, order)]
        if order is not None and sale.state != 'cancelled':
            notes.append(apply_address(Sale(sale.id), order))
        values.update(state='done', note='; '.join(filter(None, notes)))
        if event.modified_at:
            Sale.write([sale], {'ecom_storefront_modified': event.modified_at})
    Event.write([event], values)
    _supersede(older, newest)


def _fail(pool, newest, older, errors, code):
    _to_exception(pool.get('ecom.storefront.event')(newest), code, errors)
    _supersede(older, newest)


def _to_exception(event, code, errors):
    "Into Needs Attention, every reason in the storefront's field names"
    event.__class__.write([event], {'state': 'exception', 'code': code,
            'attempts': event.attempts + 1,
            'errors': '\n'.join(f'{f}: {r}' for f, r in
                storefront_fields(event.kind, errors))})


def facts(kind, data):
    "What the event list shows of a webhook body, read before storing it"
    if not isinstance(data, dict):
        return {}
    external_id = data.get('order_id') if is_refund(kind, data) else (
        data.get('id'))
    number = data.get('number') if kind == 'woocommerce' else (
        data.get('name') or data.get('order_number'))
    return {
        'external_id': (str(external_id)[:100]
            if external_id not in (None, '') else None),
        'number': str(number)[:100] if number else None,
        'modified_at': modified_at(kind, data),
        }
