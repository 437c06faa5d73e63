"""The customer form's *Emails Sent* page, and the erasure of what was sent
to a customer (recipient, subject and body; the entry stays)."""
from trytond.model import fields
from trytond.modules.ecom_base.erasure import like_escape, party_emails
from trytond.modules.ecom_base.records import per_party
from trytond.pool import Pool, PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ecom_emails = fields.Function(fields.Many2Many(
            'ecom.notification', None, None, "Emails Sent", readonly=True,
            help="The emails sent about the customer's online orders, "
            "newest first, for the company of the context."),
        'get_ecom_emails')

    @classmethod
    def get_ecom_emails(cls, parties, name):
        return per_party(Pool().get('ecom.notification'), 'sale.party',
            parties, [('kind', '=', 'email')], order=[('id', 'DESC')])


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        Notification = Pool().get('ecom.notification')
        result = super().to_erase(party_id)
        # an address is the same whatever its case
        result.append((Notification, ['OR', ('sale.party', '=', party_id)]
                + [('recipient', 'ilike', like_escape(e))
                    for e in party_emails(party_id)], False,
                ['recipient', 'subject', 'body'], ['****', None, None]))
        return result
