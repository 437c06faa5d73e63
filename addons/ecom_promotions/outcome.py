"""What the promotion engine decided for an order, kept when it is
confirmed: each promotion applied (with its amount) or not (with the
reason), so that a confirmed order still explains its discounts after the
campaign has ended or its budget moved."""
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import engine


class Result(ModelSQL, ModelView):
    "A promotion applied, or not, to an order when it was confirmed"
    __name__ = 'ecom.sale.promotion_result'
    __string__ = "Promotion Result"

    sale = fields.Many2One(
        'sale.sale', "Order", required=True, readonly=True,
        ondelete='CASCADE')
    promotion = fields.Many2One(
        'sale.promotion', "Promotion", readonly=True, ondelete='SET NULL')
    name = fields.Char("Promotion Name", readonly=True)
    applied = fields.Boolean("Applied", readonly=True)
    amount = Monetary(
        "Discount", currency='currency', digits='currency', readonly=True)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    reason = fields.Char("Why", readonly=True)
    company = fields.Function(fields.Many2One(
            'company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sale', 'ASC'), ('applied', 'DESC'), ('id', 'ASC')]

    @fields.depends('sale', '_parent_sale.currency')
    def on_change_with_currency(self, name=None):
        return self.sale.currency if self.sale else None

    @fields.depends('sale', '_parent_sale.company')
    def on_change_with_company(self, name=None):
        return self.sale.company if self.sale else None

    @classmethod
    def search_company(cls, name, clause):
        return [('sale.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def record(cls, pairs):
        """Store [(sale, (rules, outcome))] of the engine, replacing what
        the sales had"""
        values = [{'sale': sale.id, 'promotion': rule_id, 'name': name,
                    'applied': applied, 'amount': amount, 'reason': why}
            for sale, (rules, outcome) in pairs
            for rule_id, name, applied, amount, why in decisions(
                rules, outcome)]
        with without_check_access():
            cls.delete(cls.search(
                    [('sale', 'in', [s.id for s, _ in pairs])]))
            if values:
                cls.create(values)


def decisions(rules, outcome):
    """[(promotion id, name, applied, discount, why)] of an engine outcome:
    the discounts in the engine's order, then the promotions that did not
    apply by name (not those without a line they could apply to)"""
    names = {r.id: r.name for r in rules}
    result = [(d.rule.id, d.rule.name, True, d.amount, d.why)
        for d in outcome.discounts]
    result += [(i, names[i], False, None, reason)
        for i, reason in sorted(outcome.not_applied.items(),
            key=lambda r: names[r[0]])
        if reason != engine.NO_LINE]
    return result


def engine_outcome(sale):
    "(rules, outcome) of the engine for the sale's lines and coupons, now"
    coupon_ids = {n.coupon.id for n in getattr(sale, 'coupons', [])}
    rules, outcome, _ = sale.ecom_price(sale.lines, coupon_ids)
    return rules, outcome


def _kept():
    """{id(sale): (sale, rules, outcome)} the intake priced in this
    transaction (a record has no room for more attributes; the transaction
    object does, and a retried intake starts a new one)"""
    transaction = Transaction()
    kept = getattr(transaction, '_ecom_outcomes', None)
    if kept is None:
        kept = transaction._ecom_outcomes = {}
    return kept


def keep(sale, rules, outcome):
    "What the intake priced sale with, for its confirmation"
    _kept()[id(sale)] = (sale, rules, outcome)


def outcome_of(sale):
    "(rules, outcome) of a sale: the intake's, or the engine's now"
    kept = _kept().pop(id(sale), None)
    if kept is not None and kept[0] is sale:
        return kept[1:]
    return engine_outcome(sale)


def record_at_confirmation(sales):
    """The results of the sales the back office prices (entered by hand, or
    of a channel whose promotions it prices)"""
    Result = Pool().get('ecom.sale.promotion_result')
    pairs = []
    for sale in sales:
        channel = getattr(sale, 'ecom_channel', None)
        if channel and channel.promotion_pricing != 'backoffice':
            continue  # the storefront's discounts: nothing of ours ran
        pairs.append((sale, outcome_of(sale)))
    if pairs:
        Result.record(pairs)
