"""Right to erasure on top of Tryton's *Erase* wizard (party.erase).

Upstream anonymises the party's name, addresses, identifiers and contact
mechanisms and refuses active parties, pending sales and unpaid invoices;
invoices and accounting moves are kept as they are (the law wants them).
Here: a clear refusal naming the open online orders, and the customer's
consent entries and newsletter subscriptions are anonymised too.
"""
from sql import Cast
from sql.operators import Concat
from trytond.i18n import gettext
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta

SHOWN_ORDERS = 5


def _erased_email(column):
    "A unique address per row: the list's unique constraint holds"
    return Concat(Concat('erased-', Cast(column.table.id, 'VARCHAR')),
        '@erased.invalid')


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def check_erase_company(self, party, company):
        Sale = Pool().get('sale.sale')
        sales = Sale.search([
                ('party', '=', party.id),
                ('company', '=', company.id),
                ('state', 'not in', ['done', 'cancelled']),
                ], order=[('id', 'ASC')])
        if sales:
            names = ', '.join(
                s.number or s.ecom_external_id or f'draft {s.id}'
                for s in sales[:SHOWN_ORDERS])
            if len(sales) > SHOWN_ORDERS:
                names += ', …'
            raise EraseError(gettext('ecom_customers.msg_erase_open_orders',
                    party=party.rec_name, company=company.rec_name,
                    count=len(sales), orders=names))
        super().check_erase_company(party, company)

    def to_erase(self, party_id):
        pool = Pool()
        Consent = pool.get('ecom.customer.consent')
        Email = pool.get('marketing.email')
        ContactMechanism = pool.get('party.contact_mechanism')
        result = super().to_erase(party_id)
        emails = sorted({m.value.strip().lower()
                for m in ContactMechanism.search([
                        ('party', '=', party_id), ('type', '=', 'email'),
                        ('active', 'in', [True, False])])
                if m.value})
        result.append((Consent, [('party', '=', party_id)], False,
                ['address', 'note'], ['****', None]))
        if emails:
            result.append((Email, [('email', 'in', emails)], False,
                    ['email'], [_erased_email]))
        return result
