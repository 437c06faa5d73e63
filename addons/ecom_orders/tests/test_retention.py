"""Retention of storefront payloads (mixed into the module's test case)."""
import datetime as dt
import json

from trytond.model.exceptions import DomainValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..retention import PURGED, minimise
from .tools import create_channel


def _age(Model, records, column, days):
    "Move the records' column days into the past"
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([getattr(table, column)],
            [dt.datetime.now() - dt.timedelta(days=days)],
            where=table.id.in_([r.id for r in records])))


class RetentionMixin:

    def test_minimise_drops_client_details(self):
        "Stored payloads lose the client details no replay reads"
        order = {'id': 7, 'billing': {'email': 'a@x.com'},
            'customer_ip_address': '203.0.113.9',
            'customer_user_agent': 'Firefox', 'line_items': []}
        kept = json.loads(minimise('woocommerce', json.dumps(order)))
        self.assertEqual(kept, {'id': 7, 'billing': {'email': 'a@x.com'},
                'line_items': []})
        shopify = {'id': 1, 'browser_ip': '203.0.113.9',
            'client_details': {'user_agent': 'x'}, 'email': 'a@x.com',
            'landing_site': '/?utm_source=x'}
        # the landing page is kept: the order's attribution reads it
        self.assertEqual(json.loads(minimise('shopify', json.dumps(shopify))),
            {'id': 1, 'email': 'a@x.com', 'landing_site': '/?utm_source=x'})
        # what is not a JSON object, or of the generic format, is kept as is
        for kind, text in [('woocommerce', '{"customer_ip_address": '),
                ('woocommerce', '[1]'), ('generic', '{"browser_ip": 1}')]:
            self.assertEqual(minimise(kind, text), text)

    @with_transaction()
    def test_purge_expired_payloads(self):
        "Payloads and addresses past each company's retention are blanked"
        pool = Pool()
        Log = pool.get('ecom.intake.log')
        Event = pool.get('ecom.storefront.event')
        Company = pool.get('company.company')
        company = create_company()
        with set_company(company):
            channel = create_channel()
            other = create_company(name="Other")
            Company.write([company], {'ecom_payload_retention_days': 30})
            self.assertEqual(other.ecom_payload_retention_days, 90)

            def log(company_id, days):
                entry, = Log.create([{'company': company_id,
                            'kind': 'generic', 'status': 'accepted',
                            'payload': '{"email": "a@x.com"}',
                            'remote_addr': '203.0.113.9'}])
                _age(Log, [entry], 'create_date', days)
                return entry
            old, recent = log(company.id, 40), log(company.id, 10)
            other_kept, other_old = log(other.id, 40), log(other.id, 100)
            nobody = log(None, 100)

            def event(state, days, key):
                entry, = Event.create([{'company': company.id,
                            'channel': channel.id, 'kind': 'woocommerce',
                            'source': 'webhook', 'digest': key,
                            'received_at': dt.datetime.now(),
                            'payload': '{"id": 1}', 'state': state}])
                _age(Event, [entry], 'received_at', days)
                return entry
            done, pending = event('done', 40, 'a'), event('received', 40, 'b')
            fresh = event('ignored', 5, 'c')

            Event.purge_storefront_payloads()
            for entry, days in [(old, 30), (other_old, 90), (nobody, 90)]:
                entry = Log(entry.id)
                self.assertEqual((entry.payload, entry.remote_addr),
                    (PURGED.format(days=days), None))
            for entry in [recent, other_kept]:
                entry = Log(entry.id)
                self.assertEqual((entry.payload, entry.remote_addr),
                    ('{"email": "a@x.com"}', '203.0.113.9'))
                self.assertEqual(entry.status, 'accepted')
            self.assertEqual(Event(done.id).payload, PURGED.format(days=30))
            # an event not processed yet keeps what it needs to be
            self.assertEqual(Event(pending.id).payload, '{"id": 1}')
            self.assertEqual(Event(fresh.id).payload, '{"id": 1}')
            # purged once: the next run has nothing to do
            self.assertEqual(Log.purge_expired(), 0)
            self.assertEqual(Event.purge_expired(), 0)

    @with_transaction()
    def test_retention_days_bounded(self):
        "A retention of 0 days is refused naming the field"
        Company = Pool().get('company.company')
        company = create_company()
        with self.assertRaises(DomainValidationError) as cm:
            Company.write([company], {'ecom_payload_retention_days': 0})
        self.assertIn("Storefront Payload Retention", str(cm.exception))
