import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from ..newsletter import TokenError, TooSoon, confirm, make_token, read_token
from ..routes import parse_sign_up
from .test_accounts import AccountsMixin
from .test_automation import AutomationMixin
from .test_erase import EraseMixin
from .test_segment import SegmentMixin


def _list(company, hours=48):
    List = Pool().get('marketing.email.list')
    list_, = List.create([{'name': "News", 'ecom_company': company.id,
                'ecom_text_version': 'news-v2', 'ecom_confirm_hours': hours}])
    return list_


def _subscribers(list_, *emails, active=True):
    Email = Pool().get('marketing.email')
    return Email.create([{'email': e, 'list_': list_.id, 'active': active}
            for e in emails])


class EcomCustomersTestCase(
        AccountsMixin, AutomationMixin, EraseMixin, SegmentMixin,
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce customers module"
    module = 'ecom_customers'
    # lists without a company stay visible to all: upstream's marketing
    # lists (the rule is ecom_company empty OR in the user's companies)
    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('marketing.email.list', 'ecom_company'),
            # accounts staff create in upstream's menu have no company
            ('web.user', 'ecom_company')}

    @with_transaction()
    def test_consent_ledger_is_append_only(self):
        "An entry cannot be changed or deleted: a new entry says more"
        Consent = Pool().get('ecom.customer.consent')
        company = create_company()
        with set_company(company):
            entry, = Consent.create([{'address': ' Ana@Example.com ',
                        'action': 'grant', 'text_version': 'v1'}])
            self.assertEqual(
                (entry.address, entry.source, entry.channel),
                ('ana@example.com', 'staff', 'email'))
            for change in [lambda: Consent.write([entry], {'action':
                            'withdraw'}), lambda: Consent.delete([entry])]:
                with self.assertRaises(AccessError) as cm:
                    change()
                self.assertIn("ledger", cm.exception.message)

    @with_transaction()
    def test_latest_entry_decides(self):
        "Granted, withdrawn, granted again: the latest entry counts"
        Consent = Pool().get('ecom.customer.consent')
        company = create_company()
        t0 = dt.datetime(2026, 1, 1)
        with set_company(company):
            Consent.create([
                    {'address': 'a@x.com', 'action': 'grant',
                        'text_version': 'v1', 'recorded_at': t0},
                    {'address': 'a@x.com', 'action': 'withdraw',
                        'recorded_at': t0 + dt.timedelta(days=1)},
                    {'address': 'b@x.com', 'action': 'withdraw',
                        'recorded_at': t0},
                    {'address': 'B@x.com', 'action': 'grant',
                        'text_version': 'v2',
                        'recorded_at': t0 + dt.timedelta(days=2)},
                    {'address': '+34 600 11 22 33', 'channel': 'sms',
                        'action': 'grant', 'text_version': 'v1'},
                    ])
            addresses = ['a@x.com', 'b@x.com', 'c@x.com', 'B@X.com']
            self.assertEqual(
                Consent.status(company.id, 'email', addresses),
                {'a@x.com': 'withdraw', 'b@x.com': 'grant'})
            self.assertEqual(
                Consent.consenting(company.id, 'email', addresses),
                {'b@x.com', 'B@X.com'})
            self.assertEqual(Consent.consenting(
                    company.id, 'sms', ['+34600112233']), {'+34600112233'})
            # another company knows nothing of these
            other = create_company()
            self.assertEqual(
                Consent.consenting(other.id, 'email', addresses), set())

    @with_transaction()
    def test_record_does_not_repeat(self):
        "Recording the same state twice keeps one entry; a new text adds one"
        Consent = Pool().get('ecom.customer.consent')
        company = create_company()
        with set_company(company):
            for version in ['v1', 'v1', 'v2']:
                Consent.record(company.id, 'email', 'a@x.com', 'grant',
                    'form', text_version=version)
            Consent.record(company.id, 'email', 'a@x.com', 'withdraw',
                'unsubscribe')
            Consent.record(company.id, 'email', 'a@x.com', 'withdraw',
                'unsubscribe')
            self.assertEqual(
                [(c.action, c.text_version) for c in Consent.search([])],
                [('withdraw', None), ('grant', 'v2'), ('grant', 'v1')])

    @with_transaction()
    def test_mailing_goes_only_to_consenting(self):
        "A newsletter is sent to granted addresses only"
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        Message = pool.get('marketing.email.message')
        company = create_company()
        with set_company(company):
            list_ = _list(company)
            granted, _withdrawn, _never = _subscribers(
                list_, 'a@x.com', 'b@x.com', 'c@x.com')
            Consent.record(company.id, 'email', 'a@x.com', 'grant', 'form',
                text_version='v1')
            Consent.record(company.id, 'email', 'b@x.com', 'grant', 'form',
                text_version='v1')
            Consent.record(company.id, 'email', 'b@x.com', 'withdraw',
                'staff')
            message, = Message.create([{'list_': list_.id,
                        'title': "Spring sale", 'content': '<p>Hi</p>'}])
            self.assertEqual(
                message.ecom_recipients(list(list_.emails)), [granted])

    @with_transaction()
    def test_confirmation_token(self):
        "A valid link confirms; a changed or late one is refused"
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        company = create_company()
        now = dt.datetime(2026, 5, 1, 12)
        with set_company(company):
            list_ = _list(company, hours=48)
            subscription, = _subscribers(list_, 'ana@x.com', active=False)
            token = make_token(subscription, 'checkout', 'news-v2', now=now)

            _payload, signature = token.split('.')
            forged = make_token(subscription, 'checkout', 'news-v3',
                now=now).split('.')[0] + '.' + signature
            for bad, reason in [
                    (forged, "changed or is not ours"),
                    (token[:-1] + ('0' if token[-1] != '0' else '1'),
                        "changed or is not ours"),
                    ('garbage', "not a confirmation link"),
                    ('', "not a confirmation link")]:
                with self.assertRaises(TokenError) as cm:
                    read_token(bad, now=now)
                self.assertIn(reason, str(cm.exception))
                self.assertFalse(cm.exception.expired)
            with self.assertRaises(TokenError) as cm:
                read_token(token, now=now + dt.timedelta(hours=49))
            self.assertTrue(cm.exception.expired)
            self.assertFalse(subscription.active)
            self.assertEqual(Consent.search([]), [])

            confirm(token, now=now + dt.timedelta(hours=47))
            confirm(token, now=now + dt.timedelta(hours=47))  # used once
            self.assertTrue(subscription.active)
            entry, = Consent.search([])
            self.assertEqual(
                (entry.address, entry.action, entry.source,
                    entry.text_version),
                ('ana@x.com', 'grant', 'checkout', 'news-v2'))

            # unsubscribed, the old link cannot subscribe her again
            pool.get('marketing.email').unsubscribe(
                [subscription.email_token])
            with self.assertRaises(TokenError) as cm:
                confirm(token, now=now + dt.timedelta(hours=47))
            self.assertIn("before the address was unsubscribed",
                str(cm.exception))
            self.assertEqual(
                Consent.status(company.id, 'email', ['ana@x.com']),
                {'ana@x.com': 'withdraw'})
            self.assertFalse(subscription.active)

    @with_transaction()
    def test_sign_up_throttled(self):
        "One confirmation email per address and list every 10 minutes"
        pool = Pool()
        Email = pool.get('marketing.email')
        company = create_company()
        with set_company(company):
            list_ = _list(company)
            subscription = list_.ecom_sign_up('ana@x.com')
            first = subscription.ecom_confirm_sent_at
            self.assertTrue(first)
            with self.assertRaises(TooSoon) as cm:
                list_.ecom_sign_up('Ana@X.com')
            self.assertTrue(500 < cm.exception.seconds <= 601,
                cm.exception.seconds)
            self.assertEqual(
                Email(subscription.id).ecom_confirm_sent_at, first)
            # another list is another consent: not throttled
            other, = pool.get('marketing.email.list').create([{
                        'name': "Other", 'ecom_company': company.id}])
            other.ecom_sign_up('ana@x.com')
            # ten minutes later a new link is sent
            Email.write([subscription], {'ecom_confirm_sent_at':
                    first - dt.timedelta(minutes=10, seconds=1)})
            again = list_.ecom_sign_up('ana@x.com')
            self.assertGreater(again.ecom_confirm_sent_at, first)
            self.assertEqual(Email.search([('email', '=', 'ana@x.com'),
                        ('active', '=', False)], count=True), 2)

    @with_transaction()
    def test_unsubscribe_records_withdrawal(self):
        "The unsubscribe link of a newsletter withdraws the consent"
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        Email = pool.get('marketing.email')
        company = create_company()
        with set_company(company):
            list_ = _list(company)
            subscription, = _subscribers(list_, 'ana@x.com')
            Consent.record(company.id, 'email', 'ana@x.com', 'grant',
                'form', text_version='v1')
            Email.unsubscribe([subscription.email_token])
            self.assertFalse(subscription.active)
            self.assertEqual(
                Consent.status(company.id, 'email', ['ana@x.com']),
                {'ana@x.com': 'withdraw'})

    def test_sign_up_body_errors(self):
        "Every field of a bad sign-up is named"
        with self.assertRaises(Exception) as cm:
            parse_sign_up({'email': 'not-an-email', 'list': '',
                    'source': 'fax', 'extra': 1})
        self.assertEqual(cm.exception.errors, [
                ('email', ("'not-an-email' is not an email address (like "
                    "ana@example.com)")),
                ('list', "is required: the list's id or name"),
                ('source', "'fax' is not one of form, checkout"),
                ('extra', "is not a field of a sign-up")])
        for list_, reason in [(2 ** 91, f"{2 ** 91} is not a list id"),
                (0, "0 is not a list id"),
                ('x' * 201, "is longer than 200 characters")]:
            with self.assertRaises(Exception) as cm:
                parse_sign_up({'email': 'a@example.com', 'list': list_})
            self.assertEqual(cm.exception.errors, [('list', reason)])
            self.assertEqual(cm.exception.status, 422)
        self.assertEqual(
            parse_sign_up({'email': ' Ana@Example.COM', 'list': 3}),
            ('ana@example.com', 3, 'form'))

    @with_transaction()
    def test_erase_refused_with_open_orders(self):
        "A customer with an open order is not erased; the orders are named"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Erase = pool.get('party.erase', type='wizard')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{'name': "Ana"}])
            sale, = Sale.create([{'party': customer.id,
                        'company': company.id,
                        'currency': company.currency.id}])
            Party.write([customer], {'active': False})
            session_id, _, _ = Erase.create()
            erase = Erase(session_id)
            erase.ask.party = customer
            with self.assertRaises(EraseError) as cm:
                erase.transition_erase()
            self.assertEqual(cm.exception.message, (
                    f'Customer "Ana" cannot be erased: 1 orders of '
                    f'{company.rec_name} are still open (draft {sale.id}). '
                    'Finish or cancel them first; invoices are kept either '
                    'way.'))
            self.assertEqual(Party(customer.id).name, "Ana")

    @with_transaction()
    def test_erase_anonymises_consents_and_subscriptions(self):
        "Erasing a customer blanks their consent entries and subscriptions"
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('ecom.customer.consent')
        Erase = pool.get('party.erase', type='wizard')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{'name': "Ana",
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'Ana@x.com'}])]}])
            list_ = _list(company)
            subscription, = _subscribers(list_, 'ana@x.com')
            Consent.record(company.id, 'email', 'ana@x.com', 'grant', 'form',
                text_version='v1', party=customer, note="at checkout")
            Party.write([customer], {'active': False})
            session_id, _, _ = Erase.create()
            erase = Erase(session_id)
            erase.ask.party = customer
            erase.transition_erase()
            entry, = Consent.search([])
            self.assertEqual((entry.address, entry.note, entry.action),
                ('****', None, 'grant'))
            subscription = pool.get('marketing.email')(subscription.id)
            self.assertEqual(subscription.email,
                f'erased-{subscription.id}@erased.invalid')
            self.assertFalse(subscription.active)


del ModuleTestCase
