"""The customer's assistant conversations erased with them (Tryton's
*Erase*, party.erase): a conversation on one of their orders, handed over
as one of their complaints or returns, or that gave or mentioned one of
their email addresses loses the email and order number given, its
messages' text and network; the complaint it opened loses its
description (the transcript). The conversations, their intents and
counts stay for the assistant's figures."""
from trytond.modules.ecom_base.erasure import ERASED, like_escape, party_emails
from trytond.pool import Pool, PoolMeta


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        pool = Pool()
        Conversation = pool.get('ecom.assistant.conversation')
        Message = pool.get('ecom.assistant.message')
        Complaint = pool.get('sale.complaint')
        result = super().to_erase(party_id)
        emails = [like_escape(e) for e in party_emails(party_id)]
        conversations = Conversation.search(['OR',
                ('sale.party', '=', party_id),
                ('complaint.customer', '=', party_id),
                ('return_.customer', '=', party_id),
                ] + [('email', 'ilike', e) for e in emails]
            + [('messages.text', 'ilike', f'%{e}%') for e in emails])
        if not conversations:
            return result
        ids = [c.id for c in conversations]
        result.append((Message, [('conversation', 'in', ids)], False,
                ['text', 'network'], [ERASED, None]))
        result.append((Conversation, [('id', 'in', ids)], False,
                ['email', 'pending_order'], [None, None]))
        result.append((Complaint, [('origin', 'in', [str(c)
                            for c in conversations])], False,
                ['description'], [ERASED]))
        return result
