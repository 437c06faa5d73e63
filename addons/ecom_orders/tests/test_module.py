from trytond.model.exceptions import SQLConstraintError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_orders.channel_auth import sign
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


    @with_transaction()
    def test_api_key_authenticate_and_rotate(self):
        "Only the current key of an active channel authenticates"
        Channel = Pool().get('ecom.channel')
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            other = _channel(channel.shop, 'other')
            key = channel.set_new_api_key()
            other.set_new_api_key()
            self.assertTrue(key.startswith(channel.api_key_prefix))
            self.assertNotIn(key, [channel.api_key_prefix, channel.api_key_hash])
            self.assertEqual(Channel.authenticate(key), channel)
            for wrong in [None, '', 'ek_', key[:-1], key + 'x',
                    'xx' + key[2:], key.replace('ek_', 'ek_0', 1)]:
                self.assertIsNone(Channel.authenticate(wrong), wrong)
            new_key = channel.set_new_api_key()
            self.assertIsNone(Channel.authenticate(key))
            self.assertEqual(Channel.authenticate(new_key), channel)
            Channel.write([channel], {'active': False})
            self.assertIsNone(Channel.authenticate(new_key))
            copy, = Channel.copy([other], {'code': 'copy'})
            self.assertIsNone(copy.api_key_hash)
            self.assertIsNone(copy.hmac_secret)

    def test_webhook_signature(self):
        "The signature is base64 HMAC-SHA256 of the raw body, as Woo sends it"
        # Vector computed independently:
        # printf '{"id":1}' | openssl dgst -sha256 -hmac secret -binary | base64
        self.assertEqual(
            sign('secret', b'{"id":1}'),
            'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=')

    @with_transaction()
    def test_check_signature(self):
        "A channel accepts only bodies signed with its secret"
        company = create_company()
        with set_company(company):
            channel = _channel(_shop())
            body = b'{"id": 1001, "total": "193.60"}'
            self.assertFalse(channel.check_signature(body, sign('s3cret', body)))
            channel.hmac_secret = 's3cret'
            channel.save()
            self.assertTrue(channel.check_signature(body, sign('s3cret', body)))
            self.assertFalse(channel.check_signature(
                    body.replace(b'193', b'1'), sign('s3cret', body)))
            self.assertFalse(channel.check_signature(body, sign('other', body)))
            self.assertFalse(channel.check_signature(body, None))
            self.assertFalse(channel.check_signature(body, ''))


del ModuleTestCase
