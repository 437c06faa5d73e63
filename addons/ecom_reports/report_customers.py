"""RFM: customers scored 1-5 on recency, frequency and monetary value
(quintiles of the company's customers) and the segments they fall in.

The scores are computed at each refresh (summary_sql.SCORES) over every
customer's lifetime; the date, shop and currency filters do not apply (a
customer buys through several shops and currencies). Segments, first rule that matches:

==============  ===========================
Champions       R >= 4 and F >= 4
Loyal           R >= 3 and F >= 3
New             R >= 4 (few orders)
Need Attention  R = 3 (few orders)
At Risk         F >= 3 (not recent)
Lost            otherwise
==============  ===========================
"""
from sql.aggregate import Count, Min, Sum
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .report_base import ReportMixin, monetary, rate
from .summary import SEGMENTS


def customers():
    "The company's customer summary (scores and segment set at refresh)"
    Summary = Pool().get('ecom.report.summary.customer')
    summary = Summary.__table__()
    company = Transaction().context.get('company') or -1
    return summary, summary.company == company


class Customer(ReportMixin, ModelSQL, ModelView):
    "A customer's lifetime figures and RFM scores"
    __name__ = 'ecom.report.customer'
    __string__ = "Customers (RFM)"

    party = fields.Many2One('party.party', "Customer",
        context={'company': Eval('company', -1)}, depends={'company'})
    first_date = fields.Date("First Order")
    last_date = fields.Date("Last Order")
    orders = fields.Integer("Orders")
    revenue = monetary("Net Sales")
    recency = fields.Integer("R", help="Recency score, 5 = most recent.")
    frequency = fields.Integer("F", help="Frequency score, 5 = most orders.")
    monetary_score = fields.Integer(
        "M", help="Monetary score, 5 = biggest spender.")
    segment = fields.Selection(SEGMENTS, "Segment")
    days_since = fields.Function(
        fields.Integer("Days Since Last Order"), 'get_figures')
    average_order = fields.Function(
        monetary("Average Order Value"), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('revenue', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        rows, where = customers()
        return rows.select(
            rows.id, rows.party, rows.first_date, rows.last_date,
            rows.orders, cls.revenue.sql_cast(rows.revenue).as_('revenue'),
            rows.recency, rows.frequency,
            rows.monetary.as_('monetary_score'), rows.segment,
            *cls._constant_columns(), where=where)

    def _figures(self):
        Date = Pool().get('ir.date')
        return {
            'days_since': (
                (Date.today() - self.last_date).days if self.last_date
                else None),
            'average_order': self.average(self.revenue, self.orders),
            }


class Segment(ReportMixin, ModelSQL, ModelView):
    "Customers, orders and sales per RFM segment"
    __name__ = 'ecom.report.customer.segment'
    __string__ = "Customer Segments"

    segment = fields.Selection(SEGMENTS, "Segment")
    customers = fields.Integer("Customers")
    orders = fields.Integer("Orders")
    revenue = monetary("Net Sales")
    frequency = fields.Function(fields.Float(
            "Orders per Customer", digits=(16, 2)), 'get_figures')
    average_order = fields.Function(
        monetary("Average Order Value"), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def table_query(cls):
        rows, where = customers()
        return rows.select(
            Min(rows.id).as_('id'),
            rows.segment,
            Count(rows.id).as_('customers'),
            cls.orders.sql_cast(Sum(rows.orders)).as_('orders'),
            cls.revenue.sql_cast(Sum(rows.revenue)).as_('revenue'),
            *cls._constant_columns(),
            where=where, group_by=[rows.segment])

    def _figures(self):
        return {
            'frequency': rate(self.orders, self.customers, 2),
            'average_order': self.average(self.revenue, self.orders),
            }
