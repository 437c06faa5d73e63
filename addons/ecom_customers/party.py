"""Right to erasure on top of Tryton's *Erase* wizard (party.erase).

Upstream anonymises the party's name, addresses, identifiers and contact
mechanisms and refuses active parties, pending sales and unpaid invoices;
invoices and accounting moves are kept as they are (the law wants them).
Here: a clear refusal naming the open online orders; the customer's
consent entries (theirs and those of their addresses), newsletter
subscriptions, the storefront payloads of their orders (Intake Log and
storefront events: blanked, with the sender's address) are anonymised
too; ecom_notifications blanks the emails sent to them.
"""
from sql import Cast
from sql.operators import Concat
from trytond.i18n import gettext
from trytond.modules.ecom_base.erasure import ERASED, like_escape, party_emails
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta

from .consent import normalize

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
        Log = pool.get('ecom.intake.log')
        Event = pool.get('ecom.storefront.event')
        result = super().to_erase(party_id)
        emails = party_emails(party_id)
        phones = sorted({normalize('sms', m.value)
                for m in ContactMechanism.search([
                        ('party', '=', party_id),
                        ('active', 'in', [True, False]),
                        ('type', 'in', ['phone', 'mobile'])])
                if m.value})
        # consents recorded before the address was known as theirs too
        result.append((Consent, ['OR', ('party', '=', party_id),
                    [('channel', '=', 'email'), ('address', 'in', emails)],
                    [('channel', '=', 'sms'), ('address', 'in', phones)]],
                False, ['address', 'note'], ['****', None]))
        if emails:
            result.append((Email, [('email', 'in', emails)], False,
                    ['email'], [_erased_email]))
        # what the storefronts sent (whole orders: names, addresses, phone)
        mentioned = ['OR', ('sale.party', '=', party_id)] + [
            ('payload', 'ilike', f'%{like_escape(e)}%') for e in emails]
        result.append((Log, mentioned, False,
                ['payload', 'errors', 'remote_addr'], [ERASED, None, None]))
        result.append((Event, mentioned, False, ['payload', 'errors'],
                [ERASED, None]))
        return result
