"""HTTP receiver of gateway transactions reported by the storefront.

POST /<db>/ecom/v1/channels/<id>/payments     Bearer API key (as orders)

Body (JSON, amounts as strings or numbers, never floats)::

    {"reference": "ch_3N...", "order": "1001", "kind": "capture",
     "status": "succeeded", "amount": "54.45", "currency": "EUR",
     "gateway": "stripe", "date": "2026-11-20T10:04:00+01:00"}

201 recorded (with the state it reached: reconciled, waiting for the
invoice or to reconcile with the reason), 200 already recorded (same
channel, kind and reference) or not a settled transaction (``status``
pending or failed: nothing is written), 4xx with every error named.
"""
import datetime
import logging
import random
import time

from trytond.protocols.wrappers import set_max_request_size, with_pool
from trytond.transaction import Transaction, TransactionError
from trytond.worker import run_task
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from .intake_format import IntakeError, _Checker, _timestamp, decode
from .routes import _authenticate, _Refused, _response
from .stock import is_retryable

logger = logging.getLogger(__name__)
KINDS = ('capture', 'refund')
STATUSES = ('succeeded', 'pending', 'failed')
RETRY_SECONDS = 30


def parse_payment(data):
    "Validate one reported transaction; raise IntakeError naming each field"
    chk = _Checker()
    if chk.obj(data, 'payment') is None:
        raise IntakeError(422, chk.errors)
    values = {
        'reference': chk.text(data, 'reference', '', max_length=100),
        'external_order': chk.text(data, 'order', '', max_length=100),
        'gateway': chk.text(data, 'gateway', '', max_length=100),
        'amount': chk.amount(data, 'amount', '', positive=True),
        }
    kind = chk.text(data, 'kind', '', required=False) or 'capture'
    if kind not in KINDS:
        chk.error('kind', f"{kind!r} is not one of " + ', '.join(KINDS))
    status = chk.text(data, 'status', '', required=False) or 'succeeded'
    if status not in STATUSES:
        chk.error('status', f"{status!r} is not one of "
            + ', '.join(STATUSES))
    currency = chk.text(data, 'currency', '', max_length=10)
    if currency and len(currency) != 3:
        chk.error('currency', "must be an ISO 4217 code")
    date = _timestamp(chk, data, 'date')
    if chk.errors:
        raise IntakeError(422, chk.errors)
    values.update(kind=kind, currency=currency.upper(), date=date)
    return status, values


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/payments',
    methods={'POST'})
@with_pool
@set_max_request_size(64 << 10)
def payments(request, pool, channel_id):
    try:
        return _payments(request, pool, channel_id)
    except IntakeError as error:
        return _response(error.status, dict(
                error.as_json(), status='rejected'))
    except _Refused as refused:
        return _response(refused.error.status, dict(
                refused.error.as_json(), status='rejected'))
    except Exception:
        logger.exception("payment report of channel %s failed", channel_id)
        return _response(500, {'status': 'error', 'code': 'server_error',
                'errors': [{'field': 'payment', 'reason': "internal error; "
                        "nothing was recorded, retry later"}]})


def _payments(request, pool, channel_id):
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise IntakeError(413, [("body", ("is larger than "
                    f"{request.max_content_length} bytes"))], "too_large")
    db = pool.database_name
    with Transaction().start(db, 0, readonly=True):
        channel = _authenticate(pool, channel_id, 'generic', request, body)
        company = channel.company.id
    status, values = parse_payment(decode(body))
    if status != 'succeeded':
        return _response(200, {'status': 'ignored', 'reason': (
                    f"a {status} transaction moves no money; report it "
                    "again when it succeeds")})
    deadline = time.monotonic() + RETRY_SECONDS
    extras = {}
    while True:
        with Transaction().start(db, 0, context={
                    'company': company, 'language': 'en'},
                **extras) as transaction:
            try:
                answer = _record(pool, channel_id, values)
                transaction.commit()
            except IntakeError:
                raise
            except TransactionError as e:
                # Posting the payment's move locks its sequence: start again
                # with the lock taken, as Tryton's RPC dispatcher does.
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
        # What the commit queued (the paid invoice's processing).
        while transaction.tasks:
            run_task(pool, transaction.tasks.pop())
        return answer


def _record(pool, channel_id, values):
    Channel = pool.get('ecom.channel')
    Currency = pool.get('currency.currency')
    Transaction_ = pool.get('ecom.payment.transaction')
    channel = Channel(channel_id)
    currencies = Currency.search([('code', '=', values['currency'])])
    if not currencies:
        raise IntakeError(422, [
                ('currency', f"unknown currency {values['currency']!r}")])
    gateway = channel.gateway(values['gateway'])
    record = dict(values,
        currency=currencies[0].id,
        gateway=gateway.id if gateway else None,
        gateway_code=values['gateway'],
        date=values['date'] or datetime.datetime.now())
    transaction, duplicate = Transaction_.record(channel, record)
    return _response(200 if duplicate else 201, {
            'status': 'duplicate' if duplicate else 'recorded',
            'transaction': transaction.id,
            'state': transaction.state,
            'order': transaction.sale.number if transaction.sale else None,
            'note': transaction.note,
            })
