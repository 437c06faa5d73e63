"""Newsletter lists with double opt-in (upstream marketing_email lists).

A sign-up creates the subscription inactive and emails a confirmation
link carrying a signed token: the subscription, its expiry and the text
version agreed to, signed with the list's secret (HMAC-SHA256). Following
the link within the list's delay activates the subscription and records
the consent in the ledger; a tampered or expired token changes nothing.
Commercial emails go only to addresses whose latest consent entry grants
it (``Message.process``); unsubscribing records a withdrawal.
"""
import base64
import datetime as dt
import hashlib
import hmac
from email.message import EmailMessage
from secrets import token_hex
from urllib.parse import quote

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_base.customers import customer_for
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction
from trytond.url import http_base

CONFIRM_PATH = '/{database}/ecom/v1/newsletter/confirm'


class TokenError(ValueError):
    "The confirmation token is not valid (reason) or expired"

    def __init__(self, reason, expired=False):
        super().__init__(reason)
        self.expired = expired


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def sign(secret, payload):
    return hmac.new(secret.encode(), payload.encode(),
        hashlib.sha256).hexdigest()


def make_token(subscription, source, text_version, now=None):
    "Signed token of a subscription's confirmation"
    now = now or dt.datetime.now()
    list_ = subscription.list_
    expires = int((now + dt.timedelta(
                hours=list_.ecom_confirm_hours)).timestamp())
    payload = _b64(
        f'{subscription.id}|{expires}|{source}|{text_version}'.encode())
    return f'{payload}.{sign(list_.ecom_secret, payload)}'


def issued_at(token, list_):
    "When a (valid) token was made: its expiry less the list's delay"
    payload = (token or '').partition('.')[0]
    expires = int(_unb64(payload).decode().split('|', 3)[1])
    return dt.datetime.fromtimestamp(expires) - dt.timedelta(
        hours=list_.ecom_confirm_hours)


def read_token(token, now=None):
    """(subscription, source, text version) of a valid token; TokenError
    says why not. The signature is checked before anything is believed."""
    Email = Pool().get('marketing.email')
    payload, _, signature = (token or '').partition('.')
    try:
        subscription_id, expires, source, text_version = _unb64(
            payload).decode().split('|', 3)
        subscription_id, expires = int(subscription_id), int(expires)
    except ValueError:
        raise TokenError("the link is not a confirmation link") from None
    subscriptions = Email.search([
            ('id', '=', subscription_id),
            ('active', 'in', [True, False])])
    if not subscriptions or not hmac.compare_digest(
            sign(subscriptions[0].list_.ecom_secret, payload), signature):
        raise TokenError("the link was changed or is not ours")
    now = now or dt.datetime.now()
    if now.timestamp() > expires:
        raise TokenError("the link has expired: sign up again to receive "
            "a new one", expired=True)
    return subscriptions[0], source, text_version


class TooSoon(Exception):
    "A confirmation was sent to the address a moment ago: retry later"

    def __init__(self, seconds):
        super().__init__(f"retry in {seconds} s")
        self.seconds = seconds


def resend_minutes():
    "Least minutes between two confirmation emails to one address"
    return config.getint('ecom', 'newsletter_resend_minutes', default=10)


class EmailList(metaclass=PoolMeta):
    __name__ = 'marketing.email.list'

    ecom_company = fields.Many2One(
        'company.company', "Company",
        help="The company whose storefronts sign customers up.")
    ecom_text_version = fields.Char(
        "Consent Text Version",
        help="The version of the consent wording shown on the sign-up "
        "form; recorded with every confirmation.")
    ecom_confirm_hours = fields.Integer(
        "Confirmation Delay (hours)", required=True,
        help="How long the confirmation link stays valid.")
    ecom_secret = fields.Char("Secret", readonly=True, required=True)

    @classmethod
    def default_ecom_confirm_hours(cls):
        return 48

    @classmethod
    def default_ecom_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def copy(cls, lists, default=None):
        default = default.copy() if default is not None else {}
        default['ecom_secret'] = None  # a copy signs with its own secret
        return super().copy(lists, default=default)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('ecom_secret'):
            values['ecom_secret'] = token_hex(32)
        return values

    @classmethod
    def validate_fields(cls, lists, field_names):
        super().validate_fields(lists, field_names)
        for list_ in lists:
            if list_.ecom_confirm_hours is not None and not (
                    1 <= list_.ecom_confirm_hours <= 24 * 30):
                raise ValidationError(gettext(
                        'ecom_customers.msg_confirm_hours',
                        list=list_.rec_name,
                        hours=list_.ecom_confirm_hours))

    def ecom_sign_up(self, email, source='form', base=None):
        """Create the inactive subscription of email and send it the
        confirmation link; nothing is sent to an active subscriber"""
        pool = Pool()
        Email = pool.get('marketing.email')
        email = email.strip().lower()
        subscriptions = Email.search([
                ('email', '=', email), ('list_', '=', self.id),
                ('active', 'in', [True, False])])
        if subscriptions:
            subscription, = subscriptions
        else:
            subscription = Email(email=email, list_=self, active=False)
            subscription.save()
        if subscription.active:
            return subscription
        now = dt.datetime.now()
        sent = subscription.ecom_confirm_sent_at
        wait = sent and (sent + dt.timedelta(minutes=resend_minutes()) - now)
        if wait and wait.total_seconds() > 0:
            # a form submitted again and again mails the address once
            raise TooSoon(int(wait.total_seconds()) + 1)
        Email.write([subscription], {'ecom_confirm_sent_at': now})
        token = make_token(
            subscription, source, self.ecom_text_version or '')
        base = base or config.get('ecom', 'public_url') or http_base()
        link = (base.rstrip('/') + CONFIRM_PATH.format(
                database=quote(Transaction().database.name))
            + f'?token={token}')
        msg = EmailMessage()
        from_ = config.get('marketing', 'email_from') or config.get(
            'email', 'from')
        set_from_header(msg, from_, from_)
        msg['To'] = email
        msg['Subject'] = gettext('ecom_customers.msg_confirm_subject',
            list=self.name)
        msg.set_content(gettext('ecom_customers.msg_confirm_body',
                list=self.name, link=link, hours=self.ecom_confirm_hours))
        send_message_transactional(msg)
        return subscription


def confirm(token, now=None):
    """Activate the subscription of token and record the consent: the
    subscription, or TokenError"""
    pool = Pool()
    Email = pool.get('marketing.email')
    Consent = pool.get('ecom.customer.consent')
    subscription, source, text_version = read_token(token, now)
    list_ = subscription.list_
    # a link is used once, and never after the address was withdrawn
    latest = Consent.search([
            ('company', '=', list_.ecom_company.id), ('channel', '=', 'email'),
            ('address', '=', subscription.email.strip().lower())],
        order=[('recorded_at', 'DESC'), ('id', 'DESC')], limit=1)
    if latest and latest[0].recorded_at >= issued_at(token, list_):
        if latest[0].action == 'withdraw':
            raise TokenError(gettext('ecom_customers.msg_token_withdrawn'),
                expired=True)
        if subscription.active:
            return subscription
    if not subscription.active:
        Email.write([subscription], {'active': True})
    Consent.record(list_.ecom_company.id, 'email', subscription.email,
        'grant', source, text_version=text_version or list_.name,
        party=customer_for(subscription.email),
        note=gettext('ecom_customers.msg_consent_note_confirmed',
            list=list_.name))
    return subscription


class Email(metaclass=PoolMeta):
    __name__ = 'marketing.email'

    ecom_confirm_sent_at = fields.Timestamp(
        "Confirmation Sent At", readonly=True,
        help="When the latest confirmation link was emailed.")

    @classmethod
    def unsubscribe(cls, tokens):
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        records = cls.search([('email_token', 'in', tokens)])
        result = super().unsubscribe(tokens)
        for record in records:
            if record.list_.ecom_company:
                Consent.record(record.list_.ecom_company.id, 'email',
                    record.email, 'withdraw', 'unsubscribe',
                    party=customer_for(record.email, create=False),
                    note=gettext('ecom_customers.msg_consent_note_unsubscribed',
                        list=record.list_.name))
        return result


class Message(metaclass=PoolMeta):
    __name__ = 'marketing.email.message'

    def ecom_recipients(self, emails):
        """The subscriptions of emails whose latest consent grants email
        marketing (all of them for a list of no company)"""
        Consent = Pool().get('ecom.customer.consent')
        if not self.list_.ecom_company:
            return list(emails)
        allowed = Consent.consenting(self.list_.ecom_company.id, 'email',
            [e.email for e in emails])
        return [e for e in emails if e.email in allowed]

    @classmethod
    def process(cls, messages=None, emails=None, smtpd_datamanager=None):
        "Send only to the subscribers whose latest consent grants it"
        if messages is None:
            messages = cls.search([('state', '=', 'sending')])
        for message in messages:
            recipients = message.ecom_recipients(
                list(emails or message.list_.emails))
            if recipients:
                super().process([message], recipients, smtpd_datamanager)
            if not emails:
                cls.sent([message])
