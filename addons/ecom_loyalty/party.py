"""The customer's points on the customer form (a page of its own)."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ecom_loyalty_balance = fields.Function(
        fields.Integer("Loyalty Points",
            help="Points of the customer in the company of the context."),
        'get_ecom_loyalty_balance')
    ecom_loyalty_entries = fields.Function(fields.Many2Many(
            'ecom.loyalty.entry', None, None, "Loyalty History",
            readonly=True),
        'get_ecom_loyalty_balance')

    @classmethod
    def get_ecom_loyalty_balance(cls, parties, names):
        Account = Pool().get('ecom.loyalty.account')
        company = Transaction().context.get('company') or -1
        accounts = {a.party.id: a for a in Account.search([
                    ('party', 'in', [p.id for p in parties]),
                    ('company', '=', company)])}
        result = {}
        for name in names:
            result[name] = {}
            for party in parties:
                account = accounts.get(party.id)
                if name == 'ecom_loyalty_balance':
                    value = account.balance if account else 0
                else:
                    value = [e.id for e in account.entries] if account else []
                result[name][party.id] = value
        return result
