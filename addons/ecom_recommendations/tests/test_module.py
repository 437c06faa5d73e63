"Recommendations: rules from known baskets, storefront filters, cart API"
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..recommend import recommend

# (basket of SKUs) x times: boots go with socks (and often poles), tents
# with sleeping bags; every basket counts once
BASKETS = [(('BOOT', 'SOCK'), 6), (('BOOT', 'SOCK', 'POLE'), 4),
    (('TENT', 'BAG'), 5), (('BOOT',), 3), (('SOCK',), 2), (('MUG',), 4)]


def _catalog(company):
    "The products by SKU, a web shop publishing all but the mug, stock"
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Shop = pool.get('web.shop')
    Location = pool.get('stock.location')
    Move = pool.get('stock.move')
    unit, = Uom.search([('name', '=', 'Unit')])
    skus = ['BOOT', 'SOCK', 'POLE', 'TENT', 'BAG', 'MUG']
    templates = Template.create([{'name': sku.title(), 'type': 'goods',
                'salable': True, 'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(10), 'code': sku,
                'products': [('create', [{}])]} for sku in skus])
    products = {t.code: t.products[0] for t in templates}
    warehouse, = Location.search([('type', '=', 'warehouse')])
    shop, = Shop.create([{'name': "Shop", 'company': company.id,
                'currency': company.currency.id,
                'warehouses': [('add', [warehouse.id])],
                'products': [('add', [p.id for s, p in products.items()
                            if s != 'MUG'])]}])
    supplier, = Location.search([('code', '=', 'SUP')])
    moves = Move.create([{'product': p.id, 'unit': unit.id,
                'quantity': 5, 'from_location': supplier.id,
                'to_location': warehouse.storage_location.id,
                'company': company.id, 'unit_price': Decimal(5),
                'currency': company.currency.id}
            for s, p in products.items() if s != 'POLE'])
    Move.do(moves)
    return shop, products


def _history(company, products):
    pool = Pool()
    Sale = pool.get('sale.sale')
    Party = pool.get('party.party')
    party, = Party.create([{'name': "Ana",
                'addresses': [('create', [{'city': "Madrid"}])]}])
    today = dt.date.today()
    sales = Sale.create([{'party': party.id, 'company': company.id,
                'currency': company.currency.id,
                'sale_date': today - dt.timedelta(days=1),
                'invoice_address': party.addresses[0].id,
                'shipment_address': party.addresses[0].id,
                'lines': [('create', [{'type': 'line',
                                'product': products[s].id, 'quantity': 1,
                                'unit': products[s].sale_uom.id,
                                'unit_price': Decimal(10)}
                            for s in basket])]}
            for basket, times in BASKETS for _ in range(times)])
    # the order history as the demo loads it: completed
    Sale.write(sales, {'state': 'done'})
    Configuration = pool.get('sale.configuration')
    Configuration.write([Configuration(1)], {
            'product_recommendation_method': 'association_rule',
            'product_association_rule_transactions_up_to':
            dt.timedelta(days=30),
            'product_association_rule_min_support': 0.1,
            'product_association_rule_min_confidence': 0.3,
            'product_association_rule_max_length': 3})
    pool.get('sale.product.association.rule').compute()


class EcomRecommendationsTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce recommendations module"
    module = 'ecom_recommendations'

    @with_transaction()
    def test_recommendations_from_baskets(self):
        "Bought together becomes recommended; the storefront's filters hold"
        pool = Pool()
        company = create_company()
        with set_company(company):
            shop, products = _catalog(company)
            _history(company, products)
            boot, sock, pole = (products[s] for s in ['BOOT', 'SOCK', 'POLE'])
            # for the variant form: the rules alone, highest lift first
            # (poles: 4 of 13 boot baskets against 4 of 24 baskets: lift
            # 1.85; socks: 10 of 13 against 12 of 24: 1.54)
            self.assertEqual(boot.ecom_bought_with[:2], (pole, sock))
            # the storefront: poles are out of stock
            self.assertEqual([p for p, _ in recommend(shop, [boot])], [sock])
            self.assertEqual(recommend(shop, [boot, sock]), [])
            self.assertEqual([(p.code, a) for p, a in recommend(
                        shop, [products['TENT']])], [('BAG', 5)])
            # the mug is not published: never recommended
            Template = pool.get('product.template')
            Template.write([products['BAG'].template],
                {'recommendable': False})
            self.assertEqual(recommend(shop, [products['TENT']]), [])

    @with_transaction()
    def test_cart_extras(self):
        "The cart API's answer gets the recommendations of its lines"
        pool = Pool()
        Channel = pool.get('ecom.channel')
        company = create_company()
        with set_company(company):
            shop, products = _catalog(company)
            _history(company, products)
            channel, = Channel.create([{'name': "Web", 'code': 'web',
                        'shop': shop.id}])
            with Transaction().set_context(language='en'):
                extras = channel.ecom_cart_extras({'lines': [
                            ('BOOT', Decimal(1), None)]}, {})
            self.assertEqual([(r['sku'], r['available'])
                    for r in extras['recommendations']], [('SOCK', 5)])
            self.assertEqual(channel.ecom_cart_extras({'lines': []}, {}),
                {'recommendations': []})


del ModuleTestCase
