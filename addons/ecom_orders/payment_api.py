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

from .api import Checker, IntakeError, channel_endpoint, response, timestamp, write

KINDS = ('capture', 'refund')
STATUSES = ('succeeded', 'pending', 'failed')


def parse_payment(data):
    "Validate one reported transaction; raise IntakeError naming each field"
    chk = Checker()
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
    date = timestamp(chk, data, 'date')
    if chk.errors:
        raise IntakeError(422, chk.errors)
    values.update(kind=kind, currency=currency.upper(), date=date)
    return status, values


@channel_endpoint('payments', 'payment')
def payments(pool, channel_id, company_id, data):
    status, values = parse_payment(data)
    if status != 'succeeded':
        return response(200, {'status': 'ignored', 'reason': (
                    f"a {status} transaction moves no money; report it "
                    "again when it succeeds")})
    return write(pool, company_id, _record, pool, channel_id, values)


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
    return response(200 if duplicate else 201, {
            'status': 'duplicate' if duplicate else 'recorded',
            'transaction': transaction.id,
            'state': transaction.state,
            'order': transaction.sale.number if transaction.sale else None,
            'note': transaction.note,
            })
