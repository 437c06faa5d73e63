"""What the sale, the intake and the cart API share around the engine:
the customer's context, coupon codes, and discounts split by taxes."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

from . import engine

ORDERED_STATES = ('confirmed', 'processing', 'done')
NO_PRICE = "its campaign price applies to no line"


@dataclass
class Part:
    "One discount line: a rule's discount on lines sharing their taxes"
    rule: engine.Rule
    taxes: tuple
    amount: Decimal
    lines: list         # cart line indexes (-1: shipping)
    why: str
    shipping: bool = False


def party_by_email(email):
    "The active party with this email address (as given or lower case)"
    Mechanism = Pool().get('party.contact_mechanism')
    mechanisms = Mechanism.search([('type', '=', 'email'),
            ('value', 'in', list({email, email.lower()})),
            ('party.active', '=', True)], order=[('id', 'ASC')], limit=1)
    return mechanisms[0].party if mechanisms else None


def customer(company_id, party, exclude_sale=None):
    "(groups, first order) of a party (None or unsaved: a new customer)"
    if party is None or (party.id or -1) < 0:
        return frozenset(), True
    Sale = Pool().get('sale.sale')
    table = Sale.__table__()
    cursor = Transaction().connection.cursor()
    where = ((table.company == company_id) & (table.party == party.id)
        & table.state.in_(ORDERED_STATES))
    if exclude_sale and exclude_sale > 0:
        where &= table.id != exclude_sale
    cursor.execute(*table.select(table.id, where=where, limit=1))
    first = cursor.fetchone() is None
    return frozenset(c.id for c in party.categories), first


def resolve_coupons(company_id, codes, party=None):
    """({code: coupon id}, [(index, reason)]) of the codes a customer
    typed: unknown, inactive, out of their dates or used up are reasons"""
    pool = Pool()
    Number = pool.get('sale.promotion.coupon.number')
    Date = pool.get('ir.date')
    found, errors = {}, []
    if not codes:
        return found, errors
    context = {'active_test': False}
    if party is not None and (party.id or -1) > 0:
        context['party'] = party.id
    with Transaction().set_context(**context):
        numbers = Number.search([('number', 'in', list(codes))])
    with Transaction().set_context(company=company_id):
        today = Date.today()
    by_code = {}
    for number in numbers:
        by_code.setdefault(number.number, []).append(number)
    for i, code in enumerate(codes):
        candidates = by_code.get(code, [])
        mine = [n for n in candidates if n.company.id == company_id]
        if not candidates:
            errors.append((i, f"unknown coupon code {code!r}"))
        elif not mine:
            errors.append((i, f"{code!r} is a coupon of another company"))
        elif not any((n.start_date or datetime.date.min) <= today
                for n in mine):
            start = min(n.start_date for n in mine)
            errors.append((i, f"{code!r} is valid from {start}"))
        elif not any(today <= (n.end_date or datetime.date.max)
                for n in mine):
            end = max(n.end_date for n in mine)
            errors.append((i, f"{code!r} expired on {end}"))
        elif not any(n.active for n in mine):
            errors.append((i, (f"{code!r} has been used as many times "
                        "as it may be")))
        elif not mine[0].coupon.promotion.active:
            errors.append((i, f"{code!r} belongs to an inactive promotion"))
        else:
            number = next(n for n in mine if n.active)
            found[code] = number.coupon.id
    return found, errors


def coupon_refusals(codes, found, rules, outcome, campaigns=()):
    """[(index, reason)] of the valid codes whose promotion did not apply
    (campaigns: the ids of the formula campaigns that set a price)"""
    by_coupon = {}
    for rule in rules:
        for coupon in rule.coupons:
            by_coupon.setdefault(coupon, []).append(rule)
    applied = {d.rule.id for d in outcome.discounts} | set(campaigns)
    errors = []
    for i, code in enumerate(codes):
        coupon = found.get(code)
        if coupon is None:
            continue
        promotions = by_coupon.get(coupon, [])
        if not any(r.id in applied for r in promotions):
            reasons = '; '.join(
                f"{r.name}: {outcome.not_applied.get(r.id, NO_PRICE)}"
                for r in promotions) or "its promotion is inactive"
            errors.append((i, f"{code!r} does not apply ({reasons})"))
    return errors


def converter(currency, date):
    "A Cart.convert for amounts of other currencies, at date"
    Currency = Pool().get('currency.currency')

    def convert(amount, other, reverse=False):
        with Transaction().set_context(date=date):
            if reverse:
                return Currency.compute(currency, amount, Currency(other),
                    round=False)
            return Currency.compute(Currency(other), amount, currency,
                round=False)
    return convert


def parts(outcome, line_taxes, shipping_taxes=()):
    """The discount lines of an outcome: one per rule and taxes of the
    lines it discounted (the invoice then lowers each tax base)"""
    result = []
    for discount in outcome.discounts:
        groups = {}
        for index, amount in discount.per_line.items():
            taxes = (tuple(shipping_taxes) if index == -1
                else line_taxes[index])
            group = groups.setdefault((index == -1, taxes), [Decimal(0), []])
            group[0] += amount
            group[1].append(index)
        for (shipping, taxes), (amount, indexes) in sorted(
                groups.items(), key=lambda g: (g[0][0], g[0][1])):
            result.append(Part(discount.rule, taxes, amount,
                    sorted(indexes), discount.why, shipping))
    return result


def rules_for(company_id):
    return Pool().get('sale.promotion').ecom_rules(company_id)


def usage(rules, party):
    "The uses of the rules with limits, read now (party: its own too)"
    party_id = party.id if party is not None and (party.id or -1) > 0 else None
    return Pool().get('sale.promotion').ecom_usage(rules, party_id)


def evaluate(company_id, cart, party=None, planned=None):
    """(rules, outcome) of the company's promotions on cart; planned:
    {rule id: engine.Usage} taken but not saved yet (by an intake batch's
    earlier orders), added to the uses read"""
    rules = rules_for(company_id)
    cart.usage = usage(rules, party)
    for rule_id, use in cart.usage.items():
        mine = (planned or {}).get(rule_id)
        if mine:
            use.uses += mine.uses
            use.spent += mine.spent
            use.customer_uses += mine.customer_uses
    return rules, engine.evaluate(rules, cart)
