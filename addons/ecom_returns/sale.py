"""The returns of an online order in what its storefront is told."""
from trytond.pool import Pool, PoolMeta


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def ecom_status(self):
        status = super().ecom_status()
        Complaint = Pool().get('sale.complaint')
        status['returns'] = [{
                'reference': c.reference, 'number': c.number,
                'state': c.state, 'refund': c.ecom_refund_state,
                } for c in Complaint.search([('origin', '=', str(self))],
                order=[('id', 'ASC')])]
        return status
