"""Low-stock alerts and days of cover.

A stock rule (``ecom.safety_stock``) of a product in a warehouse says how
many units are never promised (safety), when to alert (available to sell
at or below *Alert At*) and how many days of sales a reorder should cover.

Sales rate = units shipped to customers from the warehouse over the last 30
days / 30; when nothing left in 30 days, the last 90 days / 90
(``ecom.safety_stock.ecom_daily_rates``: ecom_forecast puts its weekly
demand forecast there).
Days of cover = available to sell / sales rate (none without sales).
Suggested reorder = sales rate x cover days + alert quantity - available,
rounded up, never below zero.

The scheduled task opens an alert for each rule at or below its threshold,
refreshes the figures of open alerts, closes the ones back above it, and
emails the new ones to the company's stock alert address.
"""
import datetime as dt
import math
from collections import defaultdict
from email.message import EmailMessage

from sql.aggregate import Sum
from trytond import config
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_base.bulk import in_, lookups
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message
from trytond.transaction import Transaction

RATE_DAYS = (30, 90)
# where a rule's daily rate comes from (other modules append theirs)
RATE_BASES = [
    (None, ""),
    ('sales_30', "Sales of 30 days"),
    ('sales_90', "Sales of 90 days"),
    ]


def sold(warehouse, product_ids, days):
    "product id -> units shipped to customers in the last days"
    pool = Pool()
    Location = pool.get('stock.location')
    Move = pool.get('stock.move')
    Date = pool.get('ir.date')
    move = Move.__table__()
    tree = [l.id for l in Location.search(
            [('parent', 'child_of', [warehouse.id])])]
    customers = [l.id for l in Location.search([('type', '=', 'customer')])]
    since = Date.today() - dt.timedelta(days=days)
    cursor = Transaction().connection.cursor()
    result = defaultdict(float)
    for sub in lookups(sorted(set(product_ids))):
        cursor.execute(*move.select(move.product, Sum(move.internal_quantity),
                where=(move.state == 'done') & in_(move.product, sub)
                & move.from_location.in_(tree)
                & move.to_location.in_(customers or [-1])
                & (move.effective_date > since),
                group_by=[move.product]))
        result.update(cursor)
    return result


MAX_DAYS = 999  # a longer cover is shown as this: no reorder is near


def sales_rates(warehouse, product_ids):
    """product id -> (units sold a day, basis): over the last 30 days, or
    90 when nothing left in 30; (0, None) without sales"""
    recent, longer = (sold(warehouse, product_ids, d) for d in RATE_DAYS)
    rates = {}
    for product in product_ids:
        if recent.get(product):
            rates[product] = (recent[product] / RATE_DAYS[0], 'sales_30')
        elif longer.get(product):
            rates[product] = (longer[product] / RATE_DAYS[1], 'sales_90')
        else:
            rates[product] = (0, None)
    return rates


def cover(rules):
    """rule id -> (available, daily rate, days of cover, suggested reorder,
    rate basis) of stock rules (ecom.safety_stock); the rates come from
    the rules' ``ecom_daily_rates`` (which other modules extend)"""
    pool = Pool()
    Product = pool.get('product.product')
    Rule = pool.get('ecom.safety_stock')
    by_warehouse = defaultdict(list)
    for rule in rules:
        by_warehouse[rule.warehouse].append(rule)
    result = {}
    for warehouse, group in by_warehouse.items():
        product_ids = [r.product.id for r in group]
        available = Product.ecom_available_to_sell(warehouse, product_ids)
        rates = Rule.ecom_daily_rates(warehouse, product_ids)
        for rule in group:
            product = rule.product.id
            rate, basis = rates.get(product, (0, None))
            quantity = available.get(product, 0)
            rate = round(rate, 4)
            days = min(round(quantity / rate, 1), MAX_DAYS) if rate else None
            reorder = max(0, math.ceil(
                    rate * (rule.cover_days or 0)
                    + (rule.alert_quantity or 0) - quantity))
            result[rule.id] = (quantity, rate, days, reorder, basis)
    return result


class StockAlert(ModelSQL, ModelView):
    "A product low in stock in a warehouse"
    __name__ = 'ecom.stock.alert'
    __string__ = "Low Stock Alert"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    rule = fields.Many2One(
        'ecom.safety_stock', "Stock Rule", required=True, readonly=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True)
    opened = fields.Date("Opened", required=True, readonly=True)
    closed = fields.Date("Closed", readonly=True)
    available = fields.Float("Available to Sell", readonly=True)
    alert_quantity = fields.Float("Alert At", readonly=True)
    daily_rate = fields.Float(
        "Sold per Day", digits=(16, 4), readonly=True)
    rate_basis = fields.Selection(list(RATE_BASES), "Rate From",
        readonly=True)
    days_of_cover = fields.Float(
        "Days of Cover", digits=(16, 1), readonly=True)
    suggested_reorder = fields.Integer("Suggested Reorder", readonly=True)
    emailed = fields.Boolean("Emailed", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('state', 'DESC'), ('days_of_cover', 'ASC NULLS FIRST'),
            ('id', 'DESC')]

    @classmethod
    def check(cls, companies=None):
        """Scheduled: open, refresh and close the alerts; email the new
        ones. Returns the new alerts."""
        pool = Pool()
        Company = pool.get('company.company')
        new = []
        for company in companies or Company.search([]):
            with Transaction().set_context(company=company.id):
                new += cls._check_company(company)
        return new

    @classmethod
    def _check_company(cls, company):
        pool = Pool()
        Rule = pool.get('ecom.safety_stock')
        Date = pool.get('ir.date')
        today = Date.today()
        rules = Rule.search([('company', '=', company.id)])
        figures = cover(rules)
        open_alerts = {a.rule.id: a for a in cls.search([
                    ('company', '=', company.id), ('state', '=', 'open')])}
        to_save, new = [], []
        for rule in rules:
            quantity, rate, days, reorder, basis = figures[rule.id]
            alert = open_alerts.pop(rule.id, None)
            low = quantity <= (rule.alert_quantity or 0)
            if not low:
                if alert:
                    alert.state, alert.closed = 'closed', today
                    alert.available = quantity
                    to_save.append(alert)
                continue
            if alert is None:
                alert = cls(company=company, rule=rule, product=rule.product,
                    warehouse=rule.warehouse, state='open', opened=today,
                    emailed=False)
                new.append(alert)
            alert.available = quantity
            alert.alert_quantity = rule.alert_quantity or 0
            alert.daily_rate = rate
            alert.rate_basis = basis
            alert.days_of_cover = days
            alert.suggested_reorder = reorder
            to_save.append(alert)
        for alert in open_alerts.values():
            # its rule is gone
            alert.state, alert.closed = 'closed', today
            to_save.append(alert)
        cls.save(to_save)
        recipient = company.ecom_stock_alert_email
        if new and recipient:
            cls._email(company, recipient, new)
            cls.write(new, {'emailed': True})
        return new

    @classmethod
    def _email(cls, company, recipient, alerts):
        lines = [(f"{len(alerts)} products are low in stock at "
            f"{company.rec_name}:"), ""]
        for alert in alerts:
            days = (f"runs out in {alert.days_of_cover:.1f} days"
                if alert.days_of_cover is not None else "no recent sales")
            lines.append(
                f"- {alert.product.rec_name} @ {alert.warehouse.rec_name}: "
                f"{alert.available:g} available (alert at "
                f"{alert.alert_quantity:g}), {days}, suggested reorder "
                f"{alert.suggested_reorder}")
        msg = EmailMessage()
        msg['From'] = config.get('email', 'from')
        msg['To'] = recipient
        msg['Subject'] = f"Low stock: {len(alerts)} products"
        msg.set_content('\n'.join(lines) + '\n')
        send_message(msg, strict=True)


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    ecom_stock_alert_email = fields.Char(
        "Stock Alert Email",
        help="Where the daily check sends the new low-stock alerts.")


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.stock.alert|check', "Check Low Stock"))
