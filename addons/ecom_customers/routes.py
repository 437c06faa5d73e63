"""Newsletter sign-up over HTTP (double opt-in).

POST /<db>/ecom/v1/channels/<id>/newsletter   (channel API key)
    {"email": "ana@example.com", "list": 3 | "Newsletter",
     "source": "form" | "checkout"}
    202 {"status": "confirmation_sent"}: the address gets a confirmation
    link; nothing is subscribed yet. 422/404 name the field; 429 (with
    Retry-After) when a link was mailed to the address minutes ago.
GET /<db>/ecom/v1/newsletter/confirm?token=...
    the link of the email (a person's browser): a page asking to confirm
    with a button; it changes nothing (mail scanners and link previews open
    links). 400 when the token is not valid (changed, not ours), 410 when
    expired or withdrawn since.
POST /<db>/ecom/v1/newsletter/confirm   (form: token=...)
    the page's button: 200 page when confirmed, same 400/410 otherwise.
"""
import html
import re

from trytond.modules.ecom_orders.api import (
    IntakeError,
    channel_endpoint,
    contribute,
    response,
    write,
)
from trytond.protocols.wrappers import Response, set_max_request_size, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app
from werkzeug.exceptions import RequestEntityTooLarge

from .newsletter import TokenError, TooSoon, confirm, read_token

contribute(__file__)  # its routes are documented in openapi.json beside it

SOURCES = ('form', 'checkout')
# syntax only: a sign-up is proven by the confirmation, not by DNS
EMAIL = re.compile(r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
MAX_EMAIL = 254
MAX_ID = 2 ** 31 - 1
MAX_NAME = 200


def parse_sign_up(data):
    "(email, list key, source) of a sign-up body; IntakeError names fields"
    errors = []
    if not isinstance(data, dict):
        raise IntakeError(400, [('body', "is not a JSON object")],
            'bad_request')
    email = data.get('email')
    if not isinstance(email, str) or not email.strip():
        errors.append(('email', "is required"))
    elif len(email.strip()) > MAX_EMAIL or not EMAIL.match(email.strip()):
        errors.append(('email', (f"{email!r} is not an email address "
                "(like ana@example.com)")))
    else:
        email = email.strip().lower()
    list_ = data.get('list')
    if not isinstance(list_, (int, str)) or isinstance(list_, bool) or (
            isinstance(list_, str) and not list_.strip()):
        errors.append(('list', "is required: the list's id or name"))
    elif isinstance(list_, int) and not 0 < list_ <= MAX_ID:
        errors.append(('list', f"{list_} is not a list id"))
    elif isinstance(list_, str) and len(list_) > MAX_NAME:
        errors.append(('list', f"is longer than {MAX_NAME} characters"))
    source = data.get('source', 'form')
    if source not in SOURCES:
        errors.append(('source', (f"{source!r} is not one of "
                f"{', '.join(SOURCES)}")))
    unknown = sorted(set(data) - {'email', 'list', 'source'})
    for name in unknown:
        errors.append((name, "is not a field of a sign-up"))
    if errors:
        raise IntakeError(422, errors, 'invalid')
    return email, list_, source


def _list(pool, company_id, key):
    List = pool.get('marketing.email.list')
    domain = [('ecom_company', '=', company_id)]
    domain.append(('id', '=', key) if isinstance(key, int)
        else ('name', '=', key.strip()))
    lists = List.search(domain, limit=1)
    if not lists:
        raise IntakeError(404, [('list', (f"no newsletter list {key!r} in "
                        "this channel's company"))], 'unknown_list')
    return lists[0]


@channel_endpoint('newsletter', 'newsletter sign-up')
def sign_up(pool, channel_id, company_id, data):
    email, key, source = parse_sign_up(data)

    def run():
        _list(pool, company_id, key).ecom_sign_up(email, source)
    try:
        write(pool, company_id, run)
    except TooSoon as error:
        answer = response(429, {'status': 'rejected',
                'code': 'too_many_requests', 'errors': [{'field': 'email',
                        'reason': ("a confirmation link was sent to this "
                            f"address minutes ago: retry in {error.seconds} "
                            "s")}]})
        answer.headers['Retry-After'] = str(error.seconds)
        return answer
    return response(202, {'status': 'confirmation_sent'})


PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8">'
    '<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>'
    '{form}</body></html>')
FORM = ('<form method="post" action="confirm">'
    '<input type="hidden" name="token" value="{token}">'
    '<button type="submit">{button}</button></form>')


def _page(status, title, text, form=''):
    return Response(
        PAGE.format(title=html.escape(title), text=html.escape(text),
            form=form),
        status=status, content_type='text/html; charset=utf-8')


def _refused(error):
    return _page(410 if error.expired else 400,
        "Subscription not confirmed", f"Sorry: {error}.")


@app.route('/<database_name>/ecom/v1/newsletter/confirm', methods={'GET'})
@with_pool
def confirm_page(request, pool):
    "The emailed link: a page with the button that confirms (a POST)"
    token = request.args.get('token', '')
    try:
        with Transaction().start(pool.database_name, 0, readonly=True):
            subscription, _, _ = read_token(token)
            name = subscription.list_.name
            active = subscription.active
    except TokenError as error:
        return _refused(error)
    if active:
        return _page(200, "Subscription confirmed",
            f"You already receive {name}.")
    return _page(200, "Confirm your subscription",
        f"Press the button to receive {name}.",
        FORM.format(token=html.escape(token, quote=True),
            button="Confirm my subscription"))


@app.route('/<database_name>/ecom/v1/newsletter/confirm', methods={'POST'})
@with_pool
@set_max_request_size(4096)
def confirm_post(request, pool):
    "The page's button: activates the subscription, records the consent"
    try:
        token = request.form.get('token', '')
    except RequestEntityTooLarge:
        token = ''
    try:
        with Transaction().start(pool.database_name, 0, readonly=True):
            subscription, _, _ = read_token(token)
            company_id = subscription.list_.ecom_company.id
            name = subscription.list_.name
        write(pool, company_id, confirm, token)
    except TokenError as error:
        return _refused(error)
    return _page(200, "Subscription confirmed",
        f"Thank you: you will receive {name}.")
