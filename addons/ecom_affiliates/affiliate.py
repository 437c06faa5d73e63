"""Affiliates on upstream ``commission``: an affiliate is a commission agent
(type "Agent Of") with a referral code; its plan says the rates (upstream
plan lines, per category), the attribution window, when commissions become
payable (after the return window) and the minimum payout. Payouts are
upstream's *Create Commission Invoices*: supplier invoices of the payable
commissions, affiliates under their minimum waiting for the next one."""
import datetime
import re
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import sqlite_apply_types
from trytond.transaction import Transaction, check_access

CODE = re.compile(r'^[A-Z0-9_-]{3,30}$')


class Plan(metaclass=PoolMeta):
    __name__ = 'commission.plan'

    ecom_attribution_days = fields.Integer(
        "Attribution Window (days)", required=True,
        domain=[('ecom_attribution_days', '>=', 0)],
        help="An order counts for an affiliate when its link was clicked "
        "at most this many days before the order (the last click wins; a "
        "coupon of the affiliate counts at the order's time).")
    ecom_payable_after = fields.Integer(
        "Payable After (days)", required=True,
        domain=[('ecom_payable_after', '>=', 0)],
        help="Days after the invoice a commission waits before a payout "
        "takes it: the return window, so returns claw back before paying.")
    ecom_minimum_payout = fields.Numeric(
        "Minimum Payout", digits=price_digits, required=True,
        domain=[('ecom_minimum_payout', '>=', 0)],
        help="A payout skips the affiliates whose payable commissions add "
        "up to less (they wait for the next payout).")

    @classmethod
    def default_ecom_attribution_days(cls):
        return 30

    @classmethod
    def default_ecom_payable_after(cls):
        return 0

    @classmethod
    def default_ecom_minimum_payout(cls):
        return Decimal(0)


class Agent(metaclass=PoolMeta):
    __name__ = 'commission.agent'

    ecom_code = fields.Char("Referral Code",
        states={'invisible': Eval('type_') != 'agent'},
        help="The affiliate's code: in its links (?ref=CODE) and sent by "
        "the storefront with the order. 3 to 30 letters, digits, - or _; "
        "unique per company, not case-sensitive.")
    ecom_landing_url = fields.Char("Landing Page",
        states={'invisible': ~Eval('ecom_code')},
        help="The storefront page the affiliate's link opens (https).")
    ecom_link = fields.Function(fields.Char("Affiliate Link",
            states={'invisible': ~Eval('ecom_code')}),
        'get_ecom_link')
    ecom_orders = fields.Function(fields.Integer("Orders",
            help="Confirmed orders attributed to the affiliate."),
        'get_ecom_figures')
    ecom_revenue = fields.Function(fields.Numeric("Revenue",
            digits=(16, 2),
            help="Untaxed amount of the attributed orders."),
        'get_ecom_figures')
    ecom_returns = fields.Function(fields.Integer("Credit Notes",
            help="Credit notes (returns, refunds) that clawed back a "
            "commission."),
        'get_ecom_figures')
    ecom_commission = fields.Function(fields.Numeric("Commission",
            digits=price_digits,
            help="Commissions earned, clawbacks deducted."),
        'get_ecom_figures')
    ecom_clawback = fields.Function(fields.Numeric("Clawed Back",
            digits=price_digits,
            help="Commissions taken back by credit notes."),
        'get_ecom_figures')
    ecom_paid = fields.Function(fields.Numeric("Invoiced",
            digits=price_digits,
            help="Commissions already on a payout invoice."),
        'get_ecom_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_code_unique', Unique(t, t.company, t.ecom_code),
                'ecom_affiliates.msg_code_unique'),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if isinstance(values.get('ecom_code'), str):
            values['ecom_code'] = values['ecom_code'].strip().upper() or None
        return values

    @classmethod
    def validate_fields(cls, agents, field_names):
        super().validate_fields(agents, field_names)
        for agent in agents:
            if agent.ecom_code and not CODE.match(agent.ecom_code):
                raise ValidationError(gettext(
                        'ecom_affiliates.msg_code_invalid',
                        code=agent.ecom_code, agent=agent.party.rec_name))
            if agent.ecom_code and agent.type_ != 'agent':
                raise ValidationError(gettext(
                        'ecom_affiliates.msg_code_principal',
                        agent=agent.party.rec_name))
            url = agent.ecom_landing_url
            if url and not re.match(r'^https://[^\s/]+\S*$', url):
                raise ValidationError(gettext(
                        'ecom_affiliates.msg_landing_url',
                        url=url, agent=agent.party.rec_name))

    def get_ecom_link(self, name):
        if not self.ecom_code:
            return None
        base = self.ecom_landing_url or ''
        separator = '&' if '?' in base else '?'
        return f'{base}{separator}ref={self.ecom_code}'

    @classmethod
    def by_code(cls, company_id, codes):
        "{code (upper case): agent} of the company's affiliates"
        codes = {c.strip().upper() for c in codes if c and c.strip()}
        if not codes:
            return {}
        return {a.ecom_code: a for a in cls.search([
                    ('company', '=', company_id),
                    ('type_', '=', 'agent'),
                    ('ecom_code', 'in', sorted(codes)),
                    ])}

    @classmethod
    def get_ecom_figures(cls, agents, names):
        """The affiliates report: one query on sales, one on commissions,
        one search for the credit notes of the clawbacks"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Commission = pool.get('commission')
        sale = Sale.__table__()
        commission = Commission.__table__()
        cursor = Transaction().connection.cursor()
        ids = [a.id for a in agents]
        zero = {n: (0 if n in {'ecom_orders', 'ecom_returns'}
                else Decimal(0)) for n in names}
        result = {n: defaultdict(lambda n=n: zero[n]) for n in names}

        def add(name, agent, value):
            if name in result:
                result[name][agent] += value
        untaxed = _number(sale.untaxed_amount_cache)
        query = sale.select(sale.agent,
            Count(sale.id), Sum(sale.untaxed_amount_cache).as_('revenue'),
            where=fields.SQL_OPERATORS['in'](sale.agent, ids)
            & sale.state.in_(['confirmed', 'processing', 'done'])
            & (untaxed >= 0),
            group_by=[sale.agent])
        if backend.name == 'sqlite':
            sqlite_apply_types(query, [None, None, 'NUMERIC'])
        cursor.execute(*query)
        for agent, count, amount in cursor:
            add('ecom_orders', agent, count)
            add('ecom_revenue', agent,
                Decimal(amount or 0).quantize(Decimal('0.01')))
        amount = _number(commission.amount)
        query = commission.select(commission.agent, Sum(amount).as_('total'),
            Sum(Case((amount < 0, amount), else_=0)).as_('clawback'),
            Sum(Case((commission.invoice_line != Null, amount), else_=0)
                ).as_('invoiced'),
            where=fields.SQL_OPERATORS['in'](commission.agent, ids),
            group_by=[commission.agent])
        if backend.name == 'sqlite':
            sqlite_apply_types(query, [None, 'NUMERIC', 'NUMERIC', 'NUMERIC'])
        cursor.execute(*query)
        for agent, total, clawback, invoiced in cursor:
            add('ecom_commission', agent, round_price(total or 0))
            add('ecom_clawback', agent, -round_price(clawback or 0))
            add('ecom_paid', agent, round_price(invoiced or 0))
        if 'ecom_returns' in result:
            credit_notes = defaultdict(set)
            for clawback in Commission.search([
                        ('agent', 'in', ids), ('amount', '<', 0)]):
                if getattr(clawback.origin, 'invoice', None):
                    credit_notes[clawback.agent.id].add(
                        clawback.origin.invoice.id)
            for agent, invoices in credit_notes.items():
                add('ecom_returns', agent, len(invoices))
        return {n: {i: result[n][i] for i in ids} for n in names}


class Coupon(metaclass=PoolMeta):
    __name__ = 'sale.promotion.coupon'

    ecom_affiliate = fields.Many2One('commission.agent', "Affiliate",
        domain=[('type_', '=', 'agent'), ('ecom_code', '!=', None)],
        ondelete='RESTRICT',
        help="Orders using a code of this coupon are the affiliate's (at "
        "the order's time, so after any earlier link click).")


class CreateInvoiceAsk(metaclass=PoolMeta):
    __name__ = 'commission.create_invoice.ask'

    @classmethod
    def default_to(cls):
        return Pool().get('ir.date').today()


class CreateInvoice(metaclass=PoolMeta):
    __name__ = 'commission.create_invoice'

    def do_create_(self, action):
        """Upstream's payout, taking only the commissions past their plan's
        return window and the agents reaching their plan's minimum"""
        pool = Pool()
        Commission = pool.get('commission')
        Date = pool.get('ir.date')
        until = self.ask.to or Date.today()
        with check_access():
            commissions = Commission.search(self.get_domain(),
                order=[('agent', 'DESC'), ('date', 'DESC')])
        commissions = payable(Commission.browse(commissions), until)
        Commission.invoice(commissions)
        invoice_ids = list({c.invoice_line.invoice.id for c in commissions})
        return action, {'res_id': invoice_ids}


def _number(column):
    "A Numeric column to compare: SQLite stores Decimal as bytes"
    return Cast(column, 'NUMERIC') if backend.name == 'sqlite' else column


def payable(commissions, until):
    """The commissions a payout on until takes: dated at least the plan's
    payable-after days before, of agents whose total reaches the minimum"""
    by_agent = defaultdict(list)
    for commission in commissions:
        plan = commission.agent.plan
        wait = plan.ecom_payable_after if plan else 0
        if commission.date and commission.date <= until - datetime.timedelta(
                days=wait or 0):
            by_agent[commission.agent].append(commission)
    result = []
    for agent, mine in by_agent.items():
        minimum = agent.plan.ecom_minimum_payout if agent.plan else 0
        if sum(c.amount for c in mine) >= (minimum or 0):
            result.extend(mine)
    return result
