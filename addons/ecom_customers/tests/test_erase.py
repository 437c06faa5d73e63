"Erasure leaves no personal data in our tables (test_module)"
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_base.tests.texts import erase, texts_found
from trytond.modules.ecom_orders.tests.tools import create_channel, create_shop
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .tools import draft_sale as _sale

EMAIL = 'ona.erase@example.cat'
PHONE = '+34 600 111 222'
STREET = 'Carrer de la Pau 99'


def _channel(company):
    return create_channel(create_shop(company, warehouse=True), 'store',
        name="Store")


class EraseMixin:

    @with_transaction()
    def test_erase_leaves_no_personal_data(self):
        """Consents, payloads, logs: nothing names the customer (the emails
        sent: ecom_notifications' test)"""
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Consent = pool.get('ecom.customer.consent')
        Log = pool.get('ecom.intake.log')
        Event = pool.get('ecom.storefront.event')
        company = create_company()
        with set_company(company):
            channel = _channel(company)
            customer, = Party.create([{'name': "Ona Puig",
                        'addresses': [('create', [{'street': STREET,
                                        'city': "Vic"}])],
                        'contact_mechanisms': [('create', [
                                    {'type': 'email', 'value': EMAIL},
                                    {'type': 'mobile', 'value': PHONE}])]}])
            sale = _sale(company, customer, 100)
            Sale.cancel([sale])
            order = (f'{{"billing": {{"email": "{EMAIL}", '
                f'"phone": "{PHONE}", "address_1": "{STREET}"}}}}')
            Log.create([
                    {'company': company.id, 'channel': channel.id,
                        'kind': 'generic', 'status': 'accepted',
                        'sale': sale.id, 'payload': order,
                        'remote_addr': '203.0.113.9'},
                    # refused, never a sale: found by the email
                    {'company': company.id, 'channel': channel.id,
                        'kind': 'generic', 'status': 'rejected',
                        'payload': order, 'remote_addr': '203.0.113.9'}])
            now = dt.datetime.now()
            Event.create([{'company': company.id, 'channel': channel.id,
                        'kind': 'woocommerce', 'source': 'webhook',
                        'digest': 'd1', 'payload': order, 'sale': sale.id,
                        'received_at': now, 'state': 'done'}])
            # consents given at checkout, before the addresses were hers
            Consent.record(company.id, 'email', EMAIL, 'grant', 'checkout',
                text_version='v1')
            Consent.record(company.id, 'sms', PHONE, 'grant', 'checkout',
                text_version='v1')
            needles = [EMAIL, '600111222', STREET]
            self.assertGreaterEqual(len(texts_found(needles)), 6)

            erase(customer)

            self.assertEqual(texts_found(needles), [])
            self.assertEqual(
                {l.remote_addr for l in Log.search([])}, {None})
            self.assertEqual({c.action for c in Consent.search([])},
                {'grant'})  # the ledger keeps what happened, not who
