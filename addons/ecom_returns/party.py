"""The customer form's *Complaints and Returns* page."""
from trytond.model import fields
from trytond.modules.ecom_base.records import per_party
from trytond.pool import Pool, PoolMeta


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
        return per_party(Pool().get('sale.complaint'), 'customer', parties,
            [], order=[('date', 'DESC'), ('id', 'DESC')])
