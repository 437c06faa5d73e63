"""Reports over time: sales (with the previous period), customers,
fulfilment. One row per day, week, month or year of the context range."""
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Round
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .report_base import (
    ReportMixin,
    company_currency,
    context_dates,
    filters,
    monetary,
    rate,
)

INDEX = {
    'day': 'day_index', 'week': 'week_index', 'month': 'month_index',
    'year': 'year_index'}


class TimeSeriesMixin(ReportMixin):
    "Buckets of the range joined with the same buckets one range earlier"
    __slots__ = ()
    _summary = None
    _compared = ()
    date = fields.Date("Period")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _sums(cls):
        "Names of the summary columns summed per bucket"
        return Pool().get(cls._summary)._measures()

    @classmethod
    def _range(cls, index):
        pool = Pool()
        Calendar = pool.get('ecom.report.calendar')
        calendar = Calendar.__table__()
        from_date, to_date = context_dates()
        column = getattr(calendar, index)
        cursor = Transaction().connection.cursor()
        cursor.execute(*calendar.select(Min(column), Max(column),
                where=(calendar.date >= from_date)
                & (calendar.date <= to_date)))
        low, high = cursor.fetchone()
        if low is None:
            return 0, -1
        return low, high

    @classmethod
    def _series(cls, index, where_calendar, shift):
        pool = Pool()
        Calendar = pool.get('ecom.report.calendar')
        Summary = pool.get(cls._summary)
        calendar = Calendar.__table__()
        summary = Summary.__table__()
        bucket = getattr(calendar, index)
        return summary.join(
            calendar, condition=calendar.date == summary.date).select(
            (bucket + shift).as_('bucket'),
            *[Sum(getattr(summary, m)).as_(m) for m in cls._sums()],
            where=(summary.grain == 'D') & filters(summary)
            & where_calendar(calendar),
            group_by=[bucket])

    @classmethod
    def table_query(cls):
        pool = Pool()
        Calendar = pool.get('ecom.report.calendar')
        period = Transaction().context.get('period') or 'day'
        index = INDEX.get(period, 'day_index')
        from_date, to_date = context_dates()
        low, high = cls._range(index)
        length = high - low + 1
        calendar = Calendar.__table__()
        buckets = calendar.select(
            getattr(calendar, index).as_('bucket'),
            Min(calendar.date).as_('date'),
            where=(calendar.date >= from_date) & (calendar.date <= to_date),
            group_by=[getattr(calendar, index)])
        current = cls._series(
            index, lambda c: (c.date >= from_date) & (c.date <= to_date), 0)
        previous = cls._series(
            index, lambda c: (getattr(c, index) >= low - length)
            & (getattr(c, index) < low), length)
        _, digits = company_currency()
        columns = []
        for name in cls._sums():
            column = Coalesce(getattr(current, name), 0)
            columns.append(cls._cast(name, column, digits).as_(name))
        for name in cls._compared:
            column = Coalesce(getattr(previous, name), 0)
            columns.append(
                cls._cast(name, column, digits).as_('previous_' + name))
        return buckets.join(current, 'LEFT',
            condition=current.bucket == buckets.bucket).join(
            previous, 'LEFT', condition=previous.bucket == buckets.bucket
            ).select(
                buckets.bucket.as_('id'),
                buckets.date.as_('date'),
                *cls._constant_columns(),
                *columns)

    @classmethod
    def _cast(cls, name, column, digits):
        field = cls._fields[name]
        if isinstance(field, fields.Numeric):
            return field.sql_cast(Round(column, digits))
        return field.sql_cast(column)


class Sales(TimeSeriesMixin, ModelSQL, ModelView):
    "Orders and sales per period, beside the previous period"
    __name__ = 'ecom.report.sales'
    __string__ = "Sales over Time"
    _summary = 'ecom.report.summary.sales'
    _compared = ('orders', 'revenue')

    orders = fields.Integer("Orders")
    quantity = fields.Float("Units")
    gross = monetary("Gross Sales")
    returns = monetary("Returns")
    revenue = monetary("Net Sales")
    shipping = monetary("Shipping")
    discount = monetary("Promotion Discounts")
    cost = monetary("Cost")
    new_customers = fields.Integer(
        "New Customers", help="Orders that were the customer's first.")
    new_revenue = monetary("Net Sales to New Customers")
    previous_orders = fields.Integer("Orders (Previous Period)")
    previous_revenue = monetary("Net Sales (Previous Period)")
    margin = fields.Function(monetary("Margin"), 'get_figures')
    average_order = fields.Function(
        monetary("Average Order Value"), 'get_figures')
    revenue_change = fields.Function(fields.Float(
            "Change (%)", digits=(16, 4),
            help="Net sales against the previous period."), 'get_figures')
    returning_orders = fields.Function(
        fields.Integer("Returning Customers' Orders"), 'get_figures')
    returning_revenue = fields.Function(
        monetary("Net Sales to Returning Customers"), 'get_figures')

    def _figures(self):
        return {
            'margin': self.revenue - self.cost,
            'average_order': self.average(self.revenue, self.orders),
            'revenue_change': rate(
                self.revenue - self.previous_revenue, self.previous_revenue),
            'returning_orders': self.orders - self.new_customers,
            'returning_revenue': self.revenue - self.new_revenue,
            }


class Fulfilment(TimeSeriesMixin, ModelSQL, ModelView):
    "Orders shipped within the channel's service level, per order period"
    __name__ = 'ecom.report.fulfilment'
    __string__ = "Fulfilment"
    _summary = 'ecom.report.summary.fulfilment'
    _compared = ('orders', 'on_time')

    orders = fields.Integer("Orders")
    shipped = fields.Integer("Shipped")
    on_time = fields.Integer("Shipped within SLA")
    preparation_days = fields.Integer("Preparation Days (Sum)")
    previous_orders = fields.Integer("Orders (Previous Period)")
    previous_on_time = fields.Integer("Within SLA (Previous Period)")
    on_time_rate = fields.Function(fields.Float(
            "Within SLA (%)", digits=(16, 4),
            help="Share of the shipped orders."), 'get_figures')
    average_preparation = fields.Function(fields.Float(
            "Average Preparation (Days)", digits=(16, 2)), 'get_figures')

    def _figures(self):
        return {
            'on_time_rate': rate(self.on_time, self.shipped),
            'average_preparation': rate(
                self.preparation_days, self.shipped, 2),
            }

