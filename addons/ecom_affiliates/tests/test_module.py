"Affiliates: codes, attribution, net-goods commissions, payouts"
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.attribution import Attribution
from trytond.modules.ecom_orders.intake_format import Order
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from ..affiliate import payable

NOW = dt.datetime(2026, 12, 1, 12, 0)


def _affiliate(company, code, **plan_values):
    pool = Pool()
    Agent = pool.get('commission.agent')
    Plan = pool.get('commission.plan')
    Party = pool.get('party.party')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    product, = Template.create([{'name': "Commission", 'type': 'service',
                'default_uom': unit.id, 'products': [('create', [{}])]}])
    plan, = Plan.create([{'name': "Affiliates",
                'commission_product': product.products[0].id,
                'lines': [('create', [{'formula': 'amount * 0.1'}])],
                **plan_values}])
    party, = Party.create([{'name': f"Affiliate {code}"}])
    agent, = Agent.create([{'party': party.id, 'type_': 'agent',
                'company': company.id, 'currency': company.currency.id,
                'plan': plan.id, 'ecom_code': code}])
    return agent


def _order(coupons=(), **attribution):
    return Order(external_id='1', currency='EUR', email='a@example.com',
        customer_name="Ana", billing=None, shipping=None, lines=[],
        total=Decimal(0), created_at=NOW, coupons=list(coupons),
        attribution=Attribution(**attribution))


class EcomAffiliatesTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce affiliates module"
    module = 'ecom_affiliates'

    @with_transaction()
    def test_code_rules(self):
        "Codes are upper case, unique per company, letters and digits"
        pool = Pool()
        Agent = pool.get('commission.agent')
        company = create_company()
        with set_company(company):
            anna = _affiliate(company, ' anna10 ')
            self.assertEqual(anna.ecom_code, 'ANNA10')
            self.assertEqual(anna.ecom_link, '?ref=ANNA10')
            Agent.write([anna], {
                    'ecom_landing_url': 'https://shop.example/?lang=es'})
            self.assertEqual(Agent(anna.id).ecom_link,
                'https://shop.example/?lang=es&ref=ANNA10')
            for code, values, words in [
                    ('a b', {}, 'Referral Code "A B"'),
                    ('AB', {}, '3 to 30'),
                    ('OK1', {'ecom_landing_url': 'http://shop.example/'},
                        'Landing Page'),
                    ]:
                with self.subTest(code=code):
                    with self.assertRaises(ValidationError) as cm:
                        agent = _affiliate(company, code)
                        Agent.write([agent], values)
                    self.assertIn(words, cm.exception.message)
            with self.assertRaises(Exception) as cm:
                _affiliate(company, 'Anna10')
            self.assertIn('Referral Code', str(cm.exception))

    @with_transaction()
    def test_attribution(self):
        """A click within the window attributes, the last touch wins, a
        coupon counts at the order's time, unknown and expired are noted"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Promotion = pool.get('sale.promotion')
        company = create_company()
        with set_company(company):
            anna = _affiliate(company, 'ANNA', ecom_attribution_days=30)
            ben = _affiliate(company, 'BEN')
            Promotion.create([{'name': "Ben's coupon",
                        'company': company.id,
                        'coupons': [('create', [{'ecom_affiliate': ben.id,
                                        'numbers': [('create', [
                                                        {'number': 'BEN5'}])],
                                        }])]}])

            def attribute(**kwargs):
                sale = Sale(company=company)
                sale.agent = None
                sale.ecom_affiliate_note = None
                sale.ecom_attribute(_order(**kwargs), {})
                return sale.agent, sale.ecom_affiliate_note

            agent, note = attribute(affiliate='anna',
                affiliate_clicked_at=NOW - dt.timedelta(days=30))
            self.assertEqual(agent, anna)
            self.assertIn('2026-11-01 12:00', note)
            agent, note = attribute(affiliate='ANNA',
                affiliate_clicked_at=NOW - dt.timedelta(days=31))
            self.assertIsNone(agent)
            self.assertIn('31 days', note)
            self.assertIn('30-day window', note)
            agent, note = attribute(affiliate='NOBODY')
            self.assertIsNone(agent)
            self.assertIn('NOBODY', note)
            # the coupon is used at checkout, after the click
            agent, note = attribute(affiliate='ANNA', coupons=['BEN5'],
                affiliate_clicked_at=NOW - dt.timedelta(hours=1))
            self.assertEqual(agent, ben)
            self.assertIn('BEN5', note)
            agent, note = attribute(coupons=['OTHER'])
            self.assertEqual((agent, note), (None, None))

    @with_transaction()
    def test_payable(self):
        "A payout takes commissions past the window, agents over the minimum"
        pool = Pool()
        Agent = pool.get('commission.agent')
        Commission = pool.get('commission')
        Plan = pool.get('commission.plan')
        company = create_company()
        with set_company(company):
            anna = _affiliate(company, 'ANNA', ecom_payable_after=30,
                ecom_minimum_payout=Decimal(20))
            ben = _affiliate(company, 'BEN', ecom_payable_after=30,
                ecom_minimum_payout=Decimal(20))
            day = dt.date(2026, 11, 1)
            made = Commission.create([
                    {'agent': anna.id, 'date': day, 'amount': Decimal(15),
                        'product': anna.plan.commission_product.id},
                    {'agent': anna.id, 'date': day + dt.timedelta(days=5),
                        'amount': Decimal(10),
                        'product': anna.plan.commission_product.id},
                    {'agent': ben.id, 'date': day, 'amount': Decimal(30),
                        'product': ben.plan.commission_product.id},
                    {'agent': ben.id, 'date': day, 'amount': Decimal(-12),
                        'product': ben.plan.commission_product.id},
                    ])
            # Anna: 15 + 10 = 25 by Dec 6; on Dec 1 only 15 (< 20)
            self.assertEqual(payable(made, dt.date(2026, 12, 1)), [])
            self.assertEqual(
                sorted(c.amount for c in payable(made, dt.date(2026, 12, 6))),
                [Decimal(10), Decimal(15)])
            # Ben: 30 - 12 = 18 is under his minimum
            self.assertNotIn(ben, {c.agent for c in payable(
                        made, dt.date(2027, 1, 1))})
            # upstream's principals (no plan terms of ours) are paid as
            # upstream pays them
            principal, = Agent.create([{'party': ben.party.id,
                        'type_': 'principal', 'company': company.id,
                        'currency': company.currency.id,
                        'plan': Plan.create([{'name': "Principal",
                                    'commission_product':
                                    ben.plan.commission_product.id}])[0].id,
                        }])
            owed, = Commission.create([{'agent': principal.id, 'date': day,
                        'amount': Decimal(5),
                        'product': ben.plan.commission_product.id}])
            self.assertEqual(payable([owed], day), [owed])


del ModuleTestCase
