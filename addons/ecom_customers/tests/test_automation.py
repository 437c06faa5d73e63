"""Marketing automation scenarios (automation.py) run by their two tasks,
time advanced by moving the activities' times, emails through a real SMTP
server (aiosmtpd)."""
import datetime as dt
from decimal import Decimal

from trytond import config
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_base.tests.smtp import smtp_inbox
from trytond.modules.ecom_promotions.tests.tools import (
    cart_answer,
    create_promotion,
)
from trytond.pool import Pool
from trytond.sendmail import SMTPDataManager
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class _Inbox:
    "A real SMTP server on a free port; config's email uri points at it"

    def __enter__(self):
        self.controller, self.messages, port = smtp_inbox()
        self.uri = config.get('email', 'uri')
        config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
        return self

    def __exit__(self, *exc):
        config.set('email', 'uri', self.uri)
        self.controller.stop()

    def to(self, address):
        return [m for m in self.messages if address in m['To']]


def _run_due(hours=0):
    """The process task once the activities' time has come (hours later):
    sends what the transaction would send at its commit"""
    RecordActivity = Pool().get('marketing.automation.record.activity')
    waiting = RecordActivity.search([('state', '=', 'waiting')])
    if hours:
        RecordActivity.write(waiting, {'at': dt.datetime.now()})
    done = []
    while True:  # the children of an activity done may be due at once
        due = RecordActivity.search([('state', '=', 'waiting'),
                ('at', '<=', dt.datetime.now()),
                ('record.blocked', '!=', True)])
        if not due:
            break
        RecordActivity.do(due)
        done += due
    manager = Transaction().join(SMTPDataManager())
    manager.tpc_vote(None)
    manager.tpc_finish(None)
    return done


def _shop(company):
    pool = Pool()
    shop, = pool.get('web.shop').create([{'name': "Store"}])
    channel, = pool.get('ecom.channel').create([{'name': "Shop",
                'code': 'shop', 'shop': shop.id}])
    return channel


def _scenario(xml_id):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    return pool.get('marketing.automation.scenario')(
        ModelData.get_id('ecom_customers', xml_id))


class AutomationMixin:
    "The ready scenarios on our records, with our rules"

    @with_transaction()
    def test_automation_abandoned_cart(self):
        "Reminder, then coupon; consent, order and unsubscribe stop them"
        pool = Pool()
        Cart = pool.get('ecom.cart')
        Consent = pool.get('ecom.customer.consent')
        Scenario = pool.get('marketing.automation.scenario')
        Activity = pool.get('marketing.automation.activity')
        Record = pool.get('marketing.automation.record')
        Number = pool.get('sale.promotion.coupon.number')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company), _Inbox() as inbox:
            channel = _shop(company)
            code = company.currency.code

            def cart(email, token, accepts=True):
                return Cart.record(channel.id, company.id, {'email': email,
                        'token': token, 'coupons': [],
                        'accepts_marketing': accepts}, cart_answer(2, code))
            ana = cart('ana@example.com', 'A')
            self.assertEqual(ana.party.email, 'ana@example.com')  # a lead
            self.assertTrue(Consent.consenting(
                    company.id, 'email', ['ana@example.com']))
            cai = cart('cai@example.com', 'C')
            bo = cart('bo@example.com', 'B', accepts=False)
            self.assertIsNone(bo.party)
            Cart.write([ana, cai, bo], {'state': 'abandoned',
                    'abandoned_at': dt.datetime.now()})

            scenario = _scenario('scenario_cart')
            with self.assertRaises(ValidationError) as caught:
                Scenario.run([scenario])
            self.assertIn('"Coupon"', caught.exception.message)
            promotion = create_promotion(company, ecom_kind='fixed_order',
                ecom_amount=Decimal(5), coupons=[('create', [{
                                'company': company.id,
                                'number_of_use': 1}])])
            coupon_activity = Activity(ModelData.get_id(
                    'ecom_customers', 'activity_cart_coupon'))
            Activity.write([coupon_activity],
                {'ecom_coupon': promotion.coupons[0].id})
            Scenario.run([scenario])

            Scenario.trigger()
            records = Record.search([('scenario', '=', scenario.id)])
            # a guest without a customer or consent never enters
            self.assertEqual(sorted(r.record.email for r in records),
                ['ana@example.com', 'cai@example.com'])
            _run_due()
            first, = inbox.to('ana@example.com')
            self.assertEqual(first['Subject'],
                "You left something in your cart")
            html = first.get_body(('html',)).get_content()
            self.assertIn('P0: 2', html)
            self.assertIn('/unsubscribe?r=', html)
            self.assertEqual(len(inbox.to('cai@example.com')), 1)

            # cai abandons a second cart: not in the scenario twice
            cart('cai@example.com', 'C2')
            Cart.write(Cart.search([('token', '=', 'C2')]),
                {'state': 'abandoned', 'abandoned_at': dt.datetime.now()})
            Scenario.trigger()
            second, = Record.search([('record', '=',
                        str(Cart.search([('token', '=', 'C2')])[0]))])
            self.assertTrue(second.blocked)

            # ana orders; 23 hours later only cai gets the coupon
            Cart.write([ana], {'state': 'recovered'})
            _run_due(hours=23)
            self.assertEqual(len(inbox.to('ana@example.com')), 1)
            coupon_email = inbox.to('cai@example.com')[1]
            self.assertEqual(coupon_email['Subject'],
                "Your cart, with a discount")
            cai_record, = [r for r in records
                if r.record.email == 'cai@example.com']
            code_given = cai_record.ecom_coupon_code
            self.assertTrue(code_given.startswith('AUTO-'))
            self.assertIn(code_given,
                coupon_email.get_body(('html',)).get_content())
            self.assertEqual(len(Number.search(
                        [('number', 'like', 'AUTO-%')])), 1)

            # the unsubscribe link (upstream's route: record.block()): a
            # withdrawal, no more emails anywhere
            cai_record.block()
            self.assertFalse(Consent.consenting(
                    company.id, 'email', ['cai@example.com']))
            self.assertTrue(cai_record.blocked)

    @with_transaction()
    def test_automation_needs_consent_and_unsubscribe_link(self):
        "No email without a grant; a template without the link is refused"
        pool = Pool()
        Activity = pool.get('marketing.automation.activity')
        Consent = pool.get('ecom.customer.consent')
        Scenario = pool.get('marketing.automation.scenario')
        Record = pool.get('marketing.automation.record')
        company = create_company()
        with set_company(company), _Inbox() as inbox:
            welcome = _scenario('scenario_welcome')
            activity = welcome.activities[0]
            with self.assertRaises(ValidationError) as caught:
                Activity.write([activity], {
                        'email_template': '<html><body>Hi</body></html>'})
            self.assertIn("Email Template", caught.exception.message)
            self.assertIn("unsubscribe", caught.exception.message)

            Scenario.run([welcome])
            Consent.record(company.id, 'email', 'dua@example.com', 'grant',
                'form', text_version='news-v1',
                party=pool.get('party.party').create([{'name': "Dua",
                            'contact_mechanisms': [('create', [{
                                            'type': 'email',
                                            'value': 'dua@example.com'}])]}
                    ])[0])
            Scenario.trigger()
            record, = Record.search([('scenario', '=', welcome.id)])
            # withdrawn before the welcome email went: nothing is sent
            Consent.record(company.id, 'email', 'dua@example.com',
                'withdraw', 'staff')
            _run_due()
            self.assertEqual(inbox.messages, [])  # to nobody at all
            self.assertEqual(pool.get('ir.email').search([]), [])
            # the withdrawal itself is no grant: it starts nothing
            Scenario.trigger()
            self.assertEqual(Record.search([('scenario', '=', welcome.id)]),
                [record])

    @with_transaction()
    def test_automation_ready_scenarios(self):
        "Four scenarios ship in draft, on our records"
        pool = Pool()
        Scenario = pool.get('marketing.automation.scenario')
        models = {s.model for s in Scenario.search([])}
        self.assertEqual(models, {'ecom.cart', 'ecom.customer.consent',
                'ecom.customer.segment.member', 'stock.shipment.out'})
        self.assertEqual({s.state for s in Scenario.search([])}, {'draft'})
        for model in models:  # their domains search (PYSON dates)
            Scenario.check_domain(Scenario.search([('model', '=', model)]))

    @with_transaction()
    def test_automation_review_winback_and_list(self):
        "Review 7 days after delivery; win-back with a coupon; list action"
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        Party = pool.get('party.party')
        Scenario = pool.get('marketing.automation.scenario')
        Activity = pool.get('marketing.automation.activity')
        Segment = pool.get('ecom.customer.segment')
        Member = pool.get('ecom.customer.segment.member')
        Shipment = pool.get('stock.shipment.out')
        Location = pool.get('stock.location')
        List = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        company = create_company()
        with set_company(company), _Inbox() as inbox:
            eva, = Party.create([{'name': "Eva Mora",
                        'addresses': [('create', [{}])],
                        'contact_mechanisms': [('create', [{'type': 'email',
                                        'value': 'eva@example.com'}])]}])
            Consent.record(company.id, 'email', 'eva@example.com', 'grant',
                'checkout', text_version='v1', party=eva)
            warehouse = Location(pool.get('ir.model.data').get_id(
                    'stock', 'location_warehouse'))
            shipment, = Shipment.create([{'customer': eva.id,
                        'delivery_address': eva.addresses[0].id,
                        'warehouse': warehouse.id, 'company': company.id,
                        'warehouse_output': warehouse.output_location.id,
                        'warehouse_storage': warehouse.storage_location.id,
                        }])
            Shipment.write([shipment], {'state': 'done', 'number': 'OUT-7',
                    'effective_date': pool.get('ir.date').today()})

            promotion = create_promotion(company, ecom_kind='fixed_order',
                ecom_amount=Decimal(5), coupons=[('create', [{
                                'company': company.id,
                                'number_of_use': 1}])])
            Activity.write(Activity.search([('action', '=', 'ecom_coupon')]),
                {'ecom_coupon': promotion.coupons[0].id})
            review, winback = (_scenario('scenario_review'),
                _scenario('scenario_winback'))
            Scenario.run([review, winback])
            segment, = Segment.create([{'name': "At risk",
                        'rfm_segments': ['at_risk']}])
            Member.create([{'segment': segment.id, 'party': eva.id}])
            Scenario.trigger()

            _run_due()  # the win-back at once, the review waits 7 days
            subjects = [m['Subject'] for m in inbox.to('eva@example.com')]
            self.assertEqual(subjects, ["We miss you, Eva Mora"])
            self.assertIn('AUTO-', inbox.to('eva@example.com')[0]
                .get_body(('html',)).get_content())
            _run_due(hours=7 * 24)
            self.assertEqual(inbox.to('eva@example.com')[1]['Subject'],
                "How was your order OUT-7?")

            # a scenario of the manager's own: grants join a list
            news, = List.create([{'name': "News", 'ecom_company': company.id}])
            own, = Scenario.create([{'name': "Join news",
                        'model': 'ecom.customer.consent',
                        'domain': '[["action", "=", "grant"]]',
                        'activities': [('create', [{'name': "Join",
                                        'action': 'ecom_add_to_list',
                                        'ecom_list': news.id}])]}])
            Scenario.run([own])
            Scenario.trigger([own])
            _run_due()
            self.assertEqual([(e.email, e.active) for e in Email.search(
                        [('list_', '=', news.id)])],
                [('eva@example.com', True)])
