"""Storefront customer accounts over real HTTP with a real SMTP server
(mixed into the intake HTTP test: its demo database, server and inbox)."""
import re
import time
import urllib.parse

ACCOUNT_URL = 'https://alpine.example/account'


class AccountsHTTPTests:
    "POST …/accounts/sign-up, validate, login, session, logout, password"

    def account(self, action, body, channel=None, key=None):
        return self.post(f"{channel or self.fx['app']}/accounts/{action}",
            body, {'Authorization': f"Bearer {key or self.fx['app_key']}"})

    def enable_accounts(self):
        self.rpc('model.ecom.channel.write', [self.fx['app']],
            {'account_url': ACCOUNT_URL}, {})

    def link_of(self, message):
        link, = re.findall(re.escape(ACCOUNT_URL) + r'\?\S+',
            message.get_content())
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))

    def mails_to(self, address):
        return [m for m in self.inbox if m['To'] == address]

    def wait_for_count(self, address, count):
        deadline = time.monotonic() + 30
        while len(self.mails_to(address)) < count:
            if time.monotonic() > deadline:
                self.fail(f"{count} emails to {address} expected, got "
                    f"{len(self.mails_to(address))}")
            time.sleep(0.2)
        return self.mails_to(address)[count - 1]

    def test_account_sign_up_to_new_password(self):
        "Sign-up, emailed link, login, reset by email, new password"
        self.enable_accounts()
        address = 'marta.account@example.com'
        status, body = self.account('sign-up', {'email': address.title(),
                'password': 'first-pass-1', 'name': "Marta Soler",
                'lang': 'es'})
        self.assertEqual((status, body), (202, {'status': 'check_your_email'}))
        message = self.wait_for(address)
        self.assertEqual(message['Subject'],
            "Confirma tu correo electrónico en " + self.fx['app_name'])
        params = self.link_of(message)
        self.assertEqual(params['action'], 'validate')
        # the outbox keeps the email, not the link that opens the account
        sent, = self.rpc('model.ecom.notification.search_read', [
                ('recipient', '=', address)], 0, None, None,
            ['event', 'state', 'body'], {})
        self.assertEqual((sent['event'], sent['state']),
            ('account_validation', 'sent'))
        self.assertNotIn(params['token'], sent['body'])

        login = {'email': address, 'password': 'first-pass-1'}
        status, body = self.account('login', login)
        self.assertEqual((status, body['code']), (403, 'not_validated'))
        status, body = self.account('validate', {'token': 'abc'})
        self.assertEqual((status, body['errors'][0]['field']), (400, 'token'))
        status, body = self.account('validate', {'token': params['token']})
        self.assertEqual(status, 200, body)
        self.assertEqual((body['status'], body['email'], body['name']),
            ('validated', address, "Marta Soler"))
        party, = self.read('party.party', [body['customer']],
            ['name', 'email'])
        self.assertEqual((party['name'], party['email']),
            ("Marta Soler", address))

        status, body = self.account('login', dict(login, password='nope'))
        self.assertEqual((status, body['code']), (401, 'invalid_credentials'))
        status, body = self.account('login', login)
        self.assertEqual(status, 200, body)
        session = body['session']
        status, body = self.account('session', {'session': session})
        self.assertEqual((status, body['email']), (200, address))

        # signing up again: the same answer, an email to the owner
        status, body = self.account('sign-up', {'email': address,
                'password': 'other-pass-22'})
        self.assertEqual((status, body), (202, {'status': 'check_your_email'}))
        notice = self.wait_for_count(address, 2)
        self.assertEqual(notice['Subject'],
            "Ya tienes una cuenta en " + self.fx['app_name'])

        # a reset: unknown addresses get the same answer and no email
        for email in ['nobody.account@example.com', address]:
            status, body = self.account('password-reset', {'email': email})
            self.assertEqual((status, body),
                (202, {'status': 'check_your_email'}))
        reset = self.link_of(self.wait_for_count(address, 3))
        self.assertEqual((reset['action'], reset['email']),
            ('reset', address))
        self.assertEqual(self.mails_to('nobody.account@example.com'), [])
        new = {'email': address, 'token': reset['token'],
            'password': 'second-pass-2'}
        status, body = self.account('password', dict(new, token='abc'))
        self.assertEqual((status, body['code']), (400, 'invalid_token'))
        status, body = self.account('password', new)
        self.assertEqual((status, body), (200, {'status': 'password_changed'}))
        status, body = self.account('session', {'session': session})
        self.assertEqual(status, 401, body)  # sessions end with the change
        status, _ = self.account('login', login)
        self.assertEqual(status, 401)
        status, body = self.account('login',
            dict(login, password='second-pass-2'))
        self.assertEqual(status, 200, body)
        status, body = self.account('logout', {'session': body['session']})
        self.assertEqual((status, body), (200, {'status': 'logged_out'}))

    def test_account_bad_input_and_brute_force(self):
        "Each bad field named, nothing written; guessing gets 429"
        self.enable_accounts()
        status, body = self.account('sign-up', {'email': 'nope',
                'password': 'short', 'age': 3})
        self.assertEqual(status, 422, body)
        self.assertEqual([(e['field'], e['reason']) for e in body['errors']], [
                ('age', "is not a field of this request"),
                ('email', ("'nope' is not an email address (like "
                        "ana@example.com)")),
                ('password', "must have at least 8 characters")])
        self.assertEqual(self.rpc('model.web.user.search_count',
                [('email', '=', 'nope')], {}), 0)
        status, body = self.account('login', {'email': 'a@example.com',
                'password': 'x' * 9, 'client_ip': '999.1.1.1'})
        self.assertEqual((status, body['errors'][0]['field']),
            (422, 'client_ip'))
        status, body = self.account('sign-up', {'email': 'a@example.com',
                'password': 'long-enough-1'}, channel=self.fx['other'],
            key=self.fx['other_key'])
        self.assertEqual((status, body['code']), (404, 'no_accounts'))
        self.assertEqual(self.rpc('model.web.user.search_count',
                [('email', '=', 'a@example.com')], {}), 0)

        guess = {'email': 'brute.account@example.com', 'password': 'guess-1',
            'client_ip': '198.51.100.7'}
        for _ in range(5):
            status, body = self.account('login', guess)
            self.assertEqual(status, 401, body)
        status, body = self.account('login', guess)
        self.assertEqual((status, body['code']), (429, 'too_many_requests'))
        self.assertIn("retry in", body['errors'][0]['reason'])
