"""HTTP receivers of the order intake (served by trytond itself).

POST /<db>/ecom/v1/channels/<id>/orders        generic JSON, Bearer API key
POST /<db>/ecom/v1/channels/<id>/orders/batch  {"orders": [...]}, same key
POST /<db>/ecom/v1/channels/<id>/woocommerce   order.created webhook
POST /<db>/ecom/v1/channels/<id>/shopify       orders/create webhook
GET  /ecom/v1/openapi.json                     the OpenAPI 3 description
"""
import json
import logging
import os
import random
import time

from trytond.exceptions import UserError
from trytond.protocols.wrappers import Response, set_max_request_size, with_pool
from trytond.transaction import Transaction
from trytond.worker import run_task
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from .api import Refused, authenticate, response
from .intake import Intake
from .intake_format import IntakeError, decode
from .intake_result import Result, new_items
from .stock import is_retryable
from .webhooks import to_order

logger = logging.getLogger(__name__)
MAX_BODY = 1 << 20
MAX_BATCH_BODY = 16 << 20
MAX_BATCH = 500
RETRY_SECONDS = 60
TOPICS = {
    'woocommerce': ('X-WC-Webhook-Topic', 'order.created'),
    'shopify': ('X-Shopify-Topic', 'orders/create'),
    }
OPENAPI = os.path.join(os.path.dirname(__file__), 'openapi.json')


@app.route('/ecom/v1/openapi.json', methods={'GET'})
def openapi(request):
    with open(OPENAPI, 'rb') as f:
        return Response(f.read(), content_type='application/json')


RECEIVERS = [
    # path under /<db>/ecom/v1/channels/<id>/, format, batch, body limit
    ('orders', 'generic', False, MAX_BODY),
    ('orders/batch', 'generic', True, MAX_BATCH_BODY),
    ('woocommerce', 'woocommerce', False, MAX_BODY),
    ('shopify', 'shopify', False, MAX_BODY),
    ]


def _receiver(kind, batch, max_size):
    @set_max_request_size(max_size)
    def receiver(request, pool, channel_id):
        return receive(request, pool, channel_id, kind, batch=batch)
    receiver.__name__ = f'ecom_{kind}_{"batch" if batch else "order"}'
    return with_pool(receiver)


for _path, _kind, _batch, _size in RECEIVERS:
    app.route(
        f'/<database_name>/ecom/v1/channels/<int:channel_id>/{_path}',
        methods={'POST'})(_receiver(_kind, _batch, _size))


def receive(request, pool, channel_id, kind, batch=False):
    "Answer JSON whatever happens: storefronts do not read HTML errors"
    try:
        return _receive(request, pool, channel_id, kind, batch)
    except Exception:
        logger.exception("intake of channel %s failed", channel_id)
        return response(500, {'status': 'error', 'code': 'server_error',
                'errors': [{'field': 'order', 'reason': "internal error; "
                        "the order was not recorded, retry later"}]})


def _receive(request, pool, channel_id, kind, batch):
    start = time.monotonic()
    db = pool.database_name
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        body = None
    try:
        if body is None:
            raise Refused(IntakeError(413, [('body', ("is larger than "
                            f"{request.max_content_length} bytes"))],
                    'too_large'), payload='[body not read: too large]')
        if kind in TOPICS:
            header, topic = TOPICS[kind]
            if body.startswith(b'webhook_id='):
                return response(200, {'status': 'ping'})
            if request.headers.get(header, topic) != topic:
                return response(200, {'status': 'ignored',
                        'reason': f"{header} is not {topic!r}"})
        text = body.decode('utf-8', 'replace')
        with Transaction().start(db, 0, readonly=True):
            channel = authenticate(pool, channel_id, kind, request, body)
            ctx = {'company': channel.company.id, 'language': 'en'}
            data = decode(body)
            orders = _orders(data, batch)
            payloads = ([json.dumps(o, default=str) for o in orders]
                if batch else [text])
            parsed = []
            for order in orders:
                try:
                    parsed.append(to_order(kind, order))
                except IntakeError as e:
                    parsed.append(e)
            items = new_items(parsed, payloads)
            intake = Intake(channel)
            with Transaction().set_context(ctx):
                goods = intake.prepare(items)
                StockLock = pool.get('ecom.stock.lock')
                missing = (StockLock.missing(intake.warehouse_id, goods)
                    if goods else None)
    except Refused as refused:
        result = Result(external_id=None, payload=refused.payload or (
                body or b'').decode('utf-8', 'replace'))
        result.reject(refused.error)
        _log(pool, refused.channel, kind, [result], request, start)
        return response(result.http_status, result.as_json())
    except IntakeError as error:
        result = Result(external_id=None, payload=text).reject(error)
        _log(pool, channel_id, kind, [result], request, start)
        return response(result.http_status, result.as_json())

    if missing:
        _ensure_locks(pool, ctx, intake.warehouse_id, missing)
    _run(pool, ctx, intake, items, goods, kind, request, start)
    if batch:
        return response(200, {'results': [
                    dict(i.result.as_json(), http_status=i.result.http_status)
                    for i in items]})
    result = items[0].result
    return response(result.http_status, result.as_json())


def _orders(data, batch):
    if not batch:
        return [data]
    orders = data.get('orders') if isinstance(data, dict) else None
    if not isinstance(orders, list) or not orders:
        raise IntakeError(422, [('orders', "must be a non-empty list")])
    if len(orders) > MAX_BATCH:
        raise IntakeError(422, [('orders',
                    f"has {len(orders)} orders, at most {MAX_BATCH}")])
    return orders


def _ensure_locks(pool, ctx, warehouse_id, product_ids):
    for _ in range(5):
        with Transaction().start(
                pool.database_name, 0, context=ctx) as transaction:
            try:
                pool.get('ecom.stock.lock').ensure(warehouse_id, product_ids)
                transaction.commit()
                return
            except Exception as e:
                transaction.rollback()
                if not is_retryable(e):
                    raise


def _run(pool, ctx, intake, items, goods, kind, request, start):
    "Create the sales and log, retrying on conflicts; split on errors"
    pending = Intake.pending(items)
    deadline = time.monotonic() + RETRY_SECONDS
    attempt = 0
    written = {}  # item -> sale numbers an earlier attempt of ours wrote
    while True:
        for item in pending:
            if item.result.status in {'accepted', 'on_hold'}:
                written.setdefault(id(item), set()).add(item.result.number)
            item.result = Result(
                external_id=item.order.external_id, status='pending',
                http_status=0, payload=item.result.payload)
            item.first = None
        failure = None
        with Transaction().start(
                pool.database_name, 0, context=ctx) as transaction:
            try:
                if pending:
                    intake.run(items, goods)
                # An attempt that failed while committing may have been
                # committed all the same: its sales are ours, not duplicates,
                # and they are logged already.
                ours = [i for i in pending if i.result.status == 'duplicate'
                    and i.result.number in written.get(id(i), ())]
                for item in ours:
                    item.result.status, item.result.http_status = (
                        'accepted', 201)
                _write_log(pool, intake.channel_id, kind,
                    [i.result for i in items if i not in ours], request,
                    start)
                transaction.commit()
            except Exception as e:  # noqa: BLE001 (re-raised below if unknown)
                transaction.rollback()
                transaction.tasks.clear()
                failure = e
        if failure is None:
            while transaction.tasks:
                run_task(pool, transaction.tasks.pop())
            return
        if is_retryable(failure) and time.monotonic() < deadline:
            attempt += 1
            logger.info("intake retry %d: %r", attempt, failure)
            time.sleep(random.uniform(0, min(0.02 * attempt, 0.3)))
            continue
        if isinstance(failure, UserError) and len(pending) > 1:
            # One bad order must not sink the batch.
            for item in pending:
                _run(pool, ctx, intake, [item], goods, kind, request, start)
            others = [i.result for i in items if i not in pending]
            if others:
                _log(pool, intake.channel_id, kind, others, request, start)
            return
        if isinstance(failure, UserError):
            error = IntakeError(422, [('order', failure.message)])
        elif is_retryable(failure):
            error = IntakeError(503, [('order',
                        "too many concurrent orders; retry later")], 'busy')
        else:
            raise failure
        for item in pending:
            item.result.reject(error)
        _log(pool, intake.channel_id, kind, [i.result for i in items],
            request, start)
        return


def _write_log(pool, channel, kind, results, request, start):
    Log = pool.get('ecom.intake.log')
    Channel = pool.get('ecom.channel')
    if isinstance(channel, int):
        channel = Channel(channel) if Channel.search(
            [('id', '=', channel)]) else None
    Log.write_results(channel, kind, results, request.remote_addr,
        round((time.monotonic() - start) * 1000, 1))


def _log(pool, channel, kind, results, request, start):
    "Log refused requests in a transaction of their own"
    channel_id = channel.id if hasattr(channel, 'id') else channel
    with Transaction().start(pool.database_name, 0) as transaction, \
            Transaction().set_context(active_test=False):
        _write_log(pool, channel_id, kind, results, request, start)
        transaction.commit()
