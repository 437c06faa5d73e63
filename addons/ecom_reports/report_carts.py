"""Abandoned carts per channel: how many carts were left, their value, how
many came back as orders and the revenue they brought (ecom_promotions'
``ecom.cart``, kept by the cart-pricing API)."""
import datetime as dt

from sql import Literal
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool

from .report_base import context_dates, filters, rate


def _moment(date):
    return dt.datetime.combine(date, dt.time())


class Carts(ModelSQL, ModelView):
    "Carts abandoned in the range and the orders that recovered them"
    __name__ = 'ecom.report.cart'
    __string__ = "Abandoned Carts"
    company = fields.Many2One('company.company', "Company")
    channel = fields.Many2One('ecom.channel', "Channel")
    currency = fields.Many2One('currency.currency', "Cart Currency")
    abandoned = fields.Integer(
        "Abandoned Carts", help="Carts left in the range.")
    abandoned_value = Monetary(
        "Value Abandoned", currency='currency', digits='currency')
    recovered = fields.Integer(
        "Recovered", help="Abandoned carts whose customer ordered later.")
    recovered_revenue = Monetary(
        "Recovered Revenue", currency='currency', digits='currency',
        help="The totals of the orders that recovered them.")
    recovery_rate = fields.Function(fields.Float(
            "Recovery Rate (%)", digits=(16, 4)), 'get_recovery_rate')
    converted = fields.Integer(
        "Ordered without Abandoning",
        help="Carts of the range ordered before the channel's delay.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('abandoned_value', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Cart = pool.get('ecom.cart')
        cart = Cart.__table__()
        from_date, to_date = context_dates()
        start = _moment(from_date)
        end = _moment(to_date + dt.timedelta(days=1))
        left = ((cart.abandoned_at >= start) & (cart.abandoned_at < end))
        bought = ((cart.state == 'converted') & (cart.last_seen >= start)
            & (cart.last_seen < end))
        recovered = left & (cart.state == 'recovered')

        def total(condition, column):
            return Round(Coalesce(Sum(Case((condition, column),
                            else_=Literal(0))), 0), 2)

        def count(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))
        return cart.select(
            Min(cart.id).as_('id'), cart.company, cart.channel,
            cart.currency,
            count(left).as_('abandoned'),
            cls.abandoned_value.sql_cast(
                total(left, cart.total)).as_('abandoned_value'),
            count(recovered).as_('recovered'),
            cls.recovered_revenue.sql_cast(
                total(recovered, cart.order_total)).as_('recovered_revenue'),
            count(bought).as_('converted'),
            where=filters(cart) & (left | bought),
            group_by=[cart.company, cart.channel, cart.currency])

    @classmethod
    def get_recovery_rate(cls, reports, name):
        return {r.id: rate(r.recovered, r.abandoned) for r in reports}
