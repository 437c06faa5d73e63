"""Storefront accounts (web_account.py), in one transaction each; the
HTTP flow with a real SMTP server is tests/accounts_http.py."""
import datetime as dt
import urllib.parse

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_orders.tests.tools import create_channel, create_shop
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..web_account import password_problem

URL = 'https://shop.example/account'


def _shop(name="Shop"):
    "(company, channel with accounts)"
    company = create_company(name)
    with set_company(company):
        channel = create_channel(create_shop(company, name), code=name)
        channel.account_url = URL
        channel.save()
    return company, channel


def _emails(event=None):
    Notification = Pool().get('ecom.notification')
    domain = [('kind', '=', 'email')]
    if event:
        domain.append(('event', '=', event))
    return Notification.search(domain, order=[('id', 'ASC')])


def _param(body, name):
    link, = [w for w in body.split() if w.startswith(URL)]
    return dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(link).query))[name]


class AccountsMixin:
    "Sign-up, validation, login, reset on upstream web.user"

    @with_transaction()
    def test_account_sign_up_validate_login(self):
        "A sign-up mails a link; the link validates and links the customer"
        pool = Pool()
        User = pool.get('web.user')
        Party = pool.get('party.party')
        company, channel = _shop()
        with set_company(company):
            party, = Party.create([{'name': "Ona Vidal",
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'Ona@Example.com'}])]}])
            User.ecom_sign_up(channel, 'ona@example.com', 'secret-pass-1',
                "Ona", 'es')
            user, = User.search([('email', '=', 'ona@example.com')])
            self.assertFalse(user.email_valid)
            self.assertEqual(user.ecom_company, company)
            email, = _emails('account_validation')
            self.assertEqual(email.recipient, 'ona@example.com')
            self.assertEqual(email.web_user, user)
            self.assertIn('Confirma', email.subject)  # ecom_lang es
            token = _param(email.body, 'token')
            self.assertEqual(_param(email.body, 'action'), 'validate')

            # before validation: the right password is not enough
            self.assertEqual(User.ecom_login(
                    channel, 'ona@example.com', 'secret-pass-1'),
                ('not_validated',))
            # a second sign-up soon after: no new email, password kept
            User.ecom_sign_up(channel, 'ona@example.com', 'other-pass-22')
            self.assertEqual(len(_emails()), 1)

            self.assertIsNone(User.ecom_validate(channel, 'wrong'))
            validated = User.ecom_validate(channel, token)
            self.assertEqual(validated, user)
            self.assertTrue(user.email_valid)
            self.assertEqual(user.party, party)  # matched like the intake
            self.assertIsNone(User.ecom_validate(channel, token))  # used

            outcome = User.ecom_login(
                channel, 'ONA@example.com', 'secret-pass-1')
            self.assertEqual(outcome[0], 'ok')
            Session = pool.get('web.user.session')
            self.assertEqual(Session.get_user(outcome[1]), user)
            self.assertEqual(User.ecom_login(
                    channel, 'ona@example.com', 'other-pass-22'),
                ('invalid',))

            # signing up again: the address is told, nothing else changes
            User.ecom_sign_up(channel, 'ona@example.com', 'third-pass-333')
            notice, = _emails('account_exists')
            self.assertEqual(notice.recipient, 'ona@example.com')
            self.assertEqual(len(User.search([])), 1)

    @with_transaction()
    def test_account_new_customer(self):
        "Validating an address no customer has creates the customer"
        pool = Pool()
        User = pool.get('web.user')
        company, channel = _shop()
        with set_company(company):
            User.ecom_sign_up(channel, 'new@example.com', 'secret-pass-1',
                "Nil Puig", None)
            email, = _emails('account_validation')
            self.assertIn('Confirm your email', email.subject)
            user = User.ecom_validate(channel, _param(email.body, 'token'))
            self.assertEqual(user.party.name, "Nil Puig")
            self.assertEqual(user.party.email, 'new@example.com')

    @with_transaction()
    def test_account_validation_expires(self):
        pool = Pool()
        User = pool.get('web.user')
        company, channel = _shop()
        with set_company(company):
            User.ecom_sign_up(channel, 'late@example.com', 'secret-pass-1')
            user, = User.search([('email', '=', 'late@example.com')])
            token = user.email_token
            User.write([user], {'ecom_validation_sent_at':
                    dt.datetime.now() - dt.timedelta(hours=49)})
            self.assertIsNone(User.ecom_validate(channel, token))
            self.assertFalse(user.email_valid)

    @with_transaction()
    def test_account_login_attempts_limited(self):
        "Past 5 failures the address waits, even with the right password"
        pool = Pool()
        User = pool.get('web.user')
        company, channel = _shop()
        with set_company(company):
            User.create([{'email': 'bo@example.com',
                        'password': 'secret-pass-1', 'email_valid': True,
                        'ecom_company': company.id}])
            for _ in range(5):
                self.assertEqual(User.ecom_login(
                        channel, 'bo@example.com', 'guess'), ('invalid',))
            outcome = User.ecom_login(
                channel, 'bo@example.com', 'secret-pass-1')
            self.assertEqual(outcome[0], 'too_many')
            self.assertTrue(0 < outcome[1] <= 301, outcome)
            # an unknown address counts the same (nothing tells them apart)
            for _ in range(5):
                User.ecom_login(channel, 'nobody@example.com', 'guess')
            self.assertEqual(User.ecom_login(
                    channel, 'nobody@example.com', 'guess')[0], 'too_many')
            # the shopper's IP network, when the storefront gives it
            with Transaction().set_context(
                    _request={'remote_addr': '203.0.113.9'}):
                self.assertEqual(User.ecom_wait('carla@example.com'), 0)

    @with_transaction()
    def test_account_password_reset(self):
        "The reset link sets a new password once and ends the sessions"
        pool = Pool()
        User = pool.get('web.user')
        Session = pool.get('web.user.session')
        company, channel = _shop()
        with set_company(company):
            User.create([{'email': 'cai@example.com',
                        'password': 'secret-pass-1', 'email_valid': True,
                        'ecom_company': company.id}])
            _, key, _ = User.ecom_login(
                channel, 'cai@example.com', 'secret-pass-1')
            User.ecom_request_reset(channel, 'unknown@example.com')
            self.assertEqual(_emails(), [])
            User.ecom_request_reset(channel, 'cai@example.com')
            User.ecom_request_reset(channel, 'cai@example.com')  # too soon
            email, = _emails('password_reset')
            token = _param(email.body, 'token')
            self.assertEqual(_param(email.body, 'email'), 'cai@example.com')
            self.assertEqual(User.ecom_set_password(channel,
                    'cai@example.com', 'bad', 'new-secret-22'), ('invalid',))
            self.assertEqual(User.ecom_set_password(channel,
                    'cai@example.com', token, 'new-secret-22'), ('ok',))
            self.assertIsNone(Session.get_user(key))
            self.assertEqual(User.ecom_set_password(channel,
                    'cai@example.com', token, 'other-secret'), ('invalid',))
            self.assertEqual(User.ecom_login(
                    channel, 'cai@example.com', 'secret-pass-1'),
                ('invalid',))
            self.assertEqual(User.ecom_login(
                    channel, 'cai@example.com', 'new-secret-22')[0], 'ok')

    @with_transaction()
    def test_account_other_company(self):
        "An account of one company's shop is not one of another's"
        pool = Pool()
        User = pool.get('web.user')
        company, _ = _shop()
        other, other_channel = _shop("Other")
        with set_company(company):
            User.create([{'email': 'dan@example.com',
                        'password': 'secret-pass-1', 'email_valid': True,
                        'ecom_company': company.id}])
        with set_company(other):
            self.assertEqual(User.ecom_login(other_channel,
                    'dan@example.com', 'secret-pass-1'), ('invalid',))
            User.ecom_sign_up(other_channel, 'dan@example.com',
                'secret-pass-2')
            self.assertEqual(len(User.search([])), 1)
            notice, = _emails('account_exists')
            self.assertEqual(notice.channel, other_channel)

    @with_transaction()
    def test_account_password_rules(self):
        pool = Pool()
        self.assertIn("at least 8", password_problem(pool, 'short', None))
        self.assertIn("email", password_problem(
                pool, 'Ana@Example.com', 'ana@example.com'))
        self.assertIn("at most", password_problem(pool, 'x' * 129, None))
        self.assertIn("at least", password_problem(pool, None, None))
        self.assertIsNone(password_problem(pool, 'long enough 1', None))

    @with_transaction()
    def test_account_url_and_templates_checked(self):
        "Plain-http account pages and unknown placeholders are refused"
        pool = Pool()
        Template = pool.get('ecom.notification.template')
        company, channel = _shop()
        with set_company(company):
            channel.account_url = 'http://shop.example/account'
            with self.assertRaises(ValidationError) as caught:
                channel.save()
            self.assertIn('Account Page URL', caught.exception.message)
            template, = Template.search([('event', '=', 'password_reset'),
                    ('language', '=', 'es')])
            template.body = "Hola {customer}: pedido {order} {link}"
            with self.assertRaises(ValidationError) as caught:
                template.save()
            self.assertIn('{order}', caught.exception.message)
            self.assertIn('{link}', caught.exception.message)  # known ones
