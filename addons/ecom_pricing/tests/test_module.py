import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def _catalog(company):
    """A product at 100, a B2B price list (-20%, -30% from 10 units, and
    -50% dated next week) given to the 'Wholesale' group"""
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    PriceList = pool.get('product.price_list')
    Category = pool.get('party.category')
    GroupPriceList = pool.get('ecom.pricing.group_price_list')
    Date = pool.get('ir.date')
    unit, = Uom.search([('name', '=', 'Unit')])
    template, = Template.create([{
                'name': "Crate of apples", 'type': 'goods',
                'default_uom': unit.id, 'list_price': Decimal(100),
                'salable': True, 'sale_uom': unit.id,
                'products': [('create', [{'suffix_code': 'APPLE'}])]}])
    next_week = Date.today() + dt.timedelta(days=7)
    b2b, = PriceList.create([{
                'name': "B2B", 'company': company.id, 'price': 'list_price',
                'lines': [('create', [{
                                'start_date': next_week,
                                'end_date': next_week + dt.timedelta(days=2),
                                'formula': 'unit_price * 0.5',
                                }, {
                                'quantity': 10,
                                'formula': 'unit_price * 0.7',
                                }, {
                                'formula': 'unit_price * 0.8',
                                }])],
                }])
    wholesale, = Category.create([{'name': "Wholesale"}])
    GroupPriceList.create([{
                'company': company.id, 'group': wholesale.id,
                'price_list': b2b.id}])
    return template.products[0], b2b, wholesale


class EcomPricingTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce pricing module"
    module = 'ecom_pricing'

    @with_transaction()
    def test_group_price_list_tiers_and_dates(self):
        "A group's customers get its list; tiers by quantity; dated lines"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            product, b2b, wholesale = _catalog(company)
            shopkeeper, walk_in = Party.create([
                    {'name': "Corner shop",
                        'categories': [('add', [wholesale.id])]},
                    {'name': "Walk-in"}])
            self.assertEqual(shopkeeper.ecom_price_list(company), b2b)
            self.assertIsNone(walk_in.ecom_price_list(company))

            sale = Sale(company=company, party=shopkeeper)
            sale.on_change_party()
            self.assertEqual(sale.price_list, b2b)
            sale = Sale(company=company, party=walk_in)
            sale.on_change_party()
            self.assertIsNone(sale.price_list)

            unit = product.default_uom
            today = Date.today()
            with Transaction().set_context(date=today):
                self.assertEqual(
                    b2b.compute(product, 1, unit), Decimal(80))
                self.assertEqual(
                    b2b.compute(product, 10, unit), Decimal(70))
            with Transaction().set_context(
                    date=today + dt.timedelta(days=8)):
                self.assertEqual(
                    b2b.compute(product, 1, unit), Decimal(50))

    @with_transaction()
    def test_own_price_list_wins(self):
        "A customer's own price list comes before the group's"
        pool = Pool()
        Party = pool.get('party.party')
        PriceList = pool.get('product.price_list')
        company = create_company()
        with set_company(company):
            _, _, wholesale = _catalog(company)
            vip, = PriceList.create([{
                        'name': "VIP", 'company': company.id,
                        'price': 'list_price'}])
            party, = Party.create([{'name': "Big buyer",
                        'categories': [('add', [wholesale.id])],
                        'sale_price_list': vip.id}])
            self.assertEqual(party.ecom_price_list(company), vip)

    @with_transaction()
    def test_feed_prices_group_and_currency(self):
        "The feed prices a group with its list, in the shop's currency"
        pool = Pool()
        Shop = pool.get('web.shop')
        Currency = pool.get('currency.currency')
        Rate = pool.get('currency.currency.rate')
        Location = pool.get('stock.location')
        from trytond.modules.ecom_catalog.feed import availability_page
        company = create_company()
        with set_company(company):
            product, _, wholesale = _catalog(company)
            dollar, = Currency.create([{
                        'name': "Dollar", 'code': 'USD', 'symbol': '$'}])
            Rate.create([
                    {'currency': dollar.id, 'rate': Decimal('1.1'),
                        'date': dt.date(2000, 1, 1)},
                    {'currency': company.currency.id, 'rate': Decimal(1),
                        'date': dt.date(2000, 1, 1)}])
            warehouse, = Location.search([('type', '=', 'warehouse')])
            shop, = Shop.create([{
                        'name': "US shop", 'company': company.id,
                        'currency': dollar.id,
                        'warehouses': [('add', [warehouse.id])],
                        'products': [('add', [product.id])]}])
            prices = {}
            for group in [None, str(wholesale.id), 'Wholesale']:
                page = availability_page(
                    shop, price_list=shop.ecom_feed_price_list(group))
                item, = page['items']
                prices[group] = (item['price'], item['currency'])
            self.assertEqual(prices, {
                    None: ('110.00', 'USD'),
                    str(wholesale.id): ('88.00', 'USD'),
                    'Wholesale': ('88.00', 'USD')})
            with self.assertRaises(KeyError):
                shop.ecom_feed_price_list('Retail')


del ModuleTestCase
