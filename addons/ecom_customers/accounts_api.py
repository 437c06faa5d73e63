"""Storefront customer accounts over HTTP (the storefront's server calls
these with its channel API key; web_account.py does the work).

POST /<db>/ecom/v1/channels/<id>/accounts/<action>
    sign-up         {"email", "password", "name"?, "lang"?}
                    202 {"status": "check_your_email"}: the same answer
                    whether or not the address has an account
    validate        {"token"}  200 {"status": "validated", "customer"}
                    400 when the link is not valid or expired
    login           {"email", "password", "client_ip"?}
                    200 {"session", "customer", "email"}; 401 for a wrong
                    address or password alike; 403 before validation;
                    429 + Retry-After past the attempts allowed
    session         {"session"}  200 the account, 401 when ended
    logout          {"session"}  200 {"status": "logged_out"}
    password-reset  {"email"}  202 {"status": "check_your_email"} always
    password        {"email", "token", "password", "client_ip"?}
                    200 {"status": "password_changed"}; 400 bad link;
                    429 + Retry-After
Bad fields: 422 naming each; a channel without an Account Page URL: 404.
"""
import ipaddress

from trytond.modules.ecom_orders.api import (
    IntakeError,
    channel_endpoint,
    contribute,
    response,
    write,
)
from trytond.transaction import Transaction

from .routes import EMAIL, MAX_EMAIL, MAX_NAME
from .web_account import password_problem

contribute(__file__)

LANGS = 2
MAX_TOKEN = 200
MAX_SECRET = 128
CHECK_EMAIL = {'status': 'check_your_email'}


class _Fields:
    "Reads a body's fields, collecting each bad one with its reason"

    def __init__(self, data, allowed):
        if not isinstance(data, dict):
            raise IntakeError(400, [('body', "is not a JSON object")],
                'bad_request')
        self.data, self.errors = data, []
        for name in sorted(set(data) - set(allowed)):
            self.errors.append((name, "is not a field of this request"))

    def text(self, name, limit, required=True):
        value = self.data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.errors.append((name, "is required" if value in (None, '')
                    else "must be a string"))
            return None
        if len(value) > limit:
            self.errors.append((name, f"is longer than {limit} characters"))
            return None
        return value.strip()

    def secret(self, name):
        "A password as given (spaces count)"
        value = self.data.get(name)
        if not isinstance(value, str) or not value:
            self.errors.append((name, "is required"))
        elif len(value) > MAX_SECRET:
            self.errors.append(
                (name, f"is longer than {MAX_SECRET} characters"))
        else:
            return value
        return None

    def email(self):
        email = self.text('email', MAX_EMAIL)
        if email and not EMAIL.match(email):
            self.errors.append(('email', (f"{email!r} is not an email "
                        "address (like ana@example.com)")))
        return email.lower() if email else None

    def password(self, pool, email=None):
        password = self.data.get('password')
        with Transaction().start(pool.database_name, 0, readonly=True):
            problem = password_problem(pool, password, email)
        if problem:
            self.errors.append(('password', problem))
        return password

    def client_ip(self):
        value = self.text('client_ip', 45, required=False)
        if value is None:
            return None
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            self.errors.append(('client_ip', (f"{value!r} is not an IP "
                        "address")))
            return None

    def done(self):
        if self.errors:
            raise IntakeError(422, self.errors, 'invalid')


def _channel(pool, channel_id):
    channel = pool.get('ecom.channel')(channel_id)
    if not channel.account_url:
        raise IntakeError(404, [('channel', ("has no customer accounts: "
                        "its Account Page URL is empty"))], 'no_accounts')
    return channel


def _run(pool, channel_id, company_id, func, client_ip=None):
    "func(channel) in a writing transaction, the shopper's IP in context"
    def run():
        request = {'remote_addr': client_ip} if client_ip else None
        with Transaction().set_context(_request=request):
            return func(_channel(pool, channel_id))
    return write(pool, company_id, run)


def _too_many(seconds):
    answer = response(429, {'status': 'rejected',
            'code': 'too_many_requests', 'errors': [{'field': 'email',
                    'reason': (f"too many attempts: retry in {seconds} "
                        "s")}]})
    answer.headers['Retry-After'] = str(seconds)
    return answer


def _account(user):
    return {'email': user.email,
        'customer': user.party.id if user.party else None,
        'name': user.party.name if user.party else user.ecom_name}


@channel_endpoint('accounts/sign-up', 'account sign-up')
def sign_up(pool, channel_id, company_id, data):
    fields = _Fields(data, {'email', 'password', 'name', 'lang'})
    email = fields.email()
    password = fields.password(pool, email)
    name = fields.text('name', MAX_NAME, required=False)
    lang = fields.text('lang', 5, required=False)
    if lang and not lang[:2].isalpha():
        fields.errors.append(('lang', f"{lang!r} is not a language code"))
    fields.done()
    _run(pool, channel_id, company_id,
        lambda channel: pool.get('web.user').ecom_sign_up(channel, email,
            password, name, lang[:LANGS].lower() if lang else None))
    return response(202, CHECK_EMAIL)


@channel_endpoint('accounts/validate', 'account validation')
def validate(pool, channel_id, company_id, data):
    fields = _Fields(data, {'token'})
    token = fields.text('token', MAX_TOKEN)
    fields.done()
    user = _run(pool, channel_id, company_id,
        lambda channel: _id(pool.get('web.user').ecom_validate(
                channel, token)))
    if user is None:
        raise IntakeError(400, [('token', ("is not valid: the link is "
                        "wrong, used or expired; sign up again for a new "
                        "one"))], 'invalid_token')
    return response(200, dict(_validated(pool, user), status='validated'))


def _id(record):
    return record.id if record else None


def _validated(pool, user):
    "The validated account's answer (read once committed)"
    with Transaction().start(pool.database_name, 0, readonly=True):
        return _account(pool.get('web.user')(user))


@channel_endpoint('accounts/login', 'account login')
def login(pool, channel_id, company_id, data):
    fields = _Fields(data, {'email', 'password', 'client_ip'})
    email = fields.email()
    password = fields.secret('password')
    client_ip = fields.client_ip()
    fields.done()
    outcome = _run(pool, channel_id, company_id,
        lambda channel: _login(pool, channel, email, password),
        client_ip)
    if outcome[0] == 'too_many':
        return _too_many(outcome[1])
    if outcome[0] == 'invalid':
        raise IntakeError(401, [('password', ("the email address or the "
                        "password is wrong"))], 'invalid_credentials')
    if outcome[0] == 'not_validated':
        raise IntakeError(403, [('email', ("is not validated yet: open the "
                        "link of the email we sent"))], 'not_validated')
    return response(200, dict(_validated(pool, outcome[2]),
            session=outcome[1]))


def _login(pool, channel, email, password):
    outcome = pool.get('web.user').ecom_login(channel, email, password)
    return outcome[:2] + (_id(outcome[2]),) if outcome[0] == 'ok' else outcome


def _session_user(pool, channel_id, company_id, key, end=False):
    def run(channel):
        Session = pool.get('web.user.session')
        user = Session.get_user(key)
        if user is None or user.ecom_company != channel.company:
            return None
        if end:
            Session.remove(key)
        else:
            Session.reset(key)  # a session in use stays open
        return user.id
    return _run(pool, channel_id, company_id, run)


@channel_endpoint('accounts/session', 'account session')
def session(pool, channel_id, company_id, data):
    fields = _Fields(data, {'session'})
    key = fields.text('session', MAX_TOKEN)
    fields.done()
    user = _session_user(pool, channel_id, company_id, key)
    if user is None:
        raise IntakeError(401, [('session', "is unknown or has ended")],
            'invalid_session')
    return response(200, _validated(pool, user))


@channel_endpoint('accounts/logout', 'account logout')
def logout(pool, channel_id, company_id, data):
    fields = _Fields(data, {'session'})
    key = fields.text('session', MAX_TOKEN)
    fields.done()
    _session_user(pool, channel_id, company_id, key, end=True)
    return response(200, {'status': 'logged_out'})


@channel_endpoint('accounts/password-reset', 'password reset request')
def password_reset(pool, channel_id, company_id, data):
    fields = _Fields(data, {'email'})
    email = fields.email()
    fields.done()
    _run(pool, channel_id, company_id,
        lambda channel: pool.get('web.user').ecom_request_reset(
            channel, email))
    return response(202, CHECK_EMAIL)


@channel_endpoint('accounts/password', 'new password')
def new_password(pool, channel_id, company_id, data):
    fields = _Fields(data, {'email', 'token', 'password', 'client_ip'})
    email = fields.email()
    token = fields.text('token', MAX_TOKEN)
    password = fields.password(pool, email)
    client_ip = fields.client_ip()
    fields.done()
    outcome = _run(pool, channel_id, company_id,
        lambda channel: pool.get('web.user').ecom_set_password(
            channel, email, token, password), client_ip)
    if outcome[0] == 'too_many':
        return _too_many(outcome[1])
    if outcome[0] == 'invalid':
        raise IntakeError(400, [('token', ("is not valid: the link is "
                        "wrong, used or expired; ask for a new one"))],
            'invalid_token')
    return response(200, {'status': 'password_changed'})

