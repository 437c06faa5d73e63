"""Editable templates and the outbox of customer emails and storefront
webhooks.

A notification is written in the transaction of the event (order
confirmed, shipped, refunded) and sent by the queue after the commit: a
rolled-back event sends nothing, and a slow or absent mail server never
slows the order down. Failures stay in the outbox with the error; the
*Send Notifications* scheduled action and the *Send Again* button retry
them.
"""
import datetime
import json
import string
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_orders.channel_auth import sign
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server, send_message
from trytond.transaction import Transaction

from . import outbound

EVENTS = [
    ('order_confirmation', "Order Confirmation"),
    ('shipped', "Shipped"),
    ('refund', "Refund Issued"),
    ]
# What a template may use, e.g. "Order {order} shipped".
PLACEHOLDERS = {
    'customer', 'order', 'shop', 'total', 'lines', 'carrier',
    'tracking_number', 'tracking_url', 'amount',
    }
MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT = 10
SMTP_TIMEOUT = 10


def smtp_uri():
    """The configured mail server, with a timeout unless it has one: a
    stalled server fails the email (kept, retried) instead of hanging"""
    uri = config.get('email', 'uri')
    if 'timeout=' not in uri:
        uri += ('&' if '?' in uri else '?') + f'timeout={SMTP_TIMEOUT}'
    return uri


def _braced(names):
    return ', '.join('{' + n + '}' for n in sorted(names))


def placeholders(text):
    "The {names} a template text uses"
    return {name for _, name, _, _ in string.Formatter().parse(text or '')
        if name is not None}


def formatted(text):
    """The {name:spec} and {name!r} of a template text: refused, since a
    spec such as {total:d} raises at render time and {customer:>999999999}
    allocates a gigabyte"""
    found = set()
    for _, name, spec, conversion in string.Formatter().parse(text or ''):
        if name is not None and (spec or conversion):
            found.add('{' + name + (f'!{conversion}' if conversion else '')
                + (f':{spec}' if spec else '') + '}')
    return sorted(found)


def render(text, values):
    """text with each {name} replaced by str(values[name]): specs and
    conversions are ignored and an unknown name stays as written, so that
    rendering never raises"""
    out = []
    try:
        parsed = list(string.Formatter().parse(text or ''))
    except ValueError:  # an unbalanced brace: the text as written
        return text or ''
    for literal, name, _, _ in parsed:
        out.append(literal)
        if name is not None:
            out.append(str(values[name]) if name in values
                else '{' + name + '}')
    return ''.join(out)


class Template(ModelSQL, ModelView):
    "The subject and body of one customer email in one language"
    __name__ = 'ecom.notification.template'
    __string__ = "Email Template"

    event = fields.Selection(EVENTS, "Event", required=True)
    language = fields.Char(
        "Language", required=True, size=2,
        help="ISO 639-1 code of the customer's language (en, es...).")
    subject = fields.Char("Subject", required=True)
    body = fields.Text(
        "Body", required=True,
        help="Plain text; placeholders: " + _braced(PLACEHOLDERS))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('event_language_unique', Unique(t, t.event, t.language),
                'ecom_notifications.msg_template_unique'),
            ]
        cls._order = [('event', 'ASC'), ('language', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        for template in templates:
            for name in ['subject', 'body']:
                text = getattr(template, name)
                known = cls.placeholders(template.event)
                try:
                    unknown = placeholders(text) - known
                    specs = formatted(text)
                except ValueError as error:  # e.g. "Single '}'"
                    raise ValidationError(gettext(
                            'ecom_notifications.msg_template_syntax',
                            field=cls.__names__(name)['field'],
                            template=template.rec_name,
                            error=str(error))) from None
                if specs:
                    raise ValidationError(gettext(
                            'ecom_notifications.msg_template_format',
                            field=cls.__names__(name)['field'],
                            template=template.rec_name,
                            placeholders=', '.join(specs)))
                if unknown:
                    raise ValidationError(gettext(
                            'ecom_notifications.msg_template_placeholder',
                            field=cls.__names__(name)['field'],
                            template=template.rec_name,
                            placeholders=_braced(unknown),
                            known=_braced(known)))

    @classmethod
    def placeholders(cls, event):
        "The {names} the templates of event may use (modules add theirs)"
        return PLACEHOLDERS

    def get_rec_name(self, name):
        return f"{self.event_string} ({self.language})"

    event_string = event.translated('event')

    @classmethod
    def find(cls, event, language):
        "The template of the language, else the English one"
        templates = {t.language: t for t in cls.search([
                    ('event', '=', event),
                    ('language', 'in', [language or 'en', 'en']),
                    ])}
        return templates.get(language or 'en') or templates.get('en')

    def render(self, values):
        return render(self.subject, values), render(self.body, values)


class Notification(Workflow, ModelSQL, ModelView):
    "A customer email or a storefront webhook call, queued then sent"
    __name__ = 'ecom.notification'
    __string__ = "Notification"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    sale = fields.Many2One(
        'sale.sale', "Order", readonly=True, ondelete='CASCADE')
    event = fields.Selection(EVENTS, "Event", required=True, readonly=True)
    kind = fields.Selection([
            ('email', "Email"),
            ('webhook', "Storefront Webhook"),
            ], "Kind", required=True, readonly=True)
    recipient = fields.Char(
        "Recipient", required=True, readonly=True,
        help="The customer's email address or the webhook URL.")
    language = fields.Char("Language", readonly=True)
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Body", readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    attempts = fields.Integer("Attempts", readonly=True)
    error = fields.Text(
        "Error", readonly=True, states={'invisible': ~Eval('error')})
    sent_at = fields.DateTime("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality()),
                where=t.state.in_(['queued', 'failed'])))
        cls._sql_indexes.add(Index(t, (t.sale, Index.Range())))
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        cls._transitions |= {
            ('queued', 'sent'), ('queued', 'failed'),
            ('failed', 'sent'), ('failed', 'failed'),
            }
        cls._buttons.update({
                'send_again': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'queued'

    @staticmethod
    def default_attempts():
        return 0

    @classmethod
    def queue(cls, values):
        "Create the notifications and send them after the commit"
        if not values:
            return []
        notifications = cls.create(values)
        cls.__queue__.send(notifications)
        return notifications

    @classmethod
    @ModelView.button
    def send_again(cls, notifications):
        cls.send(notifications)

    @classmethod
    def send(cls, notifications):
        "Send each queued or failed notification; keep the outcome"
        now = datetime.datetime.now()
        outcomes = {}
        for notification in cls.browse(notifications):
            if notification.state == 'sent':
                continue
            try:
                getattr(notification, '_send_' + notification.kind)()
            except Exception as error:  # noqa: BLE001 (kept as the outcome)
                outcomes[notification] = ('failed', str(error) or repr(error))
            else:
                outcomes[notification] = ('sent', None)
        for notification, (state, error) in outcomes.items():
            cls.write([notification], {
                    'state': state, 'error': error,
                    'attempts': (notification.attempts or 0) + 1,
                    'sent_at': now if state == 'sent' else None,
                    })

    @classmethod
    def send_pending(cls):
        "Scheduled: retry what failed (a few times) or was never sent"
        cls.send(cls.search([
                    ('state', 'in', ['queued', 'failed']),
                    ('attempts', '<', MAX_ATTEMPTS),
                    ], limit=500))

    def _send_email(self):
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = self.recipient
        msg['Subject'] = self.subject
        msg.set_content(self.body)
        msg['Content-Language'] = self.language or 'en'
        server = get_smtp_server(smtp_uri(), strict=True)
        try:
            send_message(msg, server=server, strict=True)
        finally:
            server.quit()

    def _send_webhook(self):
        body = self.body.encode()
        headers = {'Content-Type': 'application/json',
            'X-Ecom-Event': f'order.{self.event}'}
        if self.channel.hmac_secret:
            headers['X-Ecom-Signature'] = sign(self.channel.hmac_secret, body)
        outbound.post(self.recipient, body, headers, WEBHOOK_TIMEOUT)

    @classmethod
    def email_values(cls, sale, event, extra=None):
        "The values of a customer email of ``event`` about ``sale``, if any"
        pool = Pool()
        Template = pool.get('ecom.notification.template')
        email = sale.party.email
        if not email:
            return None
        language = (sale.party.lang.code[:2] if sale.party.lang else 'en')
        template = Template.find(event, language)
        if not template:
            return None
        subject, body = template.render(_Values(sale, extra))
        return {
            'company': sale.company.id, 'channel': sale.ecom_channel.id,
            'sale': sale.id, 'event': event, 'kind': 'email',
            'recipient': email, 'language': template.language,
            'subject': subject, 'body': body,
            }

    @classmethod
    def webhook_values(cls, sale, event, data):
        url = sale.ecom_channel.status_webhook_url
        if not url:
            return None
        payload = dict({'event': f'order.{event}',
                'order': sale.ecom_external_id, 'number': sale.number},
            **data)
        return {
            'company': sale.company.id, 'channel': sale.ecom_channel.id,
            'sale': sale.id, 'event': event, 'kind': 'webhook',
            'recipient': url, 'subject': payload['event'],
            'body': json.dumps(payload, default=str, sort_keys=True),
            }


class _Values(dict):
    "What templates see: the order's figures in the customer's language"

    def __init__(self, sale, extra=None):
        lang = sale.party.lang or Pool().get('ir.lang').get()
        with Transaction().set_context(language=lang.code):
            lines = '\n'.join(
                f"- {line.quantity:g} x {line.product.rec_name}"
                for line in sale.lines
                if line.type == 'line' and line.product
                and line.product != sale.ecom_channel.shipping_product)
        super().__init__(
            customer=sale.party.name, order=sale.ecom_external_id
            or sale.number, shop=sale.ecom_channel.name,
            total=lang.currency(sale.total_amount, sale.currency),
            lines=lines, carrier='', tracking_number='', tracking_url='',
            amount='')
        for key, value in (extra or {}).items():
            if key == 'amount' and value is not None:
                value = lang.currency(value, sale.currency)
            self[key] = value if value is not None else ''
