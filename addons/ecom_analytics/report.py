"""Visit reports over the report filters' range (E-commerce > Reports):
the funnel per channel and day, product views against sales (view-to-buy
rate) and the landing pages. They read the daily tables of daily.py and,
for orders, ecom_reports' day summaries (refreshed by its own cron: the
filter form shows when)."""
from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_reports.report_base import (
    context_dates,
    filters,
    rate,
)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


def _where(table, from_date, to_date):
    "The range and the filters' company, shop and channel"
    # the daily tables count events, which have no order currency
    with Transaction().set_context(currency=None):
        where = filters(table)
    return where & (table.date >= from_date) & (table.date <= to_date)


def _orders(Summary, keys, from_date, to_date):
    "The summary's orders (all currencies) per keys, days of the range"
    s = Summary.__table__()
    return s.select(*[getattr(s, k) for k in keys],
        Sum(s.orders).as_('orders'),
        *([Sum(s.quantity).as_('quantity')] if 'product' in keys else []),
        where=_where(s, from_date, to_date) & (s.grain == 'D'),
        group_by=[getattr(s, k) for k in keys])


def _matching(a, b, keys):
    condition = Literal(True)
    for key in keys:
        condition &= getattr(a, key) == getattr(b, key)
    return condition


class Funnel(ModelSQL, ModelView):
    "Visits, the steps of the funnel and the orders per channel and day"
    __name__ = 'ecom.analytics.report.funnel'
    __string__ = "Storefront Funnel"
    company = fields.Many2One('company.company', "Company")
    channel = fields.Many2One('ecom.channel', "Channel")
    date = fields.Date("Date")
    visits = fields.Integer("Visits")
    page_views = fields.Integer("Page Views")
    product_sessions = fields.Integer("Viewed a Product")
    cart_sessions = fields.Integer("Added to Cart")
    checkout_sessions = fields.Integer("Started Checkout")
    orders = fields.Integer("Orders")
    conversion = fields.Function(fields.Float(
            "Conversion Rate (%)", digits=(16, 4),
            help="Orders per visit."), 'get_rate')
    cart_rate = fields.Function(fields.Float(
            "Add-to-Cart Rate (%)", digits=(16, 4),
            help="Visits adding to cart per visit."), 'get_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('channel', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        daily = pool.get('ecom.analytics.daily').__table__()
        keys = ['company', 'channel', 'date']
        from_date, to_date = context_dates()
        orders = _orders(pool.get('ecom.report.summary.sales'), keys,
            from_date, to_date)
        return daily.join(orders, 'LEFT',
            condition=_matching(daily, orders, keys)).select(
            daily.id, daily.company, daily.channel, daily.date,
            daily.visits, daily.page_views, daily.product_sessions,
            daily.cart_sessions, daily.checkout_sessions,
            Coalesce(orders.orders, 0).as_('orders'),
            where=_where(daily, from_date, to_date))

    @classmethod
    def get_rate(cls, records, name):
        part = {'conversion': 'orders', 'cart_rate': 'cart_sessions'}[name]
        return {r.id: rate(getattr(r, part), r.visits) for r in records}


class ProductViews(ModelSQL, ModelView):
    "Views of each product against its orders over the range"
    __name__ = 'ecom.analytics.report.product'
    __string__ = "Product Views and Sales"
    company = fields.Many2One('company.company', "Company")
    channel = fields.Many2One('ecom.channel', "Channel")
    product = fields.Many2One('product.product', "Product",
        context={'company': Eval('company', -1)}, depends={'company'})
    views = fields.Integer("Views")
    sessions = fields.Integer("Visits Viewing")
    cart_sessions = fields.Integer("Visits Adding to Cart")
    orders = fields.Integer("Orders")
    quantity = fields.Float("Quantity Sold")
    view_to_buy = fields.Function(fields.Float(
            "View-to-Buy Rate (%)", digits=(16, 4),
            help="Orders of the product per visit that viewed it."),
        'get_view_to_buy')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('views', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        daily = pool.get('ecom.analytics.product_daily').__table__()
        keys = ['company', 'channel', 'product']
        from_date, to_date = context_dates()
        viewed = daily.select(
            Min(daily.id).as_('id'), daily.company, daily.channel,
            daily.product, Sum(daily.views).as_('views'),
            Sum(daily.sessions).as_('sessions'),
            Sum(daily.cart_sessions).as_('cart_sessions'),
            where=_where(daily, from_date, to_date),
            group_by=[getattr(daily, k) for k in keys])
        sold = _orders(pool.get('ecom.report.summary.product'), keys,
            from_date, to_date)
        return viewed.join(sold, 'LEFT',
            condition=_matching(viewed, sold, keys)).select(
            viewed.id, viewed.company, viewed.channel, viewed.product,
            viewed.views, viewed.sessions, viewed.cart_sessions,
            Coalesce(sold.orders, 0).as_('orders'),
            Coalesce(sold.quantity, 0).as_('quantity'))

    @classmethod
    def get_view_to_buy(cls, records, name):
        return {r.id: rate(r.orders, r.sessions) for r in records}


class Landing(ModelSQL, ModelView):
    "The pages visits began on over the range, and their checkouts"
    __name__ = 'ecom.analytics.report.landing'
    __string__ = "Top Landing Pages"
    company = fields.Many2One('company.company', "Company")
    channel = fields.Many2One('ecom.channel', "Channel")
    path = fields.Char("Landing Page")
    visits = fields.Integer("Visits")
    checkouts = fields.Integer("Started Checkout")
    checkout_rate = fields.Function(fields.Float(
            "Checkout Rate (%)", digits=(16, 4),
            help="Visits starting checkout per visit landing here."),
        'get_checkout_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('visits', 'DESC'), ('path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        daily = Pool().get('ecom.analytics.landing_daily').__table__()
        from_date, to_date = context_dates()
        return daily.select(
            Min(daily.id).as_('id'), daily.company, daily.channel,
            daily.path, Sum(daily.visits).as_('visits'),
            Sum(daily.checkouts).as_('checkouts'),
            where=_where(daily, from_date, to_date)
            & (daily.path != Null),
            group_by=[daily.company, daily.channel, daily.path])

    @classmethod
    def get_checkout_rate(cls, records, name):
        return {r.id: rate(r.checkouts, r.visits) for r in records}
