"""Promotions on sales: rules compiled from records, coupon codes, uses
taken on confirm and given back, limits, and the last-use race."""
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_orders.exceptions import ConcurrentChange
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, USER, with_transaction
from trytond.transaction import Transaction

from .. import facts, pricing
from .tools import create_promotion


def _products(*prices, category=None, account_category=None, prefix='P'):
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    templates = Template.create([{'name': f"Product {i}", 'type': 'goods',
                'salable': True, 'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(p), 'code': f'{prefix}{i}',
                'categories': [('add', [category.id])] if category else [],
                'account_category': (account_category.id
                    if account_category else None),
                'products': [('create', [{}])]}
            for i, p in enumerate(prices)])
    return [t.products[0] for t in templates]


def _sale(company, party, products, quantity=1):
    pool = Pool()
    Sale = pool.get('sale.sale')
    address, = party.addresses
    sale, = Sale.create([{'party': party.id, 'company': company.id,
                'currency': company.currency.id,
                'invoice_address': address.id, 'shipment_address': address.id,
                'lines': [('create', [{'type': 'line', 'product': p.id,
                                'quantity': quantity, 'unit': p.sale_uom.id,
                                'unit_price': p.list_price_used}
                            for p in products])]}])
    return sale


def _customer(name="Ana"):
    return Pool().get('party.party').create([{'name': name,
                'addresses': [('create', [{'city': "Madrid"}])]}])[0]


class PromotionsSaleMixin:
    "Promotions on sales (mixed into test_module's test case)"

    @with_transaction()
    def test_rule_from_record(self):
        "Categories with their sub-categories, dates as moments, cache"
        pool = Pool()
        Category = pool.get('product.category')
        Promotion = pool.get('sale.promotion')
        company = create_company()
        with set_company(company):
            parent, = Category.create([{'name': "Footwear"}])
            child, = Category.create([{'name': "Boots",
                        'parent': parent.id}])
            promotion = create_promotion(company, ecom_kind='percent_lines',
                ecom_percentage=Decimal(20),
                categories=[('add', [parent.id])],
                start_date=dt.date(2026, 11, 27),
                ecom_starts=dt.datetime(2026, 11, 27, 18),
                end_date=dt.date(2026, 11, 30))
            rule, = Promotion.ecom_rules(company.id)
            self.assertEqual(rule.categories, {parent.id, child.id})
            self.assertEqual(rule.starts, dt.datetime(2026, 11, 27, 18))
            self.assertEqual(rule.ends, dt.datetime(2026, 12, 1))
            self.assertEqual(rule.klass, 'line')
            # a change is seen at once (the cache is cleared)
            Promotion.write([promotion], {'ecom_percentage': Decimal(25)})
            rule, = Promotion.ecom_rules(company.id)
            self.assertEqual(rule.percentage, Decimal(25))
            Promotion.write([promotion], {'active': False})
            self.assertEqual(tuple(Promotion.ecom_rules(company.id)), ())

    @with_transaction()
    def test_cart_facts_follow_changes(self):
        "The cart API's cached prices, categories and taxes follow edits"
        pool = Pool()
        Template = pool.get('product.template')
        Category = pool.get('product.category')
        company = create_company()
        with set_company(company):
            shoes, goods = Category.create([{'name': "Shoes"},
                    {'name': "Goods", 'accounting': True}])
            product, = _products('80', category=shoes,
                account_category=goods)
            found = facts.product_facts(company.id, ['P0'])
            self.assertEqual(found['P0'].price, Decimal(80))
            # as upstream: the shop and the accounting categories
            self.assertEqual(found['P0'].categories, {shoes.id, goods.id})
            Template.write([product.template], {'list_price': Decimal(70)})
            self.assertEqual(
                facts.product_facts(company.id, ['P0'])['P0'].price,
                Decimal(70))
            footwear, = Category.create([{'name': "Footwear"}])
            Category.write([shoes], {'parent': footwear.id})
            self.assertEqual(
                facts.product_facts(company.id, ['P0'])['P0'].categories,
                {shoes.id, footwear.id, goods.id})
            # the catalog import writes in SQL and says so
            facts.product_facts(company.id, ['P0'])
            Template.ecom_written_in_sql()
            self.assertIsNone(facts._products.get((company.id, 'P0')))
            self.assertEqual(facts.product_facts(company.id, ['NOPE']), {})

    @with_transaction()
    def test_coupon_codes(self):
        "Unknown, not yet valid, expired and used-up codes are named"
        pool = Pool()
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            today = Date.today()
            day = dt.timedelta(days=1)
            values = {'company': company.id, 'number_of_use': 1}
            create_promotion(company, ecom_kind='fixed_order',
                ecom_amount=Decimal(5), coupons=[('create', [dict(values,
                                numbers=[('create', [
                                            {'number': 'OK', 'company':
                                                company.id},
                                            {'number': 'SOON', 'company':
                                                company.id,
                                                'start_date': today + day},
                                            {'number': 'PAST', 'company':
                                                company.id,
                                                'start_date': today - 9 * day,
                                                'end_date': today - day},
                                            ])])])])
            found, errors = pricing.resolve_coupons(
                company.id, ['OK', 'NOPE', 'SOON', 'PAST'])
            self.assertEqual(list(found), ['OK'])
            self.assertEqual([(i, r.split(' ', 1)[1]) for i, r in errors], [
                    (1, "coupon code 'NOPE'"),
                    (2, f"is valid from {today + day}"),
                    (3, f"expired on {today - day}")])
            self.assertEqual(errors[0][1], "unknown coupon code 'NOPE'")

    @with_transaction()
    def test_uses_taken_and_given_back(self):
        "Confirm takes a use and the discount; back to draft gives them back"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Usage = pool.get('ecom.promotion.usage')
        Promotion = pool.get('sale.promotion')
        company = create_company()
        with set_company(company):
            promotion = create_promotion(company, ecom_kind='percent_order',
                ecom_percentage=Decimal(10), ecom_budget=Decimal(100))
            ana = _customer()
            sale = _sale(company, ana, _products('40', '60'))
            Sale.quote([sale])
            self.assertEqual(sale.untaxed_amount, Decimal('90.00'))
            discount, = [l for l in sale.lines if l.ecom_discount]
            self.assertEqual(discount.description,
                "Promo: 10% off the order")
            self.assertEqual(discount.promotion, promotion)
            Sale.confirm([sale])
            promotion = Promotion(promotion.id)
            self.assertEqual((promotion.ecom_uses, promotion.ecom_spent),
                (1, Decimal(10)))
            usage, = Usage.search([('sale', '=', sale.id)])
            self.assertEqual((usage.party, usage.amount), (ana, Decimal(10)))
            Sale.draft([sale])
            promotion = Promotion(promotion.id)
            self.assertEqual((promotion.ecom_uses, promotion.ecom_spent),
                (0, Decimal(0)))
            self.assertEqual(Usage.search([('sale', '=', sale.id)]), [])
            self.assertEqual(len(Sale(sale.id).lines), 2)

    @with_transaction()
    def test_limits_at_confirm(self):
        "A limit reached since the quote refuses the confirmation"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Promotion = pool.get('sale.promotion')
        company = create_company()
        with set_company(company):
            products = _products('50')
            once = create_promotion(company, name="Once", ecom_kind='fixed_order',
                ecom_amount=Decimal(5), ecom_max_uses=1)
            ana, bob = _customer("Ana"), _customer("Bob")
            first = _sale(company, ana, products)
            second = _sale(company, bob, products)
            Sale.quote([first, second])
            self.assertEqual(second.total_amount, Decimal(45))
            Sale.confirm([first])
            with self.assertRaises(UserError) as cm:
                Sale.confirm([second])
            self.assertIn('"Once" reached its limit', cm.exception.message)
            with Transaction().set_context(ecom_intake=True), \
                    self.assertRaises(ConcurrentChange):
                Sale.confirm([second])
            # quoted again, the order does without it
            Sale.draft([second])
            Sale.quote([second])
            self.assertEqual(second.total_amount, Decimal(50))
            # a budget: the discount must fit in what is left of it
            Promotion.write([once], {'active': False})
            budget = create_promotion(company, name="Budget",
                ecom_kind='fixed_order', ecom_amount=Decimal(30),
                ecom_budget=Decimal(50))
            third, fourth = (_sale(company, ana, products),
                _sale(company, bob, products))
            Sale.quote([third, fourth])
            Sale.confirm([third])
            with self.assertRaises(UserError):
                Sale.confirm([fourth])
            self.assertEqual(Promotion(budget.id).ecom_spent, Decimal(30))
            # per customer
            Promotion.write([budget], {'active': False})
            create_promotion(company, name="Per customer",
                ecom_kind='fixed_order', ecom_amount=Decimal(1),
                ecom_max_uses_per_customer=1)
            fifth, sixth = (_sale(company, ana, products),
                _sale(company, ana, products))
            Sale.quote([fifth, sixth])
            with self.assertRaises(UserError):
                Sale.confirm([fifth, sixth])

    @unittest.skipUnless(backend.name == 'postgresql',
        "SQLite has one writer at a time: the race is on PostgreSQL")
    def test_last_use_race(self):
        "Two confirmations want the last use at once: one gets it"
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, USER) as transaction:
            company = create_company()
            with set_company(company):
                promotion = create_promotion(company, ecom_kind='fixed_order',
                    ecom_amount=Decimal(5), ecom_max_uses=1)
                # committed: codes of their own
                products = _products('20', prefix='RACE')
                sales = [_sale(company, _customer(n), products)
                    for n in ["Racer 1", "Racer 2"]]
                pool.get('sale.sale').quote(sales)
            ids = company.id, promotion.id, [s.id for s in sales]
            transaction.commit()
        company_id, promotion_id, sale_ids = ids
        locked = threading.Event()
        results = {}

        def confirm(sale_id, hold):
            try:
                with Transaction().start(DB_NAME, USER,
                        context={'company': company_id}) as transaction:
                    Sale = pool.get('sale.sale')
                    Sale.confirm([Sale(sale_id)])
                    if hold:
                        locked.set()
                        time.sleep(1)  # the other waits on the row
                    transaction.commit()
                results[sale_id] = 'confirmed'
            except Exception as error:  # noqa: BLE001 (asserted below)
                results[sale_id] = error

        first = threading.Thread(target=confirm, args=(sale_ids[0], True))
        first.start()
        locked.wait(30)
        second = threading.Thread(target=confirm, args=(sale_ids[1], False))
        second.start()
        first.join(60)
        second.join(60)
        self.assertEqual(results[sale_ids[0]], 'confirmed')
        self.assertIsInstance(results[sale_ids[1]],
            (UserError, backend.DatabaseOperationalError))
        with Transaction().start(DB_NAME, USER,
                context={'company': company_id}):
            Promotion = pool.get('sale.promotion')
            Sale = pool.get('sale.sale')
            self.assertEqual(Promotion(promotion_id).ecom_uses, 1)
            self.assertEqual(Sale(sale_ids[1]).state, 'quotation')
            # the retry sees the first one's use
            with self.assertRaises(UserError):
                Sale.confirm([Sale(sale_ids[1])])

