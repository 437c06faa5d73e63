"""The customer assistant's routes.

POST /<db>/ecom/v1/channels/<id>/assistant
    {"conversation": null, "message": "¿Dónde está mi pedido 1043?",
     "language": "es"}
    With the channel's API key (a storefront's server; it may add
    "client_ip", the shopper's address, for the limits) or, as ``?key=``,
    its public assistant key (the chat page). 200 the reply: conversation
    (the token to send with the next message), reply, intent, confidence,
    state, awaiting, and once the order's number and email matched, order
    (as GET orders/<id> answers it); return or complaint when one was
    opened. 404 unknown conversation; 422 every bad field named, nothing
    written; 429 + Retry-After past the limits (dialog.LIMITS).
GET /<db>/ecom/v1/channels/<id>/assistant?key=<assistant key>&lang=es
    The embeddable chat page (an iframe on the storefront), es or en.
"""
import html
import os

from trytond.modules.ecom_base.network import ip_prefix
from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    authenticate_public,
    contribute,
    decode,
    json_errors,
    read_body,
    response,
    write,
)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import dialog
from .conversation import LANGUAGES
from .exceptions import TooManyMessages

contribute(__file__)
MAX_MESSAGE = 1000
CODES = [c for c, _ in LANGUAGES]
FIELDS = [('message', True, MAX_MESSAGE), ('conversation', False, 64),
    ('language', False, 2), ('client_ip', False, 45)]
PAGE = os.path.join(os.path.dirname(__file__), 'page.html')
ROUTE = '/<database_name>/ecom/v1/channels/<int:channel_id>/assistant'
PAGE_TEXTS = {
    'en': {'title': "Customer assistant", 'placeholder': "Type a message",
        'send': "Send", 'hello': "Hello! Ask me where your order is, "
        "start a return, or ask about shipping and payment."},
    'es': {'title': "Asistente", 'placeholder': "Escribe un mensaje",
        'send': "Enviar", 'hello': "¡Hola! Pregúntame dónde está tu "
        "pedido, inicia una devolución o pregunta por envíos y pagos."},
    }


def parse(data):
    "The body's fields (as sent, not stripped); 422 naming each bad one"
    chk = Checker()
    if chk.obj(data, 'body') is None:
        raise IntakeError(422, chk.errors)
    values = {}
    for key, required, length in FIELDS:
        value = values[key] = data.get(key)
        if value is None:
            if required:
                chk.error(key, "is required")
        elif not isinstance(value, str):
            chk.error(key, "must be a string")
        elif not value.strip():
            chk.error(key, "must not be empty")
        elif len(value) > length:
            chk.error(key, f"is longer than {length} characters")
        elif '\x00' in value:
            chk.error(key, "must not hold NUL characters")
    language, client_ip = values['language'], values['client_ip']
    if isinstance(language, str) and language not in CODES:
        chk.error('language', f"{language!r} is not one of "
            + ', '.join(CODES))
    if isinstance(client_ip, str) and not ip_prefix(client_ip):
        chk.error('client_ip', f"{client_ip!r} is not an IP address")
    if chk.errors:
        raise IntakeError(422, chk.errors)
    values['message'] = values['message'].strip()
    return values


def _talk(channel_id, values, network):
    pool = Pool()
    Channel = pool.get('ecom.channel')
    Conversation = pool.get('ecom.assistant.conversation')
    channel = Channel(channel_id)
    if values['conversation']:
        found = Conversation.search([
                ('channel', '=', channel_id),
                ('token', '=', values['conversation']),
                ], limit=1)
        if not found:
            raise IntakeError(404, [('conversation', ("no conversation "
                            f"{values['conversation']!r} in this channel"))],
                'unknown_conversation')
        conversation, = found
    else:
        conversation = Conversation.start(
            channel, values['language'] or 'es')
    return dialog.answer(conversation, values['message'], network)


@app.route(ROUTE, methods={'POST'})
@with_pool
def talk(request, pool, channel_id):
    def answer():
        body = read_body(request)
        with Transaction().start(pool.database_name, 0, readonly=True):
            channel = authenticate_public(pool, channel_id, request, body,
                'assistant_key', "the channel's assistant key")
            company_id = channel.company.id
        values = parse(decode(body))
        from_server = request.args.get('key') is None
        address = (values['client_ip'] if from_server
            and values['client_ip'] else request.remote_addr)
        try:
            return response(200, write(pool, company_id, _talk,
                    channel_id, values, ip_prefix(address)))
        except TooManyMessages as error:
            seconds = error.minutes * 60
            answer = response(429, {'status': 'rejected',
                    'code': error.kind, 'errors': [{'field': f,
                            'reason': r} for f, r in error.errors]})
            answer.headers['Retry-After'] = str(seconds)
            return answer
    answer_ = json_errors('assistant', channel_id, answer)
    answer_.headers['Access-Control-Allow-Origin'] = '*'
    return answer_


@app.route(ROUTE, methods={'GET'})
@with_pool
def page(request, pool, channel_id):
    def answer():
        if request.args.get('key') is None:
            raise IntakeError(401, [('key', ("is required: the channel's "
                        "assistant key"))], 'unauthorized')
        with Transaction().start(pool.database_name, 0, readonly=True):
            authenticate_public(pool, channel_id, request, b'',
                'assistant_key', "the channel's assistant key")
        language = request.args.get('lang', 'es')
        if language not in CODES:
            raise IntakeError(422, [('lang', f"{language!r} is not one of "
                        + ', '.join(CODES))])
        with open(PAGE, encoding='utf-8') as file:
            text = file.read()
        values = {k: html.escape(v)
            for k, v in PAGE_TEXTS[language].items()}
        values.update(language=language, key=html.escape(
                request.args['key'], quote=True))
        for name, value in values.items():
            text = text.replace('{{' + name + '}}', value)
        return Response(text, status=200, content_type='text/html')
    return json_errors('assistant page', channel_id, answer)
