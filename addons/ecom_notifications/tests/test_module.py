import datetime as dt

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_notifications.notification import (
    placeholders,
    render,
)
from trytond.modules.ecom_notifications.retention import REMOVED
from trytond.modules.ecom_orders.tests.tools import create_channel
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .test_erase import EraseMixin


class EcomNotificationsTestCase(
        EraseMixin, DependencyCacheMixin, SpanishTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce notifications module"
    module = 'ecom_notifications'

    def test_placeholders(self):
        self.assertEqual(placeholders("Order {order} for {customer}"),
            {'order', 'customer'})
        self.assertEqual(placeholders("no braces"), set())

    def test_smtp_timeout(self):
        "The mail server is always called with a timeout"
        from trytond import config

        from ..notification import smtp_uri
        uri = config.get('email', 'uri')
        try:
            for configured, used in [
                    ('smtp://localhost:25', 'smtp://localhost:25?timeout=10'),
                    ('smtp://h:25?user=a', 'smtp://h:25?user=a&timeout=10'),
                    ('smtp://h:25?timeout=3', 'smtp://h:25?timeout=3')]:
                config.set('email', 'uri', configured)
                self.assertEqual(smtp_uri(), used)
        finally:
            config.set('email', 'uri', uri)

    def test_render_never_raises(self):
        "Specs, conversions, unknown names and lone braces render safely"
        values = {'total': '12.50 €', 'customer': "Ona"}
        self.assertEqual(render("{customer}: {total}", values),
            "Ona: 12.50 €")
        self.assertEqual(render("{total:d} {customer:>999999999} {x}",
                values), "12.50 € Ona {x}")
        self.assertEqual(render("{customer!r}", values), "Ona")
        self.assertEqual(render("oops {", values), "oops {")

    @with_transaction()
    def test_template_format_specs_refused(self):
        "A template with a format spec, conversion or lone brace is refused"
        Template = Pool().get('ecom.notification.template')
        template, = Template.search([
                ('event', '=', 'shipped'), ('language', '=', 'en')])
        for text, says in [
                ("Total {total:d}", "{total:d}"),
                ("Hi {customer:>999999999}", "{customer:>999999999}"),
                ("Hi {customer!r}", "{customer!r}"),
                ("Hi {customer", "not a valid template"),
                ]:
            with self.subTest(text=text):
                with self.assertRaises(ValidationError) as cm:
                    Template.write([template], {'body': text})
                self.assertIn(says, cm.exception.message)
                self.assertIn('"Body"', cm.exception.message)

    def test_webhook_url_problems(self):
        "https to a public host only; loopback, private, link-local refused"
        from trytond import config

        from ..outbound import url_problem
        for url, problem in [
                ('https://93.184.216.34/status', None),
                ('https://shop.example.com/status', None),
                ('http://93.184.216.34/status', 'https'),
                ('ftp://shop.example.com/', 'https'),
                ('https://127.0.0.1:8000/', 'public'),
                ('https://localhost/', 'public'),
                ('https://10.1.2.3/', 'public'),
                ('https://192.168.1.1/', 'public'),
                ('https://169.254.169.254/latest', 'public'),
                ('https://[::1]/', 'public'),
                ('https://[::ffff:127.0.0.1]/', 'public'),
                ('https://0.0.0.0/', 'public'),
                ('https:///no-host', 'invalid'),
                ('https://host:port/', 'invalid'),
                ]:
            with self.subTest(url=url):
                self.assertEqual(url_problem(url), problem)
        if not config.has_section('ecom'):
            config.add_section('ecom')
        config.set('ecom', 'webhook_private_hosts', 'True')
        try:
            self.assertIsNone(url_problem('http://127.0.0.1:8000/'))
        finally:
            config.set('ecom', 'webhook_private_hosts', 'False')

    def test_webhook_redirect_not_followed(self):
        "A storefront answering a redirection is not followed: failed"
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        from trytond import config

        from ..outbound import Refused, post
        calls = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                calls.append(self.path)
                self.send_response(302)
                self.send_header('Location', 'http://169.254.169.254/')
                self.end_headers()

            def log_message(self, *args):
                pass
        server = HTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        if not config.has_section('ecom'):
            config.add_section('ecom')
        config.set('ecom', 'webhook_private_hosts', 'True')
        try:
            with self.assertRaises(Refused) as cm:
                post(f'http://127.0.0.1:{server.server_port}/status', b'{}',
                    {}, 5)
        finally:
            config.set('ecom', 'webhook_private_hosts', 'False')
            server.shutdown()
        self.assertEqual(str(cm.exception),
            "the storefront answered a redirection (HTTP 302)")
        self.assertEqual(calls, ['/status'])
        with self.assertRaises(Refused) as cm:
            post('http://127.0.0.1:9/status', b'{}', {}, 5)
        self.assertEqual(str(cm.exception),
            "the webhook URL must start with https://")

    @with_transaction()
    def test_default_templates_en_es(self):
        "Every event has an English and a Spanish template"
        Template = Pool().get('ecom.notification.template')
        found = {(t.event, t.language) for t in Template.search([])}
        self.assertEqual(found, {(e, l)
                for e in ['order_confirmation', 'shipped', 'refund']
                for l in ['en', 'es']})
        template = Template.find('shipped', 'fr')
        self.assertEqual(template.language, 'en')

    @with_transaction()
    def test_purge_expired_notifications(self):
        "Sent notifications past retention keep no recipient nor text"
        pool = Pool()
        Notification = pool.get('ecom.notification')
        Company = pool.get('company.company')
        company = create_company()
        with set_company(company):
            channel = create_channel()
            self.assertEqual(company.ecom_notification_retention_days, 365)
            Company.write([company], {'ecom_notification_retention_days': 30})

            def notification(state, days):
                record, = Notification.create([{'company': company.id,
                            'channel': channel.id, 'event': 'shipped',
                            'kind': 'email', 'recipient': 'ana@x.com',
                            'subject': "Shipped", 'body': "Hi Ana",
                            'state': state}])
                table = Notification.__table__()
                Transaction().connection.cursor().execute(*table.update(
                        [table.create_date],
                        [dt.datetime.now() - dt.timedelta(days=days)],
                        where=table.id == record.id))
                return record
            old, failed = notification('sent', 40), notification('failed', 40)
            queued, recent = notification('queued', 40), notification('sent', 5)
            self.assertEqual(Notification.purge_expired(), 2)
            for record in [old, failed]:
                record = Notification(record.id)
                self.assertEqual(
                    (record.recipient, record.subject, record.body),
                    (REMOVED.format(days=30), None, None))
                self.assertEqual(record.event, 'shipped')
            # not sent yet, or recent: untouched
            for record in [queued, recent]:
                record = Notification(record.id)
                self.assertEqual((record.recipient, record.body),
                    ('ana@x.com', "Hi Ana"))
            self.assertEqual(Notification.purge_expired(), 0)


del ModuleTestCase
