"""Keep the report summary tables up to date.

A refresh recomputes whole days: every day that has a sale created or
modified since the previous refresh (minus a margin for transactions that
were still running), then the months of those days and the lifetime rows of
the customers who bought on them. It runs from a scheduled task, from the
*Refresh Reports* button, and from ``python -m
trytond.modules.ecom_reports.cli refresh``.
"""
import datetime as dt
import logging
import time

from sql import Flavor
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import summary_sql
from .summary import SUMMARIES

logger = logging.getLogger(__name__)
MARGIN = dt.timedelta(hours=1)
BATCH = 60
CALENDAR_AHEAD = 400


def run(sql, params=()):
    "Execute sql written with %s parameters on the current backend"
    cursor = Transaction().connection.cursor()
    if Flavor.get().paramstyle == 'qmark':
        sql = sql.replace('%s', '?')
    cursor.execute(sql, list(params))
    return cursor


def month_of(date):
    return date.replace(day=1)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Range()), (t.party, Index.Range()),
                    (t.sale_date, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.write_date, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.sale_date, Index.Range())),
                })


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.origin, Index.Equality())))


class Refresh(ModelSQL, ModelView):
    "Where the report summaries of a company stand"
    __name__ = 'ecom.report.refresh'
    __string__ = "Report Refresh"
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    seen = fields.Timestamp(
        "Changes Seen Until", readonly=True,
        help="The newest sale change included in the summaries.")
    refreshed = fields.Timestamp("Last Refresh", readonly=True)
    days = fields.Integer("Days Recomputed", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True)

    @classmethod
    def refresh(cls, companies=None, full=False):
        "Bring the summaries of the companies (default all) up to date"
        pool = Pool()
        Company = pool.get('company.company')
        if companies is None:
            companies = Company.search([])
        for company in companies:
            cls._refresh_company(company, full)

    @classmethod
    def _refresh_company(cls, company, full):
        start = time.monotonic()
        state, = cls.search([('company', '=', company.id)]) or [None]
        state = state or cls(company=company, seen=None)
        since = None if full or not state.seen else state.seen - MARGIN
        newest, dates = cls._changed_days(company.id, since)
        cls.ensure_calendar(dates)
        if full:
            cls._clear(company.id)
        for i in range(0, len(dates), BATCH):
            cls.recompute(company.id, dates[i:i + BATCH], customers=not full)
        if full:
            run(summary_sql.customer_insert('1 = 1'), [company.id])
        run(summary_sql.SCORES, [company.id])
        state.seen = max(filter(None, [state.seen, newest]), default=None)
        state.refreshed = dt.datetime.now()
        state.days = len(dates)
        state.duration = round(time.monotonic() - start, 3)
        state.save()
        logger.info(
            "company %s: %d days recomputed in %.2f s",
            company.id, len(dates), state.duration)

    @classmethod
    def _changed_days(cls, company_id, since):
        changed = "COALESCE(write_date, create_date)"
        where, params = "company = %s", [company_id]
        if since:
            where += f" AND {changed} >= %s"
            params.append(since)
        newest, = run(
            f"SELECT MAX({changed}) FROM sale_sale WHERE {where}",
            params).fetchone()
        dates = [d for d, in run(
                f"SELECT DISTINCT sale_date FROM sale_sale WHERE {where} "
                "AND sale_date IS NOT NULL ORDER BY sale_date",
                params).fetchall()]
        dates = [dt.date.fromisoformat(d) if isinstance(d, str) else d
            for d in dates]
        if isinstance(newest, str):
            newest = dt.datetime.fromisoformat(newest)
        return newest, dates

    @classmethod
    def _clear(cls, company_id):
        for model in SUMMARIES + ['ecom.report.summary.customer']:
            table = model.replace('.', '_')
            run(f"DELETE FROM {table} WHERE company = %s", [company_id])

    @classmethod
    def recompute(cls, company_id, dates, customers=True):
        "Recompute the day rows of dates, their months and their customers"
        pool = Pool()
        placeholders = ', '.join(['%s'] * len(dates))
        months = sorted({month_of(d) for d in dates})
        month_marks = ', '.join(['%s'] * len(months))
        for model in SUMMARIES:
            table = model.replace('.', '_')
            run(f"DELETE FROM {table} WHERE company = %s AND grain = 'D' "
                f"AND date IN ({placeholders})", [company_id, *dates])
            run(summary_sql.day_insert(table, dates), [company_id, *dates])
            run(f"DELETE FROM {table} WHERE company = %s AND grain = 'M' "
                f"AND date IN ({month_marks})", [company_id, *months])
            Model = pool.get(model)
            run(summary_sql.month_insert(
                    table, Model._dimensions(), Model._measures()).replace(
                    '{months}', month_marks),
                [company_id, *months])
        if customers:
            parties = (
                "SELECT party FROM sale_sale WHERE company = %s "
                f"AND sale_date IN ({placeholders})")
            run(f"DELETE FROM ecom_report_summary_customer "
                f"WHERE company = %s AND party IN ({parties})",
                [company_id, company_id, *dates])
            run(summary_sql.customer_insert(f"sale.party IN ({parties})"),
                [company_id, company_id, *dates])

    @classmethod
    def ensure_calendar(cls, dates=()):
        "Make the calendar cover dates and today + 400 days"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        first = min([today, *dates]) - dt.timedelta(days=CALENDAR_AHEAD)
        last = max([today, *dates]) + dt.timedelta(days=CALENDAR_AHEAD)
        low, high = run(
            "SELECT MIN(date), MAX(date) FROM ecom_report_calendar"
            ).fetchone()
        low = dt.date.fromisoformat(low) if isinstance(low, str) else low
        high = dt.date.fromisoformat(high) if isinstance(high, str) else high
        missing = []
        day = first
        while day <= last:
            if low is None or day < low or day > high:
                missing.append(calendar_row(day))
            day += dt.timedelta(days=1)
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            values = ', '.join(['(%s, %s, %s, %s, %s, %s, %s, %s)'] * len(chunk))
            run("INSERT INTO ecom_report_calendar (date, day_index, week, "
                "week_index, month, month_index, year, year_index) "
                f"VALUES {values}", [v for row in chunk for v in row])


def calendar_row(day):
    monday = day - dt.timedelta(days=day.weekday())
    return (
        day, day.toordinal(), monday, monday.toordinal() // 7,
        day.replace(day=1), day.year * 12 + day.month - 1,
        day.replace(month=1, day=1), day.year)


class RefreshStart(ModelView):
    "Recompute the report figures"
    __name__ = 'ecom.report.refresh.start'
    __string__ = "Refresh Reports"
    full = fields.Boolean(
        "Rebuild Everything",
        help="Recompute every day, not only the days with changed orders "
        "(after changing cost prices, categories or currency rates).")


class RefreshWizard(Wizard):
    "Refresh the report summaries of the current company"
    __name__ = 'ecom.report.refresh.wizard'
    start = StateView(
        'ecom.report.refresh.start', 'ecom_reports.refresh_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Refresh", 'refresh', 'tryton-refresh', default=True),
            ])
    refresh = StateTransition()

    def transition_refresh(self):
        pool = Pool()
        Refresh = pool.get('ecom.report.refresh')
        Company = pool.get('company.company')
        company = Company(Transaction().context['company'])
        Refresh.refresh([company], full=self.start.full)
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.report.refresh|refresh', "Refresh E-commerce Reports"))
