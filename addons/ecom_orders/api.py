"""What the small JSON endpoints (payments, returns) share: the channel's
API key, JSON errors naming each field, and one writing transaction retried
on conflicts, answered only once committed."""
import functools
import logging
import random
import time

from trytond.protocols.wrappers import set_max_request_size, with_pool
from trytond.transaction import Transaction, TransactionError
from trytond.worker import run_task
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from .intake_format import IntakeError, decode
from .routes import _authenticate, _Refused, _response
from .stock import is_retryable

logger = logging.getLogger(__name__)
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
                try:
                    body = request.get_data(cache=True)
                except RequestEntityTooLarge:
                    raise IntakeError(413, [('body', (
                                    f"is larger than {MAX_BODY} bytes"))],
                        'too_large') from None
                with Transaction().start(
                        pool.database_name, 0, readonly=True):
                    channel = _authenticate(
                        pool, channel_id, 'generic', request, body)
                    company_id = channel.company.id
                return handler(pool, channel_id, company_id, decode(body))
            return json_errors(what, channel_id, answer)
        return endpoint
    return decorator


def json_errors(what, channel_id, answer):
    """``answer()``, or the JSON error it raised: the status and fields of
    an IntakeError or a refused key, 500 (logged) for anything else"""
    try:
        return answer()
    except IntakeError as error:
        return _response(error.status, dict(
                error.as_json(), status='rejected'))
    except _Refused as refused:
        return _response(refused.error.status, dict(
                refused.error.as_json(), status='rejected'))
    except Exception:
        logger.exception("%s of channel %s failed", what, channel_id)
        return _response(500, {'status': 'error',
                'code': 'server_error', 'errors': [{'field': what,
                        'reason': "internal error; nothing was "
                        "recorded, retry later"}]})


def write(pool, company_id, func, *args):
    """Run ``func(*args)`` in a writing transaction of the company's
    context, retried on conflicts; run what it queued once committed"""
    deadline = time.monotonic() + RETRY_SECONDS
    extras = {}
    while True:
        with Transaction().start(pool.database_name, 0, context={
                    'company': company_id, 'language': 'en',
                    '_skip_warnings': True}, **extras) as transaction:
            try:
                result = func(*args)
                transaction.commit()
            except IntakeError:
                raise
            except TransactionError as e:
                # Posting a move locks its sequence: start again with the
                # lock taken, as Tryton's RPC dispatcher does.
                transaction.rollback()
                transaction.tasks.clear()
                e.fix(extras)
                continue
            except Exception as e:
                transaction.rollback()
                transaction.tasks.clear()
                if not is_retryable(e) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0, 0.1))
                continue
        while transaction.tasks:
            run_task(pool, transaction.tasks.pop())
        return result
