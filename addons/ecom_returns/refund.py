"""Refunds reported by the gateway match the credit notes of returns."""
from trytond.pool import Pool, PoolMeta


def _return_sales(sale):
    "The return sales that the returns (complaints) of an order created"
    Complaint = Pool().get('sale.complaint')
    return [s for c in Complaint.search([('origin', '=', str(sale))])
        for s in c.ecom_return_sales]


class PaymentTransaction(metaclass=PoolMeta):
    __name__ = 'ecom.payment.transaction'

    def _invoices(self):
        invoices = super()._invoices()
        if self.kind == 'refund':
            invoices = set(invoices)
            for sale in _return_sales(self.sale):
                invoices.update(sale.invoices)
            invoices = sorted(invoices, key=lambda i: i.id)
        return invoices


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _ecom_sales(cls, invoices):
        "A return's credit note settles the order the return is of"
        pool = Pool()
        Complaint = pool.get('sale.complaint')
        Sale = pool.get('sale.sale')
        sales = set(super()._ecom_sales(invoices))
        for invoice in invoices:
            for sale in invoice.sales:
                if (isinstance(sale.origin, Complaint)
                        and isinstance(sale.origin.origin, Sale)
                        and sale.origin.origin.ecom_channel):
                    sales.add(sale.origin.origin)
        return list(sales)
