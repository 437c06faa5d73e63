"""What every report shares: the context (filters) and reading the grains."""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Coalesce
from sql.functions import Round
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

FAR_PAST = dt.date(1900, 1, 1)
FAR_FUTURE = dt.date(2999, 12, 31)


class Context(ModelView):
    "Filters of the e-commerce reports"
    __name__ = 'ecom.report.context'
    __string__ = "Report Filters"
    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date", required=True,
        domain=[If(Eval('to_date'), ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date(
        "To Date", required=True,
        domain=[If(Eval('from_date'), ('to_date', '>=', Eval('from_date')),
                ())])
    period = fields.Selection([
            ('day', "Day"),
            ('week', "Week"),
            ('month', "Month"),
            ('year', "Year"),
            ], "Period", required=True,
        help="The buckets of the reports over time; each is compared with "
        "the bucket as far before as the whole range is long.")
    shop = fields.Many2One(
        'web.shop', "Web Shop",
        domain=[('company', '=', Eval('company', -1))])
    channel = fields.Many2One(
        'ecom.channel', "Channel",
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('shop'), ('shop', '=', Eval('shop', -1)), ()),
            ])
    currency = fields.Many2One(
        'currency.currency', "Order Currency",
        help="Only the orders placed in this currency. Amounts stay in the "
        "company currency.")
    limit = fields.Integer(
        "Top", required=True, domain=[('limit', '>', 0)],
        help="How many products, categories or customers to list.")
    refreshed = fields.Timestamp("Figures As Of", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if context.get('from_date'):
            return context['from_date']
        return Pool().get('ir.date').today() - relativedelta(days=29)

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        return context.get('to_date') or Pool().get('ir.date').today()

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period') or 'day'

    @classmethod
    def default_limit(cls):
        # ten bars keep a chart's labels apart on a laptop screen
        return Transaction().context.get('limit') or 10

    @classmethod
    def default_refreshed(cls):
        Refresh = Pool().get('ecom.report.refresh')
        company = Transaction().context.get('company')
        states = Refresh.search([('company', '=', company)]) if company else []
        return states[0].refreshed if states else None

    @fields.depends('company')
    def on_change_with_refreshed(self):
        Refresh = Pool().get('ecom.report.refresh')
        if self.company:
            states = Refresh.search([('company', '=', self.company.id)])
            return states[0].refreshed if states else None


def context_dates():
    context = Transaction().context
    return (
        context.get('from_date') or FAR_PAST,
        context.get('to_date') or FAR_FUTURE)


def filters(table):
    "Company, shop, channel and order currency of the context"
    pool = Pool()
    Channel = pool.get('ecom.channel')
    context = Transaction().context
    where = table.company == (context.get('company') or -1)
    if context.get('channel'):
        where &= table.channel == context['channel']
    if context.get('shop'):
        channel = Channel.__table__()
        where &= table.channel.in_(channel.select(
                channel.id, where=channel.shop == context['shop']))
    if context.get('currency'):
        where &= table.currency == context['currency']
    return where


def grains(table, from_date, to_date):
    "Rows covering [from_date, to_date]: whole months, then the edge days"
    first_full = from_date if from_date.day == 1 else (
        from_date.replace(day=1) + relativedelta(months=1))
    after = to_date + dt.timedelta(days=1)
    end_full = after if after.day == 1 else after.replace(day=1)
    days = (table.grain == 'D') & (table.date >= from_date) & (
        table.date <= to_date)
    if first_full >= end_full:
        return days
    return (
        ((table.grain == 'M') & (table.date >= first_full)
            & (table.date < end_full))
        | ((table.grain == 'D') & (
                ((table.date >= from_date) & (table.date < first_full))
                | ((table.date >= end_full) & (table.date <= to_date)))))


def company_currency():
    pool = Pool()
    Company = pool.get('company.company')
    company = Transaction().context.get('company')
    if company:
        currency = Company(company).currency
        return currency.id, currency.digits
    return None, 2


def money(column, digits):
    return Round(Coalesce(column, 0), digits)


def total(column, digits):
    return money(Sum(column), digits)


def ratio(numerator, denominator, digits=4):
    "numerator / denominator as a Decimal, None when there is no base"
    if not denominator:
        return None
    return round(Decimal(str(numerator or 0)) / Decimal(str(denominator)),
        digits)


def rate(numerator, denominator, digits=4):
    "numerator / denominator as a float (for the % columns), or None"
    value = ratio(numerator, denominator, digits)
    return float(value) if value is not None else None


class ReportMixin:
    "A read-only table_query report in the company currency"
    __slots__ = ()
    company = fields.Many2One('company.company', "Company")
    currency = fields.Many2One('currency.currency', "Currency")

    @classmethod
    def _constant_columns(cls):
        currency, _ = company_currency()
        company = Transaction().context.get('company')
        return [
            Literal(company or -1).as_('company'),
            Literal(currency or -1).as_('currency'),
            ]

    @classmethod
    def get_figures(cls, records, names):
        "Getter of the Function fields, computed by _figures per record"
        result = {n: {} for n in names}
        for record in records:
            figures = record._figures()
            for name in names:
                result[name][record.id] = figures[name]
        return result

    def _figures(self):
        return {}

    def average(self, amount, count):
        "amount / count in the currency, or None"
        if count:
            return self.currency.round(ratio(amount, count, 6))

    @classmethod
    def read(cls, ids, fields_names):
        "Amounts at the company currency's scale on every backend"
        rows = super().read(ids, fields_names)
        _, digits = company_currency()
        exp = Decimal(10) ** -digits
        numeric = [n for n in fields_names
            if isinstance(cls._fields.get(n), fields.Numeric)]
        for row in rows:
            for name in numeric:
                if isinstance(row.get(name), Decimal):
                    row[name] = row[name].quantize(exp)
        return rows


def monetary(string, **kwargs):
    return Monetary(string, currency='currency', digits='currency', **kwargs)
