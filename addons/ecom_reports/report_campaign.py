"""Campaign performance: the orders each marketing campaign, medium, source
or mailing brought, what they cost in discounts and returns, and the return
on what was spent on it.

The campaign, medium and source are upstream ``marketing_campaign`` records
that the intake sets on the sale from the storefront's UTM attribution
(ecom_orders/attribution.py); a mailing of ``marketing_email`` tags its
links with the same three, so a mailing is one campaign + medium + source.
Spend is entered by hand per campaign (``ecom.marketing.spend``).
"""
from decimal import Decimal

from sql import Literal, Union, Window
from sql.aggregate import Sum
from sql.conditionals import Coalesce
from sql.functions import Round, RowNumber
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from .report_base import (
    Context,
    ReportMixin,
    company_currency,
    context_dates,
    filters,
    grains,
    monetary,
    rate,
)

GROUPS = {
    'campaign': ('campaign',),
    'medium': ('medium',),
    'source': ('source',),
    'mailing': ('campaign', 'medium', 'source'),
    }
NONE = {
    'campaign': 'ecom_reports.msg_campaign_none',
    'medium': 'ecom_reports.msg_medium_none',
    'source': 'ecom_reports.msg_source_none',
    'mailing': 'ecom_reports.msg_mailing_none',
    }
DIMENSIONS = ('campaign', 'medium', 'source')
MEASURES = ('orders', 'new_customers', 'gross', 'returns', 'revenue',
    'discount', 'cost')


class Spend(ModelSQL, ModelView):
    "Money spent on a marketing campaign (ads, agency, printing...)"
    __name__ = 'ecom.marketing.spend'
    __string__ = "Campaign Spend"
    company = fields.Many2One('company.company', "Company", required=True)
    campaign = fields.Many2One(
        'marketing.campaign', "Campaign", required=True, ondelete='RESTRICT')
    medium = fields.Many2One(
        'marketing.medium', "Medium", ondelete='RESTRICT',
        help="Leave empty for a cost of the whole campaign.")
    source = fields.Many2One(
        'marketing.source', "Source", ondelete='RESTRICT',
        help="Leave empty for a cost of the whole campaign.")
    date = fields.Date("Date", required=True,
        help="The day the cost counts on in the reports.")
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        domain=[('amount', '>=', 0)],
        help="Without tax, in the company currency.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    description = fields.Char("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None


class CampaignContext(Context):
    "Filters of the campaign report"
    __name__ = 'ecom.report.campaign.context'
    __string__ = "Campaign Report Filters"
    group_by = fields.Selection([
            ('campaign', "Campaign"),
            ('medium', "Medium"),
            ('source', "Source"),
            ('mailing', "Campaign, Medium and Source (Mailing)"),
            ], "Group By", required=True,
        help="A mailing tags its links with its campaign, medium and "
        "source: group by all three to see each mailing.")

    @classmethod
    def default_group_by(cls):
        return Transaction().context.get('group_by') or 'campaign'


def _same(left, right, dims):
    "NULL-safe equality of the dims columns of two queries"
    condition = Literal(True)
    for d in dims:
        condition &= (Coalesce(getattr(left, d), -1)
            == Coalesce(getattr(right, d), -1))
    return condition


def group_by():
    "The context's grouping, campaign when it names none"
    group = Transaction().context.get('group_by')
    return group if group in GROUPS else 'campaign'


class Campaign(ReportMixin, ModelSQL, ModelView):
    "Orders, revenue, discounts, returns and ROI per campaign"
    __name__ = 'ecom.report.campaign'
    __string__ = "Campaign Performance"

    campaign = fields.Many2One('marketing.campaign', "Campaign")
    medium = fields.Many2One('marketing.medium', "Medium")
    source = fields.Many2One('marketing.source', "Source")
    label = fields.Function(fields.Char("Attribution"), 'get_label')
    orders = fields.Integer("Orders", help="Return sales are not counted.")
    new_customers = fields.Integer(
        "New Customers", help="Orders that were the customer's first.")
    gross = monetary("Gross Sales")
    returns = monetary("Returns")
    revenue = monetary("Net Sales")
    discount = monetary(
        "Discount Cost", help="Given by promotions on the orders' lines.")
    cost = monetary("Cost of Goods")
    spend = monetary("Spend")
    average_order = fields.Function(monetary("Average Order"), 'get_figures')
    return_rate = fields.Function(fields.Float(
            "Return Rate (%)", digits=(16, 4),
            help="Returns over gross sales."), 'get_figures')
    margin = fields.Function(monetary("Margin"), 'get_figures')
    roas = fields.Function(fields.Float(
            "Return on Spend", digits=(16, 2),
            help="Net sales per unit of spend."), 'get_figures')
    roi = fields.Function(fields.Float(
            "ROI (%)", digits=(16, 4),
            help="(Margin - spend) / spend."), 'get_figures')
    mailings = fields.Function(fields.Char(
            "Mailings", help="The mailings whose links carry this "
            "attribution."), 'get_mailings')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('revenue', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Summary = pool.get('ecom.report.summary.campaign')
        Spend = pool.get('ecom.marketing.spend')
        summary = Summary.__table__()
        spend = Spend.__table__()
        context = Transaction().context
        dims = GROUPS[group_by()]
        from_date, to_date = context_dates()
        _, digits = company_currency()

        sums = summary.select(
            *[getattr(summary, d).as_(d) for d in dims],
            *[Sum(getattr(summary, m)).as_(m) for m in MEASURES],
            where=filters(summary) & grains(summary, from_date, to_date),
            group_by=[getattr(summary, d) for d in dims])
        where = ((spend.company == (context.get('company') or -1))
            & (spend.date >= from_date) & (spend.date <= to_date))
        if len(dims) == 1:
            # a cost of the whole campaign is no medium's or source's
            where &= getattr(spend, dims[0]) != None
        spent = spend.select(
            *[getattr(spend, d).as_(d) for d in dims],
            Sum(spend.amount).as_('spend'),
            where=where, group_by=[getattr(spend, d) for d in dims])
        keys = Union(
            sums.select(*[getattr(sums, d) for d in dims]),
            spent.select(*[getattr(spent, d) for d in dims]))
        join = keys.join(sums, 'LEFT', condition=_same(keys, sums, dims))
        join = join.join(spent, 'LEFT', condition=_same(keys, spent, dims))

        def amount(column, name):
            field = cls._fields[name]
            return field.sql_cast(Round(Coalesce(column, 0), digits)).as_(
                name)
        columns = []
        for m in MEASURES:
            column = getattr(sums, m)
            if isinstance(cls._fields[m], fields.Numeric):
                columns.append(amount(column, m))
            else:
                columns.append(Coalesce(column, 0).as_(m))
        columns.append(amount(spent.spend, 'spend'))
        order = [Coalesce(getattr(keys, d), -1) for d in dims]
        return join.select(
            RowNumber(window=Window([], order_by=order)).as_('id'),
            *[(getattr(keys, d) if d in dims else Literal(None)).as_(d)
                for d in DIMENSIONS],
            *cls._constant_columns(),
            *columns)

    @classmethod
    def get_label(cls, reports, name):
        "Campaign / medium / source, or that the orders had none"
        none = gettext(NONE[group_by()])
        result = {}
        for report in reports:
            names = [r.rec_name for r in [
                    report.campaign, report.medium, report.source] if r]
            result[report.id] = ' / '.join(names) or none
        return result

    @classmethod
    def get_mailings(cls, reports, name):
        "Titles of the mailings tagged like each row, one search for all"
        pool = Pool()
        try:
            Message = pool.get('marketing.email.message')
        except KeyError:
            return {r.id: None for r in reports}
        dims = GROUPS[group_by()]
        fields_ = {d: 'marketing_' + d for d in dims}
        domain = ['OR'] + [
            [(fields_[d], '=', getattr(r, d).id if getattr(r, d) else None)
                for d in dims]
            for r in reports if any(getattr(r, d) for d in dims)]
        messages = Message.search(domain, order=[('id', 'ASC')]) if len(
            domain) > 1 else []
        result = {}
        for report in reports:
            key = tuple(getattr(report, d) for d in dims)
            titles = [m.title for m in messages
                if tuple(getattr(m, fields_[d]) for d in dims) == key]
            result[report.id] = ', '.join(titles) or None
        return result

    def _figures(self):
        margin = self.revenue - self.cost
        spend = self.spend or Decimal(0)
        return {
            'average_order': self.average(self.revenue, self.orders),
            'return_rate': rate(self.returns, self.gross),
            'margin': margin,
            'roas': rate(self.revenue, spend, 2),
            'roi': rate(margin - spend, spend),
            }
