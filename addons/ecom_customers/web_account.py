"""Storefront customer accounts on upstream ``web.user``.

The storefront calls accounts_api.py with its channel key; this module
holds what those calls do, each in one writing transaction:

* ``sign_up``: a new account waits for its email to be validated (the
  link goes to the channel's *Account Page URL*); an address that has an
  account gets an "you already have an account" email instead, and the
  caller's answer is the same either way.
* ``validate``: the emailed token validates the address and links the
  account to the customer (party) the order intake matches by email,
  created if there is none.
* ``login``: a session key, or an outcome; failed attempts are counted per
  address (and per shopper IP when the storefront gives it) in upstream's
  ``web.user.authenticate.attempt`` and over the limit the caller gets a
  delay to wait, not a slower answer (upstream sleeps inside the request).
* ``request_reset`` / ``set_password``: upstream's reset token, mailed
  with our templates; a new password ends every session of the account.

Outcomes are returned, not raised, so that the attempts they record are
committed with the transaction.
"""
import datetime as dt
import urllib.parse

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_base.customers import customer_for
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.res.user import PASSWORD_HASH
from trytond.transaction import Transaction

ACCOUNT_EVENTS = [
    ('account_validation', "Account: Validate Email"),
    ('account_exists', "Account: Already Registered"),
    ('password_reset', "Account: Password Reset"),
    ]
ACCOUNT_PLACEHOLDERS = {'customer', 'shop', 'email', 'link', 'hours'}
MAX_PASSWORD = 128
# verified when the address has no account, so that the answer takes as
# long as a wrong password's
_DUMMY_HASH = PASSWORD_HASH.hash('not a password of anybody')


def resend_minutes():
    "Least minutes between two account emails of one kind to one address"
    return config.getint('ecom', 'account_resend_minutes', default=10)


def validation_hours():
    return config.getint('ecom', 'account_validation_hours', default=48)


def reset_hours():
    return config.getint('session', 'web_timeout_reset',
        default=24 * 60 * 60) // 3600


def password_problem(pool, password, email):
    "Why password is refused, or None"
    length = max(8, config.getint('password', 'length', default=8))
    if not isinstance(password, str) or len(password) < length:
        return f"must have at least {length} characters"
    if len(password) > MAX_PASSWORD:
        return f"must have at most {MAX_PASSWORD} characters"
    if email and password.lower() == email.lower():
        return "must not be the email address"
    User = pool.get('res.user')
    try:
        User.validate_password(password, [])
    except Exception as error:  # noqa: BLE001 (PasswordError: its text)
        return str(getattr(error, 'message', error))
    return None


def with_params(url, **params):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + sorted(params.items())
    return urllib.parse.urlunsplit(
        parts._replace(query=urllib.parse.urlencode(query)))


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    account_url = fields.Char(
        "Account Page URL",
        help="The storefront page that receives the links of account "
        "emails (?action=validate&token=... or ?action=reset&email=..."
        "&token=...). Empty: the channel has no customer accounts.")

    @classmethod
    def validate_fields(cls, channels, field_names):
        super().validate_fields(channels, field_names)
        if field_names and 'account_url' not in field_names:
            return
        for channel in channels:
            url = channel.account_url
            if url and not url.startswith(
                    ('https://', 'http://localhost', 'http://127.0.0.1')):
                raise ValidationError(gettext(
                        'ecom_customers.msg_account_url_https',
                        url=url, channel=channel.rec_name))


class Template(metaclass=PoolMeta):
    __name__ = 'ecom.notification.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection = cls.event.selection + ACCOUNT_EVENTS

    @classmethod
    def placeholders(cls, event):
        if event in dict(ACCOUNT_EVENTS):
            return ACCOUNT_PLACEHOLDERS
        return super().placeholders(event)


class Notification(metaclass=PoolMeta):
    __name__ = 'ecom.notification'

    web_user = fields.Many2One(
        'web.user', "Account", readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection = cls.event.selection + ACCOUNT_EVENTS

    @classmethod
    def send(cls, notifications):
        "Once sent, an account email's link leaves the outbox"
        super().send(notifications)
        sent = [n for n in cls.browse(notifications)
            if n.state == 'sent' and n.event in dict(ACCOUNT_EVENTS)
            and n.body and 'token=' in n.body]
        if sent:
            cls.write(sent, {'body': gettext(
                        'ecom_customers.msg_account_link_removed')})

    @classmethod
    def account_email(cls, user, channel, event, link=None):
        "Queue the account email of event to user (None without template)"
        pool = Pool()
        Template = pool.get('ecom.notification.template')
        language = ((user.party.lang.code if user.party and user.party.lang
                else user.ecom_lang) or 'en')[:2]
        template = Template.find(event, language)
        if not template:
            return None
        hours = (validation_hours() if event == 'account_validation'
            else reset_hours())
        subject, body = template.render({
                'customer': (user.party.name if user.party
                    else user.ecom_name) or user.email,
                'shop': channel.name, 'email': user.email,
                'link': link or '', 'hours': hours})
        return cls.queue([{
                    'company': channel.company.id, 'channel': channel.id,
                    'web_user': user.id, 'event': event, 'kind': 'email',
                    'recipient': user.email, 'language': template.language,
                    'subject': subject, 'body': body}])


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    ecom_company = fields.Many2One(
        'company.company', "Company", readonly=True,
        help="The company whose storefront the account signed up at.")
    ecom_channel = fields.Many2One(
        'ecom.channel', "Signed Up At", readonly=True, ondelete='SET NULL')
    ecom_name = fields.Char("Name Given", readonly=True)
    ecom_lang = fields.Char("Language", size=2, readonly=True)
    ecom_validation_sent_at = fields.DateTime(
        "Validation Sent At", readonly=True)
    ecom_notice_sent_at = fields.DateTime(
        "Notice Sent At", readonly=True,
        help="When the address was last told it already has an account.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for field in [cls.party, cls.secondary_parties]:
            field.context = dict(field.context or {},
                company=Eval('ecom_company', -1))
            field.depends = set(field.depends or ()) | {'ecom_company'}

    @classmethod
    def _find(cls, company_id, email):
        users = cls.search([('email', '=', email.lower()),
                ('ecom_company', '=', company_id)], limit=1)
        return users[0] if users else None

    @staticmethod
    def _due(sent_at, now):
        return not sent_at or now - sent_at >= dt.timedelta(
            minutes=resend_minutes())

    @classmethod
    def ecom_sign_up(cls, channel, email, password, name=None, lang=None):
        """Create the account and mail the validation link; for an address
        that has one, mail a notice (or the same link again) instead"""
        Notification = Pool().get('ecom.notification')
        now = dt.datetime.now()
        user = cls._find(channel.company.id, email)
        other = False
        if user is None:
            taken = cls.search([('email', '=', email.lower())], limit=1)
            if taken:  # another company's shop: tell the address only
                user, other = taken[0], True
            else:
                user = cls(email=email, password=password,
                    ecom_company=channel.company, ecom_channel=channel,
                    ecom_name=name, ecom_lang=lang)
                user.set_email_token()
                user.save()
        if not other and not user.email_valid and user.email_token:
            # again before validating: the same link (the password of the
            # first sign-up stays: a stranger cannot replace it)
            if not cls._due(user.ecom_validation_sent_at, now):
                return
            cls.write([user], {'ecom_validation_sent_at': now})
            Notification.account_email(user, channel, 'account_validation',
                with_params(channel.account_url, action='validate',
                    token=user.email_token))
        elif cls._due(user.ecom_notice_sent_at, now):
            cls.write([user], {'ecom_notice_sent_at': now})
            Notification.account_email(user, channel, 'account_exists',
                with_params(channel.account_url, action='reset',
                    email=user.email))

    @classmethod
    def ecom_validate(cls, channel, token):
        "The account the token validates (linked to its customer), or None"
        if not token:
            return None
        users = cls.search([('email_token', '=', token),
                ('ecom_company', '=', channel.company.id)], limit=1)
        if not users:
            return None
        user, = users
        sent = user.ecom_validation_sent_at
        if sent and dt.datetime.now() - sent > dt.timedelta(
                hours=validation_hours()):
            return None
        party = user.party or customer_for(
            user.email, user.ecom_name, user.ecom_lang)
        cls.write([user], {'email_valid': True, 'email_token': None,
                'party': party.id})
        return user

    @classmethod
    def ecom_login(cls, channel, email, password):
        """('ok', session key, user), ('not_validated',), ('invalid',) or
        ('too_many', seconds to wait)"""
        pool = Pool()
        Attempt = pool.get('web.user.authenticate.attempt')
        wait = cls.ecom_wait(email)
        if wait:
            return ('too_many', wait)
        user = cls._find(channel.company.id, email)
        valid, _ = PASSWORD_HASH.verify_and_update(password,
            user.password_hash if user and user.password_hash
            else _DUMMY_HASH)
        if user and user.password_hash and valid:
            Attempt.remove(email.lower())
            if not user.email_valid:
                return ('not_validated',)
            return ('ok', user.new_session(), user)
        Attempt.add(email.lower())
        return ('invalid',)

    @classmethod
    def ecom_wait(cls, email):
        """Seconds to wait before the next attempt for email (or from the
        shopper's IP network of the context), 0 when allowed"""
        Attempt = Pool().get('web.user.authenticate.attempt')
        table = Attempt.__table__()
        cursor = Transaction().connection.cursor()
        over = []
        if Attempt.count(email.lower()) >= config.getint(
                'session', 'max_attempt', default=5):
            over.append(table.login == email.lower()[:512])
        _, network = Transaction().remote_address()
        if network and Attempt.count_ip() >= config.getint(
                'session', 'max_attempt_ip_network', default=300):
            over.append(table.ip_network == str(network))
        if not over:
            return 0
        where = over[0] if len(over) == 1 else over[0] | over[1]
        cursor.execute(*table.select(table.create_date,
                where=where & (table.create_date >= Attempt.delay()),
                order_by=[table.create_date.desc], limit=1))
        newest, = cursor.fetchone()
        if isinstance(newest, str):  # SQLite
            newest = dt.datetime.fromisoformat(newest)
        seconds = config.getint('session', 'timeout')
        return max(1, int(seconds - (dt.datetime.now() - newest)
                .total_seconds()) + 1)

    @classmethod
    def ecom_request_reset(cls, channel, email):
        "Mail a reset link to a validated account (at most every few min)"
        Notification = Pool().get('ecom.notification')
        user = cls._find(channel.company.id, email)
        if user is None or not user.email_valid:
            return
        expire = user.reset_password_token_expire
        if expire and not cls._due(
                expire - dt.timedelta(hours=reset_hours()),
                dt.datetime.now()):
            return
        user.set_reset_password_token()
        user.save()
        Notification.account_email(user, channel, 'password_reset',
            with_params(channel.account_url, action='reset',
                email=user.email, token=user.reset_password_token))

    @classmethod
    def ecom_set_password(cls, channel, email, token, password):
        "'ok', 'invalid' (token) or ('too_many', seconds)"
        pool = Pool()
        Attempt = pool.get('web.user.authenticate.attempt')
        Session = pool.get('web.user.session')
        wait = cls.ecom_wait(email)
        if wait:
            return ('too_many', wait)
        user = cls._find(channel.company.id, email)
        if (user and token and user.reset_password_token == token
                and user.reset_password_token_expire
                and user.reset_password_token_expire > dt.datetime.now()):
            user.clear_reset_password_token()
            user.password = password
            user.save()
            Session.delete(Session.search([('user', '=', user.id)]))
            Attempt.remove(email.lower())
            return ('ok',)
        Attempt.add(email.lower())
        return ('invalid',)
