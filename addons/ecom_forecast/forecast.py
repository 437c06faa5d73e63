"""Weekly demand forecasts per product and warehouse.

Demand = units ordered (sale lines of confirmed, processing and done
sales, returns left out) per ISO week, Monday first, from the company's
order history; the current, unfinished week is not history yet. Each
product's series starts at its first selling week inside the company's
*Forecast History* window. ``fit.forecast`` picks the model from the
demand pattern (module docstring there). The stock rules take the
forecast's daily rate (``stock.py``); the chart of a forecast shows the
weeks sold, the model's one-step fit and the weeks ahead.
"""
import datetime as dt
from collections import defaultdict

from sql.aggregate import Sum
from trytond import backend
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_base.bulk import in_, lookups
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import fit

PATTERNS = [
    (None, ""),
    ('smooth', "Smooth"),
    ('erratic', "Erratic"),
    ('intermittent', "Intermittent"),
    ('lumpy', "Lumpy"),
    ]
METHODS = [
    ('ets', "Exponential smoothing (ETS)"),
    ('tsb', "TSB (intermittent demand)"),
    ]
CHART_WEEKS = 52  # weeks of history kept for the chart


def monday(day):
    return day - dt.timedelta(days=day.weekday())


def weekly_demand(company, start, end):
    """{(product id, warehouse id): {monday: units}} ordered from start
    (included) to end (excluded), in the product's default unit"""
    return demand(company, start, end, monday)


def demand(company, start, end, bucket):
    """{(product id, warehouse id): {bucket(day): units}} ordered from
    start (included) to end (excluded), in the product's default unit (the
    backtest in bench/ reads it by day)"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Product = pool.get('product.product')
    Uom = pool.get('product.uom')
    sale, line = Sale.__table__(), Line.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*line.join(sale, condition=line.sale == sale.id).select(
            line.product, sale.warehouse, line.unit, sale.sale_date,
            Sum(line.quantity),
            where=(sale.company == company.id)
            & sale.state.in_(['confirmed', 'processing', 'done'])
            & (line.type == 'line') & (line.quantity > 0)
            & (line.product != None)
            & (sale.warehouse != None)
            & (sale.sale_date >= start) & (sale.sale_date < end),
            group_by=[line.product, sale.warehouse, line.unit,
                sale.sale_date]))
    rows = cursor.fetchall()
    products = {p.id: p for p in Product.browse({r[0] for r in rows})}
    units = {u.id: u for u in Uom.browse({r[2] for r in rows})}
    result = defaultdict(lambda: defaultdict(float))
    for product_id, warehouse, unit_id, day, quantity in rows:
        product, unit = products[product_id], units[unit_id]
        if unit != product.default_uom:
            quantity = Uom.compute_qty(unit, quantity, product.default_uom,
                round=False)
        if isinstance(day, str):  # SQLite
            day = dt.date.fromisoformat(day)
        result[product_id, warehouse][bucket(day)] += quantity
    return result


def series(weeks, end):
    """The weekly quantities from the first selling week to the week
    before end (a monday), zeros filled: (first monday, [units])"""
    first = min(weeks)
    count = (end - first).days // 7
    return first, [weeks.get(first + dt.timedelta(weeks=i), 0.0)
        for i in range(count)]


class Forecast(ModelSQL, ModelView):
    "Weekly demand forecast of a product in a warehouse"
    __name__ = 'ecom.forecast'
    __string__ = "Demand Forecast"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, readonly=True)
    computed = fields.Date("Computed", required=True, readonly=True)
    pattern = fields.Selection(PATTERNS, "Demand Pattern", readonly=True,
        help="Smooth or erratic: sells nearly every week; intermittent or "
        "lumpy: many weeks without sales (lumpy: in uneven quantities).")
    method = fields.Selection(METHODS, "Method", required=True,
        readonly=True)
    history_weeks = fields.Integer("Weeks of History", readonly=True)
    selling_weeks = fields.Integer("Weeks with Sales", readonly=True)
    weekly_quantity = fields.Float("Forecast per Week", digits=(16, 2),
        readonly=True, help="Units expected a week over the horizon.")
    daily_rate = fields.Float("Per Day", digits=(16, 4), readonly=True)
    fit_error = fields.Float("Mean Error per Week", digits=(16, 2),
        readonly=True,
        help="Mean absolute difference between the weeks sold and the "
        "model's forecast of each of them one week ahead.")
    weeks = fields.One2Many('ecom.forecast.week', 'forecast', "Weeks",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_warehouse_unique',
                Unique(t, t.company, t.warehouse, t.product),
                'ecom_forecast.msg_forecast_unique'),
            ]
        cls._order = [('weekly_quantity', 'DESC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.warehouse.rec_name}'

    @classmethod
    def refresh(cls, companies=None):
        """Scheduled: compute every company's forecasts again from its
        order history; returns the new forecasts"""
        pool = Pool()
        Company = pool.get('company.company')
        result = []
        for company in companies or Company.search([]):
            with Transaction().set_context(company=company.id):
                result += cls._refresh_company(company)
        return result

    @classmethod
    def _refresh_company(cls, company):
        pool = Pool()
        Date = pool.get('ir.date')
        Week = pool.get('ecom.forecast.week')
        end = monday(Date.today())
        start = end - dt.timedelta(weeks=company.forecast_history)
        horizon = company.forecast_horizon
        demand = weekly_demand(company, start, end)
        values, weeks = [], []
        for (product, warehouse), sold in sorted(demand.items()):
            first, history = series(sold, end)
            result = fit.forecast(history, horizon)
            if result is None:
                continue
            ahead = result['forecast']
            weekly = sum(ahead) / len(ahead)
            errors = [abs(a - f) for a, f in zip(history, result['fitted'])
                if f is not None]
            values.append({
                    'company': company.id, 'product': product,
                    'warehouse': warehouse, 'computed': Date.today(),
                    'pattern': result['pattern'], 'method': result['method'],
                    'history_weeks': len(history),
                    'selling_weeks': sum(1 for q in history if q > 0),
                    'weekly_quantity': round(weekly, 2),
                    'daily_rate': round(weekly / 7, 4),
                    'fit_error': (round(sum(errors) / len(errors), 2)
                        if errors else None),
                    })
            kept = max(0, len(history) - CHART_WEEKS)
            weeks.append(
                [{'week': first + dt.timedelta(weeks=i), 'sold': round(q, 2),
                        'expected': None if f is None else round(f, 2)}
                    for i, (q, f) in enumerate(zip(history, result['fitted']))
                    if i >= kept]
                + [{'week': end + dt.timedelta(weeks=i),
                        'expected': round(f, 2)}
                    for i, f in enumerate(ahead)])
        old = cls.search([('company', '=', company.id)])
        Week.remove(old)
        cls.delete(old)
        forecasts = cls.create(values)
        Week.insert([dict(w, forecast=f.id)
                for f, fweeks in zip(forecasts, weeks) for w in fweeks])
        return forecasts

    @classmethod
    def rates(cls, company, warehouse, product_ids):
        "product id -> units a day forecast, for those that have one"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        rates = {}
        for sub in lookups(sorted(set(product_ids))):
            cursor.execute(*table.select(table.product, table.daily_rate,
                    where=(table.company == company)
                    & (table.warehouse == warehouse.id)
                    & in_(table.product, sub)))
            rates.update(cursor)
        return rates


class ForecastWeek(ModelSQL, ModelView):
    "A week of a demand forecast: sold, and what the model expected"
    __name__ = 'ecom.forecast.week'
    __string__ = "Demand Forecast Week"

    forecast = fields.Many2One('ecom.forecast', "Forecast", required=True,
        ondelete='CASCADE', readonly=True)
    week = fields.Date("Week", required=True, readonly=True,
        help="Its Monday.")
    sold = fields.Float("Sold", digits=(16, 2), readonly=True,
        help="Empty for the weeks ahead.")
    expected = fields.Float("Forecast", digits=(16, 2), readonly=True)
    ahead = fields.Boolean("Ahead", readonly=True,
        help="A week to come, not sold yet.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('forecast', 'ASC'), ('week', 'ASC'), ('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        # sao's chart adds the values up, an empty one as 0: the weeks
        # ahead have no sales, the first week no forecast a week before
        return super().view_attributes() + [
            ('/graph/y/field[@name="sold"]', 'domain',
                ~Eval('ahead', False), ['ahead']),
            ('/graph/y/field[@name="expected"]', 'domain',
                Bool(Eval('expected')), ['expected']),
            ]

    # A company's forecasts hold some 60 weeks each: 12,000 rows for 200
    # products, which the ORM creates and deletes in a time quadratic in
    # their number (its id checks); these two do it with bulk SQL.
    @classmethod
    def insert(cls, values):
        "Create weeks from dicts of forecast, week, sold, expected"
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        now = dt.datetime.now()
        columns = [table.forecast, table.week, table.sold, table.expected,
            table.ahead, table.create_uid, table.create_date]
        rows = [[v['forecast'], v['week'], v.get('sold'), v['expected'],
                'sold' not in v, transaction.user, now] for v in values]
        size = max(1, backend.MAX_QUERY_PARAMS // len(columns))
        for sub in grouped_slice(rows, size):
            cursor.execute(*table.insert(columns, list(sub)))

    @classmethod
    def remove(cls, forecasts):
        "Delete the weeks of forecasts"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for sub in lookups([f.id for f in forecasts]):
            cursor.execute(*table.delete(where=in_(table.forecast, sub)))


class Refresh(Wizard):
    "Compute the demand forecasts again"
    __name__ = 'ecom.forecast.refresh'
    start = StateView('ecom.forecast.refresh.start',
        'ecom_forecast.refresh_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Refresh", 'refresh', 'tryton-ok', default=True),
            ])
    refresh = StateTransition()

    def transition_refresh(self):
        pool = Pool()
        Company = pool.get('company.company')
        Forecast = pool.get('ecom.forecast')
        company = Transaction().context.get('company')
        if company is not None:
            Forecast.refresh(Company.browse([company]))
        return 'end'

    def end(self):
        return 'reload'


class RefreshStart(ModelView):
    "Compute the demand forecasts again"
    __name__ = 'ecom.forecast.refresh.start'
    __string__ = "Refresh Demand Forecasts"
