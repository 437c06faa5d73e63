"""The public HTTP layer of the e-commerce routes.

Every route of every module uses these: ``response`` (JSON), ``Refused`` and
``authenticate`` (the channel's API key or webhook signature), ``Checker``
and ``IntakeError`` (every bad field named; ``http_error`` answers the
``FieldErrors`` that model code raises, see exceptions.py, as a 422),
``channel_endpoint`` and ``json_errors`` (a POST route answered in JSON
whatever happens), ``transact`` (the one retrying writing transaction of
the routes, the intake's included) and ``write`` (``transact``, then what
it queued, so a route answers once committed) and ``contribute`` (a module's
openapi.json added to the served description), ``read_body`` (the raw
body or a 413); for GET routes of a
channel's web shop ``shop_get`` (key, shop, company context), ``query_int``
(a checked query parameter) and ``etag_answer`` (ETag, 304 Not Modified,
Cache-Control)."""
import functools
import hmac
import json
import logging
import random
import time

from trytond.modules.ecom_catalog import feed
from trytond.protocols.wrappers import Response, set_max_request_size, with_pool
from trytond.transaction import Transaction, TransactionError
from trytond.worker import run_task
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from . import late_tasks
from .exceptions import ConcurrentChange, FieldErrors, OrderRefused
from .intake_format import Checker, IntakeError, decode, http_error, timestamp
from .openapi import contribute
from .stock import is_retryable

__all__ = [
    'Checker', 'ConcurrentChange', 'FieldErrors', 'IntakeError',
    'OrderRefused', 'Refused', 'authenticate', 'authenticate_public',
    'channel_endpoint',
    'contribute', 'decode', 'etag_answer', 'http_error', 'json_errors',
    'query_int', 'read_body', 'response', 'shop_get', 'timestamp',
    'transact', 'write']
logger = logging.getLogger(__name__)
SIGNATURE_HEADERS = {
    'generic': 'X-Ecom-Signature',
    'woocommerce': 'X-WC-Webhook-Signature',
    'shopify': 'X-Shopify-Hmac-Sha256',
    }
RETRY_SECONDS = 30
MAX_BODY = 64 << 10


def channel_endpoint(path, what):
    """Route POST /<db>/ecom/v1/channels/<id>/<path> to
    ``handler(pool, channel_id, company_id, data)``, called outside any
    transaction once the API key opened the channel, with the decoded JSON
    body"""
    def decorator(handler):
        @app.route(
            f'/<database_name>/ecom/v1/channels/<int:channel_id>/{path}',
            methods={'POST'})
        @with_pool
        @set_max_request_size(MAX_BODY)
        @functools.wraps(handler)
        def endpoint(request, pool, channel_id):
            def answer():
                body = read_body(request)
                with Transaction().start(
                        pool.database_name, 0, readonly=True):
                    channel = authenticate(
                        pool, channel_id, 'generic', request, body)
                    company_id = channel.company.id
                return handler(pool, channel_id, company_id, decode(body))
            return json_errors(what, channel_id, answer)
        return endpoint
    return decorator


def read_body(request, max_body=MAX_BODY):
    "The raw body (set_max_request_size(max_body)), or 413 naming it"
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise IntakeError(413, [('body', (
                        f"is larger than {max_body} bytes"))],
            'too_large') from None


def query_int(request, name, default, lowest, highest):
    "The whole number of query parameter name, or 400 naming it"
    value = request.args.get(name, str(default))
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise IntakeError(400, [(name, (
                        f"{value!r} is not a whole number from {lowest} "
                        f"to {highest}"))], 'bad_request')
    return int(value)


def etag_answer(request, body, content_type, cache_control='no-cache'):
    "body with its ETag, or 304 Not Modified when If-None-Match has it"
    tag = feed.etag(body)
    headers = {'ETag': tag, 'Cache-Control': cache_control}
    if tag in [t.strip() for t in request.headers.get(
                'If-None-Match', '').split(',')]:
        return Response(status=304, headers=headers)
    return Response(body, content_type=content_type, headers=headers)


def shop_get(request, pool, channel_id, build, what='feed'):
    """A GET route of the channel's web shop: the API key checked (no
    body to sign), then ``build(shop)`` in a read-only transaction of the
    channel's company; errors answered in JSON"""
    def answer():
        with Transaction().start(pool.database_name, 0, readonly=True):
            channel = authenticate(
                pool, channel_id, 'generic', request, b'', signed=False)
            company = channel.company
            if not channel.shop:
                raise IntakeError(409, [('channel', (
                                "has no web shop: the route serves a "
                                "shop's data"))], 'no_shop')
            with Transaction().set_context(company=company.id):
                return build(pool.get('web.shop')(channel.shop.id))
    return json_errors(what, channel_id, answer)


def json_errors(what, channel_id, answer):
    """``answer()``, or the JSON error it raised: the status and fields of
    an IntakeError or a refused key, 500 (logged) for anything else"""
    try:
        return answer()
    except (IntakeError, FieldErrors) as error:
        error = http_error(error)
        return response(error.status, dict(
                error.as_json(), status='rejected'))
    except Refused as refused:
        return response(refused.error.status, dict(
                refused.error.as_json(), status='rejected'))
    except Exception:
        logger.exception("%s of channel %s failed", what, channel_id)
        return response(500, {'status': 'error',
                'code': 'server_error', 'errors': [{'field': what,
                        'reason': "internal error; nothing was "
                        "recorded, retry later"}]})


def run_queued(pool, task_id, attempts=5):
    """trytond's run_task until the task has finished, ``attempts`` times
    at most: without queue workers, a task that kept conflicting is
    rescheduled for a worker that nobody runs (PostgreSQL) or dropped
    (SQLite), so its sales were never processed (seen in a 500-webhook
    burst). One still unfinished is left to the late tasks thread
    (late_tasks.py), which runs it again some seconds later."""
    Queue = pool.get('ir.queue')
    late_tasks.start(pool)
    for attempt in range(attempts):
        run_task(pool, task_id)
        with Transaction().start(pool.database_name, 0, readonly=True):
            tasks = Queue.search([('id', '=', task_id)])
            if not tasks or tasks[0].finished_at:
                return
        time.sleep(random.uniform(0.1, 0.3) * (attempt + 1))
    logger.warning("task %s still unfinished after %d runs; left to the "
        "late tasks thread", task_id, attempts)


def transact(pool, context, func, seconds=RETRY_SECONDS):
    """``func()`` in a writing transaction, committed, and run again the
    way trytond's RPC dispatcher does: with the locks a TransactionError
    asks for, and after a conflict (``is_retryable``: serialization,
    deadlock, unique violation, ConcurrentChange) once a growing random
    pause is over, until ``seconds`` have passed; then the last error is
    raised, as is any other at once. Return ``(result, tasks)``: what
    ``func`` returned and the thread's list of queued tasks (trytond keeps
    one per thread): pop and run them until it is empty, so that the tasks
    they queue in turn (an invoice's processing after a reconciliation)
    run too."""
    deadline = time.monotonic() + seconds
    extras = {}
    attempt = 0
    while True:
        with Transaction().start(pool.database_name, 0, context=context,
                **extras) as transaction:
            try:
                result = func()
                transaction.commit()
            except TransactionError as e:
                # Posting a move locks its sequence: start again with the
                # lock taken.
                transaction.rollback()
                transaction.tasks.clear()
                e.fix(extras)
                continue
            except Exception as e:
                transaction.rollback()
                transaction.tasks.clear()
                if not is_retryable(e) or time.monotonic() > deadline:
                    raise
                attempt += 1
                logger.info("retry %d of %s: %r", attempt,
                    getattr(func, '__name__', func), e)
                time.sleep(random.uniform(0, min(0.02 * attempt, 0.3)))
                continue
        return result, transaction.tasks


def write(pool, company_id, func, *args):
    """Run ``func(*args)`` in a writing transaction of the company's
    context (``transact``); run what it queued once committed"""
    result, tasks = transact(pool, {'company': company_id, 'language': 'en',
            '_skip_warnings': True}, functools.partial(func, *args))
    while tasks:
        run_queued(pool, tasks.pop())
    return result


def response(status, data):
    return Response(
        json.dumps(data, default=str), status=status,
        content_type='application/json')


class Refused(Exception):
    "The whole request is refused before any order is read"

    def __init__(self, error, channel=None, payload=None):
        self.error, self.channel, self.payload = error, channel, payload


def _channel(pool, channel_id):
    "The channel, active or not; 404 refused when there is none"
    Channel = pool.get('ecom.channel')
    with Transaction().set_context(active_test=False):
        channels = Channel.search([('id', '=', channel_id)])
    if not channels:
        raise Refused(IntakeError(404, [('channel',
                        f"no sales channel {channel_id}")], 'unknown_channel'))
    return channels[0]


def authenticate(pool, channel_id, kind, request, body, signed=True):
    channel = _channel(pool, channel_id)
    header = SIGNATURE_HEADERS[kind]
    signature = request.headers.get(header)
    if kind == 'generic':
        scheme, _, key = request.headers.get('Authorization', '').partition(
            ' ')
        if scheme.lower() != 'bearer' or not key.strip():
            raise Refused(IntakeError(401, [('Authorization',
                            "missing 'Bearer <API key>' header")],
                    'unauthorized'), channel)
        owner = pool.get('ecom.channel').authenticate(key.strip())
        if owner is None:
            raise Refused(IntakeError(401, [('Authorization',
                            "unknown or revoked API key")], 'unauthorized'),
                channel)
        if owner != channel:
            raise Refused(IntakeError(403, [('channel',
                            (f"the API key belongs to another channel, not "
                            f"to channel {channel_id}"))], 'forbidden'),
                channel)
        if signed and channel.hmac_secret and not channel.check_signature(
                body, signature):
            raise Refused(IntakeError(401, [(header,
                            "missing or wrong signature of the body")],
                    'bad_signature'), channel)
    else:
        if channel.kind != kind:
            raise Refused(IntakeError(404, [('channel',
                            (f"channel {channel_id} is not a {kind} "
                            "channel"))], 'wrong_channel'), channel)
        if not channel.check_signature(body, signature):
            raise Refused(IntakeError(401, [(header,
                            "missing or wrong signature of the body"
                            if channel.hmac_secret else
                            "the channel has no webhook secret")],
                    'bad_signature'), channel)
    if not channel.active:
        raise Refused(IntakeError(403, [('channel', "is inactive")],
                'forbidden'), channel)
    return channel


def authenticate_public(pool, channel_id, request, body, key_field,
        what="the channel's public key"):
    """The channel, by its API key (``Authorization``) or, as ``?key=``,
    by the public key in its field ``key_field``: a key a browser may hold
    since it opens one route and nothing else"""
    key = request.args.get('key')
    if key is None:
        return authenticate(pool, channel_id, 'generic', request, body)
    channel = _channel(pool, channel_id)
    expected = getattr(channel, key_field)
    if not expected or not hmac.compare_digest(
            key.encode(), expected.encode()):
        raise Refused(IntakeError(401, [('key', f"is not {what}")],
                'unauthorized'), channel)
    if not channel.active:
        raise Refused(IntakeError(403, [('channel', "is inactive")],
                'forbidden'), channel)
    return channel
