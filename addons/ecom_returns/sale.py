"""The returns of an online order in what its storefront is told; the
credit note of a return credited when approved."""
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta

from .returns import post_credit_notes


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def get_ecom_return_sales(cls, sales, name):
        "The order's return sales, those of its complaints (RMAs) included"
        Complaint = Pool().get('sale.complaint')
        result = super().get_ecom_return_sales(sales, name)
        order_of = {c.id: c.origin.id for c in Complaint.search([
                    ('origin', 'in', [str(s) for s in sales])])}
        if order_of:
            for sale in cls.search([
                        ('origin', 'in', [f'sale.complaint,{i}'
                                for i in order_of]),
                        ('ecom_is_return', '=', True)],
                    order=[('id', 'ASC')]):
                result[order_of[sale.origin.id]].append(sale.id)
        return result

    @classmethod
    @ModelView.button
    def process(cls, sales):
        "A channel that credits returns when approved posts their credit note"
        Complaint = Pool().get('sale.complaint')
        super().process(sales)
        post_credit_notes([s for s in cls.browse(sales)
                if s.ecom_channel and isinstance(s.origin, Complaint)
                and s.ecom_channel.return_credit == 'approved'])

    def ecom_status(self):
        status = super().ecom_status()
        Complaint = Pool().get('sale.complaint')
        status['returns'] = [{
                'reference': c.reference, 'number': c.number,
                'state': c.state, 'refund': c.ecom_refund_state,
                } for c in Complaint.search([('origin', '=', str(self))],
                order=[('id', 'ASC')])]
        return status
