"""Daily figures of the storefront events, per channel (UTC days).

``Daily.aggregate(days)`` rebuilds the given days of the three tables from
the raw events with one INSERT ... SELECT each (no event is read into
Python); the cron rebuilds the last three days every hour: the beacon
refuses events more than 48 hours old, so no event can land on an earlier
day, and the raw events of a day are purged only after their channel's
retention (3 days at least), long after their day was summarised.
"""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

DAYS_REBUILT = 3


class DailyMixin:
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.date, Index.Range()),
                (t.channel, Index.Equality())))

    @classmethod
    def _rebuild(cls, day):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete(where=table.date == day))
        event = Pool().get('ecom.analytics.event').__table__()
        query = cls._day_query(day, event, _on(event, day))
        columns = [getattr(table, name) for name in query.names]
        cursor.execute(*table.insert(columns + [
                    table.create_uid, table.create_date], query.select))


class Daily(DailyMixin, ModelSQL):
    "Visits and the funnel of a channel's storefront in a day"
    __name__ = 'ecom.analytics.daily'
    __string__ = "Storefront Visits per Day"
    visits = fields.Integer("Visits", help="Sessions with any event.")
    page_views = fields.Integer("Page Views")
    product_views = fields.Integer("Product Views")
    product_sessions = fields.Integer(
        "Visits Viewing a Product")
    cart_sessions = fields.Integer("Visits Adding to Cart")
    checkout_sessions = fields.Integer("Visits Starting Checkout")

    @classmethod
    def aggregate(cls, days=None):
        """Rebuild the daily tables for days (dates; by default the last
        DAYS_REBUILT UTC days) from the raw events"""
        pool = Pool()
        if days is None:
            today = dt.datetime.now(dt.UTC).date()
            days = [today - dt.timedelta(days=n)
                for n in range(DAYS_REBUILT)]
        for day in sorted(set(days)):
            for Model in [cls, pool.get('ecom.analytics.product_daily'),
                    pool.get('ecom.analytics.landing_daily')]:
                Model._rebuild(day)

    @classmethod
    def _day_query(cls, day, event, where):
        return _Query(event.select(
                event.company, event.channel, Literal(day),
                Count(event.session, distinct=True),
                _count(event.kind == 'page_view'),
                _count(event.kind == 'product_view'),
                _sessions(event, event.kind == 'product_view'),
                _sessions(event, event.kind == 'add_to_cart'),
                _sessions(event, event.kind == 'checkout_started'),
                *_stamp(),
                where=where,
                group_by=[event.company, event.channel]),
            ['company', 'channel', 'date', 'visits', 'page_views',
                'product_views', 'product_sessions', 'cart_sessions',
                'checkout_sessions'])

    @classmethod
    def purge(cls, now=None):
        "Delete each channel's raw events older than its retention"
        pool = Pool()
        Channel = pool.get('ecom.channel')
        Event = pool.get('ecom.analytics.event')
        now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with Transaction().set_context(active_test=False):
            channels = Channel.search([])
        for channel in channels:
            day = (now - dt.timedelta(days=channel.analytics_retention)).date()
            Event.purge(channel, dt.datetime.combine(day, dt.time()))

    @classmethod
    def run_daily(cls):
        "The cron's task: the last days rebuilt, then the old events purged"
        cls.aggregate()
        cls.purge()


class ProductDaily(DailyMixin, ModelSQL):
    "Views and carts of a product on a channel's storefront in a day"
    __name__ = 'ecom.analytics.product_daily'
    __string__ = "Product Views per Day"
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='CASCADE',
        context={'company': Eval('company', -1)}, depends={'company'})
    views = fields.Integer("Views")
    sessions = fields.Integer("Visits Viewing")
    cart_sessions = fields.Integer("Visits Adding to Cart")

    @classmethod
    def _day_query(cls, day, event, where):
        return _Query(event.select(
                event.company, event.channel, Literal(day), event.product,
                _count(event.kind == 'product_view'),
                _sessions(event, event.kind == 'product_view'),
                _sessions(event, event.kind == 'add_to_cart'),
                *_stamp(),
                where=where & (event.product != Null),
                group_by=[event.company, event.channel, event.product]),
            ['company', 'channel', 'date', 'product', 'views', 'sessions',
                'cart_sessions'])


class LandingDaily(DailyMixin, ModelSQL):
    "Visits that began on a page of a channel's storefront in a day"
    __name__ = 'ecom.analytics.landing_daily'
    __string__ = "Landing Pages per Day"
    path = fields.Char("Landing Page", required=True)
    visits = fields.Integer("Visits")
    checkouts = fields.Integer("Visits Starting Checkout")

    @classmethod
    def _day_query(cls, day, event, where):
        # each visit's first event (the smallest path on a tie) is where
        # it landed; its checkout, if any, counts for that page. One join
        # only: a second one (the checkouts) after it made PostgreSQL
        # estimate one row and loop (minutes for a day of 1M events).
        Event = Pool().get('ecom.analytics.event')
        first = Event.__table__()
        firsts = first.select(first.channel, first.session,
            Min(first.occurred_at).as_('at'),
            Max(Case((first.kind == 'checkout_started', Literal(1)),
                    else_=Literal(0))).as_('checked'),
            where=_on(first, day),
            group_by=[first.channel, first.session])
        visits = event.join(firsts, condition=(
                event.channel == firsts.channel)
            & (event.session == firsts.session)
            & (event.occurred_at == firsts.at)).select(
            event.company, event.channel,
            Min(Coalesce(event.path, '/')).as_('path'),
            Max(firsts.checked).as_('checked'),
            where=where,
            group_by=[event.company, event.channel, event.session])
        return _Query(visits.select(
                visits.company, visits.channel, Literal(day), visits.path,
                Count(Literal(1)), Sum(visits.checked),
                *_stamp(),
                group_by=[visits.company, visits.channel, visits.path]),
            ['company', 'channel', 'date', 'path', 'visits', 'checkouts'])


class _Query:
    def __init__(self, select, names):
        self.select, self.names = select, names


def _on(event, day):
    "The events of a UTC day"
    start = dt.datetime.combine(day, dt.time())
    return ((event.occurred_at >= start)
        & (event.occurred_at < start + dt.timedelta(days=1)))


def _count(condition):
    return Sum(Case((condition, Literal(1)), else_=Literal(0)))


def _sessions(event, condition):
    return Count(Case((condition, event.session)), distinct=True)


def _stamp():
    return [Literal(Transaction().user), Literal(dt.datetime.now())]
