"Customer segments: rules, refresh, newsletter feed (test_module)"
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import draft_sale as _sale


def _customers(company, today):
    "Four customers with their lifetime figures (as ecom_reports sums them)"
    pool = Pool()
    Party = pool.get('party.party')
    Country = pool.get('country.country')
    Summary = pool.get('ecom.report.summary.customer')
    spain, france = Country.create([
            {'name': "Spain", 'code': 'ES'}, {'name': "France", 'code': 'FR'}])
    rows = [
        # name, country, orders, revenue, days since last order, RFM
        ("Ana", spain, 9, '1200', 5, 'champions'),
        ("Ben", france, 4, '450', 20, 'loyal'),
        ("Carla", spain, 1, '80', 200, 'lost'),
        ("Dan", None, 2, '600', 40, 'at_risk'),
        ]
    parties = {}
    for name, country, orders, revenue, days, rfm in rows:
        party, = Party.create([{'name': name,
                    'addresses': [('create', [{
                                    'country': country.id if country
                                    else None}])],
                    'contact_mechanisms': [('create', [{'type': 'email',
                                    'value': f'{name.lower()}@x.com'}])]}])
        parties[name] = party
        Summary.create([{'company': company.id, 'party': party.id,
                    'orders': orders, 'revenue': Decimal(revenue),
                    'first_date': today - dt.timedelta(days=400),
                    'last_date': today - dt.timedelta(days=days),
                    'segment': rfm}])
    return parties, spain


class SegmentMixin:

    @with_transaction()
    def test_segment_rules(self):
        "Every rule narrows the members; all must hold"
        pool = Pool()
        Segment = pool.get('ecom.customer.segment')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            parties, spain = _customers(company, today)
            cases = [
                ({}, {"Ana", "Ben", "Carla", "Dan"}),
                ({'rfm_segments': ['champions', 'loyal']}, {"Ana", "Ben"}),
                ({'min_revenue': Decimal(500)}, {"Ana", "Dan"}),
                ({'min_orders': 2, 'ordered_within': 30}, {"Ana", "Ben"}),
                ({'countries': [('add', [spain.id])]}, {"Ana", "Carla"}),
                ({'countries': [('add', [spain.id])],
                        'min_revenue': Decimal(100)}, {"Ana"}),
                ]
            names = {p.id: n for n, p in parties.items()}
            for values, expected in cases:
                segment, = Segment.create([{'name': "S", **values}])
                Segment.refresh([segment])
                self.assertEqual(
                    {names[m.party.id] for m in Segment(segment.id).members},
                    expected, values)
                self.assertEqual(Segment(segment.id).member_count,
                    len(expected))

    @with_transaction()
    def test_segment_bought_category(self):
        "Bought in a category: its sub-categories count, drafts do not"
        pool = Pool()
        Segment = pool.get('ecom.customer.segment')
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        Sale = pool.get('sale.sale')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            parties, _ = _customers(company, today)
            apparel, = Category.create([{'name': "Apparel"}])
            jackets, = Category.create([
                    {'name': "Jackets", 'parent': apparel.id}])
            bought = _sale(company, parties["Ben"], Decimal(100))
            draft = _sale(company, parties["Carla"], Decimal(100))
            for sale in [bought, draft]:
                Template.write([sale.lines[0].product.template],
                    {'categories': [('add', [jackets.id])]})
            Sale.write([bought], {'state': 'processing'})
            segment, = Segment.create([{'name': "Apparel buyers",
                        'category': apparel.id}])
            Segment.refresh([segment])
            self.assertEqual(
                [m.party for m in Segment(segment.id).members],
                [parties["Ben"]])

    @with_transaction()
    def test_segment_feeds_newsletter(self):
        "Members are subscribed; a customer who leaves is unsubscribed"
        pool = Pool()
        Segment = pool.get('ecom.customer.segment')
        Summary = pool.get('ecom.report.summary.customer')
        List = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            parties, _ = _customers(company, today)
            vip, = List.create([{'name': "VIP", 'ecom_company': company.id}])
            Email.create([{'email': 'carla@x.com', 'list_': vip.id}])
            segment, = Segment.create([{'name': "Big spenders",
                        'min_revenue': Decimal(500),
                        'email_list': vip.id}])
            Segment.refresh([segment])

            def subscribed():
                return sorted(e.email for e in Email.search([
                            ('list_', '=', vip.id)]))
            self.assertEqual(subscribed(),
                ['ana@x.com', 'carla@x.com', 'dan@x.com'])
            summary, = Summary.search([('party', '=', parties["Dan"].id)])
            Summary.write([summary], {'revenue': Decimal(100)})
            Segment.refresh([segment])
            # Dan left; Carla subscribed herself, the segment leaves her
            self.assertEqual(subscribed(), ['ana@x.com', 'carla@x.com'])

    @with_transaction()
    def test_customer_account_view(self):
        "The customer form sums up figures and segments"
        pool = Pool()
        Party = pool.get('party.party')
        Segment = pool.get('ecom.customer.segment')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            parties, _ = _customers(company, today)
            segment, = Segment.create([{'name': "Champions",
                        'rfm_segments': ['champions']}])
            Segment.refresh([segment])
            # an order without a channel is not an online order
            _sale(company, parties["Ana"], Decimal(10))
            ana, ben = Party.browse([parties["Ana"], parties["Ben"]])
            self.assertEqual(
                (ana.ecom_order_count, ana.ecom_lifetime_value,
                    ana.ecom_rfm_segment, ana.ecom_segments, ana.ecom_orders),
                (9, Decimal(1200), 'champions', (segment,), ()))
            self.assertEqual(ben.ecom_segments, ())
