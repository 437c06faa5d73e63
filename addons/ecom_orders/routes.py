"""HTTP receivers of the order intake (served by trytond itself).

POST /<db>/ecom/v1/channels/<id>/orders        generic JSON, Bearer API key
POST /<db>/ecom/v1/channels/<id>/orders/batch  {"orders": [...]}, same key
POST /<db>/ecom/v1/channels/<id>/woocommerce   order.created/updated webhooks
POST /<db>/ecom/v1/channels/<id>/shopify       orders/create, updated, paid,
                                               cancelled webhooks

The generic API answers once the order is a sale or refused (a checkout
that asks first). A webhook is a storefront reporting an order it took: it
is stored and answered 202 at once (200 for a redelivery), then processed
(event_process.py); only a bad signature, malformed JSON or a wrong channel
is refused.
The OpenAPI description of these routes is openapi.json (served by
openapi.py, merged with the other modules' routes).
"""
import hashlib
import json
import logging
import time

from trytond import config
from trytond.model.modelsql import SQLConstraintError
from trytond.protocols.wrappers import set_max_request_size, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from .api import Refused, authenticate, response, write
from .event_process import drain, facts
from .event_receipt import receiving, storing
from .intake import Intake
from .intake_format import IntakeError, decode
from .intake_result import Result, new_items
from .intake_run import Delivery, ensure_locks, log, run
from .lifecycle import TOPICS
from .webhooks import to_order

logger = logging.getLogger(__name__)
MAX_BODY = 1 << 20
# what a generic request may send before its API key is checked
UNAUTHENTICATED_BODY = 64 << 10
MAX_BATCH_BODY = 16 << 20
MAX_BATCH = 500
RETRY_SECONDS = 60


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
    body = b''
    try:
        if kind == 'generic' and (
                request.content_length or 0) > UNAUTHENTICATED_BODY:
            # a large body is read once its API key opened the channel
            with Transaction().start(db, 0, readonly=True):
                try:
                    authenticate(pool, channel_id, kind, request, b'',
                        signed=False)
                except Refused as refused:
                    refused.payload = (f"[not read: {request.content_length}"
                        " bytes sent before authentication]")
                    raise
        try:
            body = request.get_data(cache=True)
        except RequestEntityTooLarge:
            body = None
        if body is None:
            raise Refused(IntakeError(413, [('body', ("is larger than "
                            f"{request.max_content_length} bytes"))],
                    'too_large'), payload='[body not read: too large]')
        text = body.decode('utf-8', 'replace')
        if kind in TOPICS:
            if body.startswith(b'webhook_id='):
                return response(200, {'status': 'ping'})
            with receiving(pool.database_name):
                return _webhook(request, pool, channel_id, kind, body, start)
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
        # Refused before the sender was known to be the storefront: its
        # body is not kept (size and digest only) and the entry belongs to
        # no company, so that only administrators see it.
        result = Result(external_id=None,
            payload=refused.payload or not_stored(body))
        result.reject(refused.error)
        log(pool, None, [result], Delivery(kind, request.remote_addr, start))
        return response(result.http_status, result.as_json())
    except IntakeError as error:
        result = Result(external_id=None, payload=text).reject(error)
        log(pool, channel_id, [result],
            Delivery(kind, request.remote_addr, start))
        return response(result.http_status, result.as_json())

    if missing:
        ensure_locks(pool, ctx, intake.warehouse_id, missing)
    run(pool, ctx, intake, items, goods,
        Delivery(kind, request.remote_addr, start))
    if batch:
        return response(200, {'results': [
                    dict(i.result.as_json(), http_status=i.result.http_status)
                    for i in items]})
    result = items[0].result
    return response(result.http_status, result.as_json())


def not_stored(body):
    "What the log keeps of the body of a request refused unauthenticated"
    body = body or b''
    return (f"[not stored: {len(body)} bytes, sha256 "
        f"{hashlib.sha256(body).hexdigest()}]")


def _webhook(request, pool, channel_id, kind, body, start):
    """A storefront reports an order it took: store the signed, well-formed
    body, answer at once, turn it into a sale after the answer"""
    header, default, topics = TOPICS[kind]
    topic = request.headers.get(header) or default
    with Transaction().start(pool.database_name, 0, readonly=True):
        channel = authenticate(pool, channel_id, kind, request, body)
        company_id = channel.company.id
    data = decode(body)
    if topic not in topics:
        return response(200, {'status': 'ignored',
                'reason': f"{header} {topic!r} is not one of "
                + ', '.join(sorted(topics))})
    delivery = request.headers.get('X-WC-Webhook-Delivery-ID'
        if kind == 'woocommerce' else 'X-Shopify-Webhook-Id')
    with storing(pool.database_name):
        try:
            event_id, state, duplicate = write(pool, company_id, _store,
                pool, channel_id, kind, topic, body, data, delivery)
        except SQLConstraintError:
            # the same body stored meanwhile by a concurrent delivery
            event_id, state, duplicate = write(pool, company_id, _store,
                pool, channel_id, kind, topic, body, data, delivery)
    answer = response(200 if duplicate else 202, {
            'status': 'duplicate' if duplicate else 'received',
            'event': event_id, 'state': state,
            'duration_ms': round((time.monotonic() - start) * 1000, 1)})
    if not config.getboolean('queue', 'worker', default=False):
        answer.call_on_close(lambda: drain(pool.database_name))
    return answer


def _store(pool, channel_id, kind, topic, body, data, delivery):
    Event = pool.get('ecom.storefront.event')
    Channel = pool.get('ecom.channel')
    event, duplicate = Event.receive(Channel(channel_id), kind, topic, body,
        facts(kind, data), delivery)
    return event.id, event.state, duplicate


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
