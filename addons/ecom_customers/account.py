"""The customer's account for staff (a page of the customer form): online
orders, lifetime value and RFM segment (ecom_reports' summary), segments
for the company of the context. Returns, emails sent and loyalty points
have their pages from ecom_returns, ecom_notifications and ecom_loyalty."""
from collections import defaultdict

from trytond.model import fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ecom_base.records import per_party
from trytond.modules.ecom_reports.summary import SEGMENTS
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ecom_orders = fields.Function(fields.Many2Many(
            'sale.sale', None, None, "Online Orders", readonly=True),
        'get_ecom_account')
    ecom_order_count = fields.Function(
        fields.Integer("Orders"), 'get_ecom_account')
    ecom_lifetime_value = fields.Function(Monetary(
            "Lifetime Value", currency='ecom_currency',
            digits='ecom_currency',
            help="Net sales of the customer's orders, in the company's "
            "currency, as of the last report refresh."), 'get_ecom_account')
    ecom_currency = fields.Function(fields.Many2One(
            'currency.currency', "Company Currency"), 'get_ecom_currency')
    ecom_rfm_segment = fields.Function(fields.Selection(
            [(None, "")] + SEGMENTS, "RFM Segment"), 'get_ecom_account')
    ecom_segments = fields.Function(fields.Many2Many(
            'ecom.customer.segment', None, None, "Segments", readonly=True),
        'get_ecom_account')

    @classmethod
    def get_ecom_currency(cls, parties, name):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        currency = Company(company).currency.id if company else None
        return {p.id: currency for p in parties}

    @classmethod
    def get_ecom_account(cls, parties, names):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Summary = pool.get('ecom.report.summary.customer')
        Member = pool.get('ecom.customer.segment.member')
        company = Transaction().context.get('company') or -1
        ids = [p.id for p in parties]
        result = {n: {} for n in names}
        lists = defaultdict(lambda: defaultdict(list))
        if 'ecom_orders' in names:
            lists['ecom_orders'].update(per_party(Sale, 'party', parties,
                    [('ecom_channel', '!=', None), ('ecom_is_return', '=', False)],
                    order=[('sale_date', 'DESC'), ('id', 'DESC')]))
        if 'ecom_segments' in names:
            for member in Member.search([
                        ('party', 'in', ids),
                        ('segment.company', '=', company)]):
                lists['ecom_segments'][member.party.id].append(
                    member.segment.id)
        summaries = {s.party.id: s for s in Summary.search([
                    ('party', 'in', ids), ('company', '=', company)])}
        for party in parties:
            summary = summaries.get(party.id)
            values = {
                'ecom_order_count': summary.orders if summary else 0,
                'ecom_lifetime_value': summary.revenue if summary else None,
                'ecom_rfm_segment': summary.segment if summary else None,
                }
            for name in names:
                if name in values:
                    result[name][party.id] = values[name]
                else:
                    result[name][party.id] = lists[name][party.id]
        return result
