"The customer's conversations erased with them (test_module)"
from trytond.modules.ecom_base.tests.texts import erase, texts_found
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class EraseMixin:

    @with_transaction()
    def test_conversations_erased_with_their_customer(self):
        """Erasing Ana blanks her conversations (on her order, handed over
        on her, mentioning her email) and their complaint; Luis' stays"""
        pool = Pool()
        Conversation = pool.get('ecom.assistant.conversation')
        Complaint = pool.get('sale.complaint')
        Sale = pool.get('sale.sale')
        with self.shop() as (channel, sale, other):
            on_order = self.start(channel)
            self.talk(on_order, "where is order 1043? ana@example.com")
            handed = self.start(channel)
            self.talk(handed, "talk to a person", "ana@example.com")
            mention = self.start(channel)
            self.talk(mention, "order 9999 ANA@example.com, my size is 38")
            luis = self.start(channel)
            self.talk(luis, "where is order 1044? luis@example.com")
            complaint = handed.complaint
            self.assertIn('ana@example.com', complaint.description)
            self.assertEqual(texts_found(['ana@example.com', 'size is 38']),
                [('ecom_assistant_conversation', 'email', 'ana@example.com'),
                    ('ecom_assistant_message', 'text', 'ana@example.com'),
                    ('ecom_assistant_message', 'text', 'size is 38')])

            Sale.write([sale], {'state': 'cancelled'})
            Complaint.write([complaint], {'state': 'done'})
            erase(sale.party)
            # the wizard writes in SQL: read again what this transaction read
            Transaction().cache.clear()

            self.assertEqual(
                texts_found(['ana@example.com', 'size is 38', '1043']), [])
            self.assertEqual(Complaint(complaint.id).description, '[erased]')
            for conversation in Conversation.browse(
                    [on_order, handed, mention]):
                self.assertEqual({m.text for m in conversation.messages},
                    {'[erased]'})
                self.assertEqual({m.network for m in conversation.messages},
                    {None})
                self.assertIsNone(conversation.email)
            # the figures stay; another customer's conversation is untouched
            self.assertEqual(len(Conversation(on_order.id).messages), 2)
            self.assertIn("luis@example.com",
                Conversation(luis.id).messages[0].text)
            self.assertEqual(Conversation(luis.id).sale, other)
