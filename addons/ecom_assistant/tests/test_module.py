"Customer assistant: orders only with their email, returns, FAQ, hand-over, limits"
import contextlib
import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.modules.ecom_orders.tests.tools import create_channel
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import dialog
from ..exceptions import TooManyMessages
from .test_erase import EraseMixin


def customer(name, email):
    Party = Pool().get('party.party')
    party, = Party.create([{'name': name,
                'addresses': [('create', [{'street': 'Calle 1'}])],
                'contact_mechanisms': [('create', [
                            {'type': 'email', 'value': email}])]}])
    return party


def order(channel, party, number, skus):
    "A confirmed order of channel with one unit of each SKU"
    pool = Pool()
    Sale = pool.get('sale.sale')
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    company = channel.company
    lines = []
    for sku in skus:
        products = Product.search([('code', '=', sku)])
        if not products:
            template, = Template.create([{'name': f"Boot {sku}",
                        'default_uom': unit.id, 'sale_uom': unit.id,
                        'salable': True,
                        'type': 'goods', 'list_price': 10,
                        'products': [('create', [{'suffix_code': sku}])]}])
            products = template.products
        lines.append({'type': 'line', 'product': products[0].id,
                'unit': unit.id, 'quantity': 1, 'unit_price': 10})
    address = party.addresses[0]
    sale, = Sale.create([{'company': company.id, 'party': party.id,
                'invoice_address': address.id,
                'shipment_address': address.id,
                'currency': company.currency.id, 'sale_date': dt.date.today(),
                'ecom_channel': channel.id, 'ecom_external_id': number,
                'lines': [('create', lines)]}])
    Sale.write([sale], {'state': 'confirmed'})
    return sale


class EcomAssistantTestCase(
        EraseMixin, DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce customer assistant module"
    module = 'ecom_assistant'

    @contextlib.contextmanager
    def shop(self):
        "A channel, Ana's order 1043 (B1, B2), Luis' 1044 (B1)"
        company = create_company()
        with set_company(company):
            channel = create_channel()
            ana = customer("Ana", 'ana@example.com')
            luis = customer("Luis", 'luis@example.com')
            yield channel, order(channel, ana, '1043', ['B1', 'B2']), order(
                channel, luis, '1044', ['B1'])

    def talk(self, conversation, *texts, network='203.0.113.0/24'):
        # as the route runs it (ecom_orders.api.write)
        with Transaction().set_context(_skip_warnings=True):
            for text in texts:
                reply = dialog.answer(conversation, text, network)
        return reply

    def start(self, channel, language='en'):
        return Pool().get('ecom.assistant.conversation').start(
            channel, language)

    @with_transaction()
    def test_order_status_needs_its_email(self):
        "Where is my order: nothing said until number and email match"
        with self.shop() as (channel, sale, _other):
            conversation = self.start(channel)
            reply = self.talk(conversation, "Where is my order?")
            self.assertEqual(reply['awaiting'], 'order')
            self.assertNotIn('order', reply)
            reply = self.talk(conversation, "It's 1043")
            self.assertIn("email", reply['reply'])
            # another customer's order with this email: not found, as unknown
            wrong = self.talk(conversation, "1044 ana@example.com")
            unknown = self.talk(conversation, "9999 ana@example.com")
            self.assertEqual(wrong['reply'], unknown['reply'])
            self.assertNotIn('order', wrong)
            self.assertIsNone(conversation.sale)
            reply = self.talk(conversation, "1043, ANA@example.com")
            self.assertEqual(reply['intent'], 'order_status')
            self.assertEqual(reply['order']['external_id'], '1043')
            self.assertIn("Order 1043: confirmed, being prepared",
                reply['reply'])
            self.assertEqual(conversation.sale, sale)
            messages = conversation.messages
            self.assertEqual(len(messages), 10)
            self.assertEqual([m.failed_check for m in messages
                    if m.sender == 'shopper'],
                [False, False, True, True, False])
            # the number stays after a wrong email: the next may correct it
            conversation = self.start(channel)
            self.talk(conversation, "where is order 1044? ana@example.com")
            reply = self.talk(conversation, "sorry: luis@example.com")
            self.assertEqual(reply['order']['external_id'], '1044')

    @with_transaction()
    def test_guessing_is_limited(self):
        "Three failed order checks: the fourth message is refused, unrecorded"
        with self.shop() as (channel, _sale, _):
            conversation = self.start(channel, 'es')
            for number in ['101', '102', '103']:
                reply = self.talk(conversation,
                    f"¿dónde está mi pedido {number}? ana@example.com")
                self.assertIn("No encuentro", reply['reply'])
            before = len(conversation.messages)
            with self.assertRaises(TooManyMessages) as raised:
                self.talk(conversation, "1043 ana@example.com")
            self.assertEqual(raised.exception.errors[0][0], 'message')
            self.assertEqual(raised.exception.minutes, 60)
            conversation = conversation.__class__(conversation.id)
            self.assertEqual(len(conversation.messages), before)
            self.assertIsNone(conversation.sale)
            # the same network is limited across conversations too
            dialog.LIMITS['network_checks'] = (3, 60)
            try:
                with self.assertRaises(TooManyMessages):
                    self.talk(self.start(channel), "1043 ana@example.com")
                # another network is not
                reply = self.talk(self.start(channel), "1043 ana@example.com",
                    network='198.51.100.0/24')
                self.assertEqual(reply['order']['external_id'], '1043')
            finally:
                dialog.LIMITS['network_checks'] = (10, 60)

    @with_transaction()
    def test_return_through_the_returns_rules(self):
        "A return opened from the chat: items, reason, the Returns' rules"
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        with self.shop() as (channel, sale, _):
            conversation = self.start(channel)
            reply = self.talk(conversation, "I want to return my boots",
                "1043 ana@example.com")
            self.assertEqual(reply['awaiting'], 'return_lines')
            self.assertIn("1. [B1] Boot B1 x 1", reply['reply'])
            self.assertIn("2. [B2] Boot B2 x 1", reply['reply'])
            reply = self.talk(conversation, "7")
            self.assertIn("numbers of the list", reply['reply'])
            reply = self.talk(conversation, "2")
            self.assertEqual(reply['awaiting'], 'return_reason')
            reply = self.talk(conversation, "5")
            self.assertEqual(reply['intent'], 'return_opened')
            complaint = conversation.return_
            self.assertEqual(complaint.state, 'waiting')
            self.assertEqual(complaint.origin, sale)
            line, = complaint.actions[0].sale_lines
            self.assertEqual(line.line.product.code, 'B2')
            self.assertEqual(line.ecom_reason, 'size_fit')
            self.assertIn(complaint.number, reply['reply'])
            # what is left: B1 only; then nothing
            reply = self.talk(conversation, "I want to return something else")
            self.assertNotIn("Boot B2", reply['reply'])
            self.talk(conversation, "1", "damaged")
            reply = self.talk(conversation, "return another item")
            self.assertIn("nothing left to return", reply['reply'])
            self.assertEqual(Complaint.search_count(
                    [('origin', '=', str(sale))]), 2)

    @with_transaction()
    def test_faq_in_the_conversation_language(self):
        "A FAQ entry staff wrote answers in the shopper's language"
        pool = Pool()
        Faq = pool.get('ecom.assistant.faq')
        Lang = pool.get('ir.lang')
        with self.shop() as (channel, _, _):
            es, = Lang.search([('code', '=', 'es')])
            Lang.write([es], {'translatable': True})
            faq, = Faq.create([{'question': "How much is shipping?",
                        'phrasings': "shipping costs\ndelivery price",
                        'answer': "Free from 50 EUR, else 4.95 EUR."}])
            with Transaction().set_context(language='es'):
                Faq.write([faq], {'question': "¿Cuánto cuesta el envío?",
                        'phrasings': "gastos de envío",
                        'answer': "Gratis desde 50 EUR; si no, 4,95 EUR."})
            reply = self.talk(self.start(channel), "shiping costs?")
            self.assertEqual(reply['reply'], "Free from 50 EUR, else 4.95 EUR.")
            reply = self.talk(self.start(channel, 'es'), "gastos de envio")
            self.assertEqual(reply['reply'],
                "Gratis desde 50 EUR; si no, 4,95 EUR.")
            self.assertEqual(reply['intent'], 'faq')
            self.assertEqual(Faq(faq.id).hits, 2)

    @with_transaction()
    def test_unsure_hands_over_as_complaint(self):
        "Unsure: asks an email, then a complaint holds the transcript"
        pool = Pool()
        Party = pool.get('party.party')
        with self.shop() as (channel, _, _):
            conversation = self.start(channel)
            reply = self.talk(conversation, "what is the meaning of life")
            self.assertIsNone(reply['intent'])
            self.assertEqual(reply['awaiting'], 'contact')
            parties = Party.search_count([])
            reply = self.talk(conversation, "sure: ana@example.com")
            self.assertEqual(reply['state'], 'handed_over')
            complaint = conversation.complaint
            self.assertEqual(complaint.customer.name, "Ana")  # found by email
            self.assertEqual(Party.search_count([]), parties)
            self.assertIn("meaning of life", complaint.description)
            self.assertIn("ana@example.com", complaint.description)
            self.assertEqual(reply['complaint'], complaint.number)
            reply = self.talk(conversation, "hello?")
            self.assertIn(complaint.number, reply['reply'])
            # an unknown address: a new party named after it
            conversation = self.start(channel)
            self.talk(conversation, "talk to a person", "new@example.com")
            self.assertEqual(conversation.complaint.customer.email,
                'new@example.com')
            # a verified order: handed over at once, on its customer
            conversation = self.start(channel)
            self.talk(conversation, "where is order 1044? luis@example.com")
            reply = self.talk(conversation, "I want to speak to a human")
            self.assertEqual(reply['state'], 'handed_over')
            self.assertEqual(conversation.complaint.customer.name, "Luis")

    @with_transaction()
    def test_assistant_key(self):
        "A key per channel, a new one on demand, none on a copy"
        pool = Pool()
        Channel = pool.get('ecom.channel')
        with self.shop() as (channel, _, _):
            self.assertIsNone(channel.assistant_key)
            Channel.generate_assistant_key([channel])
            first = channel.assistant_key
            self.assertTrue(first.startswith('ak_'))
            Channel.generate_assistant_key([channel])
            self.assertNotEqual(channel.assistant_key, first)
            copy, = Channel.copy([channel], {'code': 'copy'})
            self.assertIsNone(copy.assistant_key)


del ModuleTestCase
