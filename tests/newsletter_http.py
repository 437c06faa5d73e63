"""Newsletter double opt-in over real HTTP, with a real SMTP server
(mixed into the intake HTTP test: its demo database, server and inbox)."""
import html
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request


class NewsletterHTTPTests:
    """POST …/newsletter, the emailed link GET …/newsletter/confirm (a
    page), its button POST …/newsletter/confirm"""

    def sign_up(self, body, channel=None, key=None):
        return self.post(f"{channel or self.fx['app']}/newsletter", body, {
                'Authorization': f"Bearer {key or self.fx['app_key']}"})

    def wait_for(self, address):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for message in self.inbox:
                if message['To'] == address:
                    return message
            time.sleep(0.2)
        self.fail(f"no email to {address}")

    def open_link(self, url, data=None):
        "GET (POST with data) the link's path on the test server"
        parts = urllib.parse.urlsplit(url)
        target = f'{self.server.url.rstrip("/")}{parts.path}'
        if data is None:
            target += f'?{parts.query}'
        else:
            data = urllib.parse.urlencode(data).encode()
        try:
            with urllib.request.urlopen(
                    target, data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def press_confirm(self, link):
        "Open the link, then press the page's button: (status, page)"
        status, page = self.open_link(link)
        if status != 200:
            return status, page
        action, = re.findall(r'<form method="post" action="([^"]+)"', page)
        token, = re.findall(r'name="token" value="([^"]+)"', page)
        self.assertEqual(action, 'confirm')
        return self.open_link(link, {'token': html.unescape(token)})

    def subscription(self, email):
        return self.rpc('model.marketing.email.search_read', [
                ('email', '=', email), ('active', 'in', [True, False])],
            0, None, None, ['active', 'list_'], {})

    def test_newsletter_double_opt_in(self):
        "Sign-up mails a link; only following it subscribes and consents"
        address = 'lucia.newsletter@example.com'
        status, body = self.sign_up({'email': address.upper(),
                'list': 'Alpine News', 'source': 'checkout'})
        self.assertEqual((status, body), (202,
                {'status': 'confirmation_sent'}))
        email = self.wait_for(address)
        self.assertEqual(email['Subject'],
            "Please confirm your subscription to Alpine News")
        link, = re.findall(r'https://\S+', email.get_content())
        self.assertTrue(link.startswith(
                f'https://alpine.example/{self.database}/ecom/v1/'
                'newsletter/confirm?token='), link)
        subscription, = self.subscription(address)
        self.assertFalse(subscription['active'])
        self.assertEqual(self.rpc(
                'model.ecom.customer.consent.search_count',
                [('address', '=', address)], {}), 0)

        # a changed token is refused and changes nothing
        tampered = link[:-3] + ('abc' if not link.endswith('abc') else 'abd')
        status, page = self.open_link(tampered)
        self.assertEqual(status, 400)
        self.assertIn("the link was changed or is not ours", page)
        self.assertFalse(self.subscription(address)[0]['active'])

        # opening the link (a mail scanner, a preview) changes nothing
        status, page = self.open_link(link)
        self.assertEqual(status, 200)
        self.assertIn("Confirm my subscription", page)
        self.assertFalse(self.subscription(address)[0]['active'])
        # a changed token posted is refused too
        status, page = self.open_link(link, {'token': 'abc.def'})
        self.assertEqual(status, 400)
        self.assertFalse(self.subscription(address)[0]['active'])

        status, page = self.press_confirm(link)
        self.assertEqual(status, 200)
        self.assertIn("Subscription confirmed", page)
        self.assertTrue(self.subscription(address)[0]['active'])
        consent, = self.rpc('model.ecom.customer.consent.search_read',
            [('address', '=', address)], 0, None, None,
            ['action', 'source', 'text_version', 'channel'], {})
        self.assertEqual(
            {k: consent[k] for k in ['action', 'source', 'text_version',
                    'channel']},
            {'action': 'grant', 'source': 'checkout',
                'text_version': 'news-2026-11', 'channel': 'email'})

    def test_newsletter_bad_sign_up(self):
        "Bad bodies, unknown lists and other companies' lists: JSON errors"
        cases = [
            ({'email': 'nope', 'list': 'Alpine News'}, 422,
                [('email', ("'nope' is not an email address (like "
                    "ana@example.com)"))]),
            ({'list': 'Alpine News', 'source': 'fax'}, 422,
                [('email', "is required"),
                    ('source', "'fax' is not one of form, checkout")]),
            ({'email': 'a@example.com', 'list': 'Summer News'}, 404,
                [('list', ("no newsletter list 'Summer News' in this "
                    "channel's company"))]),
            ]
        for body, status, errors in cases:
            got, answer = self.sign_up(body)
            self.assertEqual(got, status, answer)
            self.assertEqual(
                [(e['field'], e['reason']) for e in answer['errors']], errors)
        # the other company's channel cannot sign up to this list
        got, answer = self.sign_up(
            {'email': 'a@example.com', 'list': self.fx['newsletter']},
            channel=self.fx['other'], key=self.fx['other_key'])
        self.assertEqual(got, 404, answer)
        self.assertEqual(self.subscription('a@example.com'), [])
        status, page = self.open_link(
            f'/{self.database}/ecom/v1/newsletter/confirm?token=xyz')
        self.assertEqual(status, 400)
        self.assertIn("not a confirmation link", page)

        # not JSON at all
        got, answer = self.post(f"{self.fx['app']}/newsletter", b'{', {
                'Authorization': f"Bearer {self.fx['app_key']}"})
        self.assertEqual(got, 400, answer)
        self.assertEqual(answer['errors'][0]['field'], 'body')
        self.assertTrue(
            answer['errors'][0]['reason'].startswith("malformed JSON"))

    def test_newsletter_sign_up_throttled(self):
        "A form sent again and again mails one link; 429 with Retry-After"
        address = 'repeat.newsletter@example.com'
        body = {'email': address, 'list': 'Alpine News'}
        status, _ = self.sign_up(body)
        self.assertEqual(status, 202)
        self.wait_for(address)
        before = len([m for m in self.inbox if m['To'] == address])
        request = urllib.request.Request(
            f"{self.server.url}{self.database}/ecom/v1/channels/"
            f"{self.fx['app']}/newsletter",
            data=json.dumps(body).encode(), method='POST', headers={
                'Content-Type': 'application/json',
                'Authorization': f"Bearer {self.fx['app_key']}"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(request, timeout=60)
        self.assertEqual(cm.exception.code, 429)
        self.assertTrue(0 < int(cm.exception.headers['Retry-After']) <= 600)
        answer = json.loads(cm.exception.read())
        self.assertEqual(answer['code'], 'too_many_requests')
        self.assertEqual(answer['errors'][0]['field'], 'email')
        time.sleep(1)
        self.assertEqual(
            len([m for m in self.inbox if m['To'] == address]), before)
