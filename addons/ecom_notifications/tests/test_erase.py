"The customer's *Emails Sent* page and its erasure (test_module)"
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_base.tests.texts import erase, texts_found
from trytond.modules.ecom_orders.tests.tools import create_channel
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

EMAIL = 'ona.erase@example.cat'
STREET = 'Carrer de la Pau 99'


class EraseMixin:

    @with_transaction()
    def test_emails_sent_page_and_erasure(self):
        "The customer's emails are on their form; erasure leaves no trace"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Notification = pool.get('ecom.notification')
        company = create_company()
        with set_company(company):
            channel = create_channel()
            customer, other = Party.create([{'name': "Ona Puig",
                        'addresses': [('create', [{'street': STREET}])],
                        'contact_mechanisms': [('create', [
                                    {'type': 'email', 'value': EMAIL}])]},
                    {'name': "Other", 'addresses': [('create', [{}])]}])
            sale, = Sale.create([{'party': customer.id,
                        'company': company.id,
                        'currency': company.currency.id,
                        'invoice_address': customer.addresses[0].id,
                        'shipment_address': customer.addresses[0].id}])

            def email(values):
                return Notification.create([dict({'company': company.id,
                                'channel': channel.id,
                                'event': 'order_confirmation',
                                'kind': 'email', 'subject': "Your order",
                                'state': 'sent'}, **values)])[0]
            first = email({'sale': sale.id, 'recipient': EMAIL,
                    'body': f"Hello Ona, we ship to {STREET}"})
            second = email({'sale': sale.id, 'recipient': EMAIL,
                    'body': "Shipped"})
            # before the order: found by the address alone
            email({'recipient': EMAIL.upper(), 'body': "Confirm your email"})
            email({'recipient': 'someone@example.com', 'body': "Hi"})

            self.assertEqual(Party(customer.id).ecom_emails,
                (Notification(second.id), Notification(first.id)))
            self.assertEqual(Party(other.id).ecom_emails, ())
            needles = [EMAIL, STREET]
            self.assertEqual(len(texts_found(needles)), 2)

            Sale.cancel([sale])
            erase(customer)

            self.assertEqual(texts_found(needles), [])
            self.assertEqual(Notification.search_count(
                    [('recipient', '=', 'someone@example.com')]), 1)
            self.assertEqual(Notification.search_count([]), 4)
