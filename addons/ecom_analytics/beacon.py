"""The beacon route: storefront events, in batches.

POST /<db>/ecom/v1/channels/<id>/events
    {"events": [{"type": "page_view", "session": "s-81c2", "at":
    "2026-12-06T10:00:00Z", "url": "https://shop.example/p/boots",
    "referrer": "https://www.google.com/", "sku": "BOOT-42"}, ...]}

A storefront's server sends it with the channel's API key (``Authorization:
Bearer``); a browser, which must not hold that key, sends it with the
channel's public beacon key as ``?key=`` (``navigator.sendBeacon`` sends
``text/plain``, which the route reads as JSON too): that key can post
events and nothing else. Answers 202 with how many were stored; a batch with
any bad event is refused whole (422, every bad field named) and writes
nothing. Stored: the page's path (no query string, which may hold an
e-mail address), the referrer's host and the network of the sender (see
event.py), never the address or the user agent.
"""
import datetime as dt
import re
from urllib.parse import urlsplit

from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    authenticate_public,
    contribute,
    decode,
    json_errors,
    read_body,
    response,
    timestamp,
    write,
)
from trytond.pool import Pool
from trytond.protocols.wrappers import set_max_request_size, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from .event import KINDS

contribute(__file__)
MAX_EVENTS = 500
MAX_BODY = 512 << 10
MAX_AGE = dt.timedelta(hours=48)
SESSION = re.compile(r'[A-Za-z0-9._-]{1,64}')
NEEDS_SKU = {'product_view', 'add_to_cart'}
KIND_NAMES = [k for k, _ in KINDS]


def parse(data, now=None):
    """The events of a beacon body as dicts (kind, session, at, path,
    referrer, sku); IntakeError 422 naming every bad field"""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    chk = Checker()
    if chk.obj(data, 'body') is None:
        raise IntakeError(422, chk.errors)
    events = []
    for path, raw in chk.objects(data, 'events', MAX_EVENTS):
        before = len(chk.errors)
        kind = _text(chk, raw, 'type', path, max_length=32)
        if kind and kind not in KIND_NAMES:
            chk.error(f'{path}type', (f"{kind!r} is not one of "
                    f"{', '.join(KIND_NAMES)}"))
        session = _text(chk, raw, 'session', path, max_length=64)
        if session and not SESSION.fullmatch(session):
            chk.error(f'{path}session', ("may hold only letters, digits, "
                    "'.', '_' and '-'"))
        at = _moment(chk, raw, path, now)
        url = _text(chk, raw, 'url', path, required=False, max_length=2000)
        referrer = _text(
            chk, raw, 'referrer', path, required=False, max_length=2000)
        sku = _text(chk, raw, 'sku', path, required=kind in NEEDS_SKU,
            max_length=100)
        if len(chk.errors) == before:
            events.append({'kind': kind, 'session': session, 'at': at,
                    'path': _path(url), 'referrer': _host(referrer),
                    'sku': sku})
    if chk.errors:
        raise IntakeError(422, chk.errors)
    return events


def _text(chk, raw, key, path, required=True, max_length=255):
    "A string (a number is not one here: the spec says string), or None"
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        chk.error(f'{path}{key}', "must be a string")
        return None
    return chk.text(raw, key, path, required=required, max_length=max_length)


def _moment(chk, raw, path, now):
    "When the event occurred (naive UTC): now if not given"
    value = raw.get('at')
    if value is None:
        return now
    if not isinstance(value, str) or not value.strip():
        chk.error(f'{path}at', "must be an ISO 8601 date and time with "
            "its UTC offset")
        return None
    at = timestamp(chk, raw, 'at', path)
    if at and at < now - MAX_AGE:
        chk.error(f'{path}at', "is more than 48 hours old")
    return at


def _path(url):
    if not url:
        return None
    return (urlsplit(url).path or '/')[:500]


def _host(url):
    if not url:
        return None
    return (urlsplit(url).hostname or '')[:255] or None


def _channel(pool, channel_id, request, body):
    "The channel, by its API key or, as ?key=, its public beacon key"
    return authenticate_public(pool, channel_id, request, body,
        'analytics_key', "the channel's beacon key")


def _ingest(channel_id, events, remote_addr):
    Channel = Pool().get('ecom.channel')
    Event = Pool().get('ecom.analytics.event')
    return Event.ingest(Channel(channel_id), events, remote_addr)


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/events',
    methods={'POST'})
@with_pool
@set_max_request_size(MAX_BODY)
def events(request, pool, channel_id):
    def answer():
        body = read_body(request, MAX_BODY)
        with Transaction().start(pool.database_name, 0, readonly=True):
            channel = _channel(pool, channel_id, request, body)
            company_id = channel.company.id
        parsed = parse(decode(body))
        count = write(pool, company_id, _ingest, channel_id, parsed,
            request.remote_addr)
        return response(202, {'status': 'accepted', 'accepted': count})
    answer_ = json_errors('events', channel_id, answer)
    # a storefront page on its own domain may post them
    answer_.headers['Access-Control-Allow-Origin'] = '*'
    return answer_
