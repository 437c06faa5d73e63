"""Newsletter sign-up over HTTP (double opt-in).

POST /<db>/ecom/v1/channels/<id>/newsletter   (channel API key)
    {"email": "ana@example.com", "list": 3 | "Newsletter",
     "source": "form" | "checkout"}
    202 {"status": "confirmation_sent"}: the address gets a confirmation
    link; nothing is subscribed yet. 400/404 name the field.
GET /<db>/ecom/v1/newsletter/confirm?token=...
    the link of the email (a person's browser): 200 page when confirmed,
    400 when the token is not valid (changed, not ours), 410 when expired.
"""
import html
import re

from trytond.modules.ecom_orders.api import channel_endpoint, response, write
from trytond.modules.ecom_orders.intake_format import IntakeError
from trytond.protocols.wrappers import Response, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from .newsletter import TokenError, confirm, read_token

SOURCES = ('form', 'checkout')
# syntax only: a sign-up is proven by the confirmation, not by DNS
EMAIL = re.compile(r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
MAX_EMAIL = 254


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
    source = data.get('source', 'form')
    if source not in SOURCES:
        errors.append(('source', (f"{source!r} is not one of "
                f"{', '.join(SOURCES)}")))
    unknown = sorted(set(data) - {'email', 'list', 'source'})
    for name in unknown:
        errors.append((name, "is not a field of a sign-up"))
    if errors:
        raise IntakeError(400, errors, 'bad_request')
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
    write(pool, company_id, run)
    return response(202, {'status': 'confirmation_sent'})


PAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8">'
    '<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>'
    '</body></html>')


def _page(status, title, text):
    return Response(
        PAGE.format(title=html.escape(title), text=html.escape(text)),
        status=status, content_type='text/html; charset=utf-8')


@app.route('/<database_name>/ecom/v1/newsletter/confirm', methods={'GET'})
@with_pool
def confirm_page(request, pool):
    token = request.args.get('token', '')
    try:
        with Transaction().start(pool.database_name, 0, readonly=True):
            subscription, _, _ = read_token(token)
            company_id = subscription.list_.ecom_company.id
            name = subscription.list_.name
        write(pool, company_id, confirm, token)
    except TokenError as error:
        return _page(410 if error.expired else 400,
            "Subscription not confirmed", f"Sorry: {error}.")
    return _page(200, "Subscription confirmed",
        f"Thank you: you will receive {name}.")
