from trytond.model.exceptions import SQLConstraintError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


def _shop():
    pool = Pool()
    Shop = pool.get('web.shop')
    company, = pool.get('company.company').search([], limit=1)
    shop, = Shop.create([{
                'name': "Shop", 'company': company.id,
                'currency': company.currency.id}])
    return shop


def _channel(shop, code='web'):
    Channel = Pool().get('ecom.channel')
    channel, = Channel.create([{
                'name': f"Store {code}", 'code': code, 'shop': shop.id}])
    return channel


class EcomOrdersTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce orders module"
    module = 'ecom_orders'

    @with_transaction()
    def test_channel_defaults_and_unique_code(self):
        "A channel defaults to the generic kind, no backorders; code unique"
        company = create_company()
        with set_company(company):
            shop = _shop()
            channel = _channel(shop)
            self.assertEqual(channel.company, company)
            self.assertEqual(channel.kind, 'generic')
            self.assertFalse(channel.allow_backorders)
            with self.assertRaises(SQLConstraintError) as cm:
                _channel(shop)
            self.assertIn('"Code"', str(cm.exception))

    @with_transaction()
    def test_sale_external_id_unique_and_not_copied(self):
        "One sale per channel and external order id; copies drop the id"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            party, = Party.create([{'name': "Customer"}])
            values = {
                'party': party.id, 'ecom_channel': channel.id,
                'ecom_external_id': '1001'}
            sale, = Sale.create([values])
            self.assertEqual(channel.sales, (sale,))
            copy, = Sale.copy([sale])
            self.assertIsNone(copy.ecom_external_id)
            self.assertEqual(copy.ecom_channel, channel)
            with self.assertRaises(SQLConstraintError) as cm:
                Sale.create([values])
            self.assertIn('"External Order ID"', str(cm.exception))


del ModuleTestCase
