"""The customer form's *Complaints and Returns* page."""
from collections import defaultdict

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ecom_complaints = fields.Function(fields.Many2Many(
            'sale.complaint', None, None, "Complaints and Returns",
            readonly=True,
            help="The customer's complaints and returns, newest first, for "
            "the company of the context."),
        'get_ecom_complaints')

    @classmethod
    def get_ecom_complaints(cls, parties, name):
        Complaint = Pool().get('sale.complaint')
        company = Transaction().context.get('company') or -1
        complaints = defaultdict(list)
        for complaint in Complaint.search([
                    ('customer', 'in', [p.id for p in parties]),
                    ('company', '=', company)],
                order=[('date', 'DESC'), ('id', 'DESC')]):
            complaints[complaint.customer.id].append(complaint.id)
        return {p.id: complaints[p.id] for p in parties}
