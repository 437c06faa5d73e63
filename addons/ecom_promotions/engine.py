"""The promotion engine: prices a cart with promotion rules, no database.

``campaign_prices(rules, cart)`` gives the campaign prices of upstream's
formula promotions (kind ``price``): they set the lines' unit prices before
anything else, as upstream sale_promotion does. ``evaluate(rules, cart)``
then returns an ``Outcome``: the discounts applied
(each with its promotion, class, amount per cart line and the sentence
that explains it) and, for every other rule, why it did not apply.

The order is deterministic (README "Stacking"):

1. classes in this order: ``line`` (percent or fixed off matching lines,
   formula prices, buy X get Y), then ``order`` (percent or fixed off the
   order), then ``shipping`` (free shipping);
2. inside a class: higher ``priority`` first, then the lower rule id;
3. a rule whose conditions fail is skipped with its reason; an
   ``exclusive`` rule applies only as the first of its class and then
   blocks the rest of its class; a rule with ``stop`` blocks every rule
   after it (any class);
4. line discounts stack on what earlier rules left of each line; order
   discounts take a percentage of (or a fixed amount from) the goods left
   after line discounts; nothing goes below zero.

Amounts are Decimal, rounded to the currency (``cart.quantize``) per line
and per rule; a discount spread over lines (for the taxes of each line)
gives the rounding remainder to the largest shares first, so the parts add
up to the rule's amount exactly.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

CLASSES = ('line', 'order', 'shipping')
KIND_CLASS = {
    'percent_lines': 'line', 'fixed_lines': 'line', 'bxgy': 'line', 'percent_order': 'order', 'fixed_order': 'order',
    'free_shipping': 'shipping',
    }
HUNDRED = Decimal(100)
PRICE_DIGITS = Decimal('0.0001')
NO_LINE = "no line of the cart is one of its products or categories"
# The sentences of the discounts applied: they end on the customer's
# invoice, so the sale renders them in the customer's language from the
# messages msg_why_<key> (same placeholders); the engine keeps the English.
WHY = {
    'free_shipping': "free shipping",
    'percent_lines': "{pct}% off line(s) {lines}",
    'fixed_lines': "{each} off each unit of line(s) {lines}",
    'percent_order': "{pct}% off the order",
    'fixed_order': "{amount} off the order",
    'percent_order_lines': "{pct}% off the order (line(s) {lines})",
    'fixed_order_lines': "{amount} off the order (line(s) {lines})",
    'bxgy_free': "buy {buy} get {get}: {units} unit(s) free on line(s) "
    "{lines}",
    'bxgy_percent': "buy {buy} get {get}: {units} unit(s) {pct}% off on "
    "line(s) {lines}",
    }


class Why(str):
    "The English sentence of a discount, with its key and values"

    def __new__(cls, key, **values):
        why = super().__new__(cls, WHY[key].format(**values))
        why.key, why.values = key, values
        return why


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    kind: str
    priority: int = 0
    exclusive: bool = False
    stop: bool = False
    percentage: Decimal | None = None
    amount: Decimal | None = None   # fixed discount, rule currency
    formula: object = None          # callable(unit_price) -> new price
    currency: int | None = None
    products: frozenset = frozenset()
    categories: frozenset = frozenset()  # with their sub-categories
    min_amount: Decimal | None = None    # goods before discounts
    min_quantity: Decimal | None = None  # of the matching lines
    buy: int = 0
    get: int = 0
    get_percentage: Decimal = HUNDRED
    same_product: bool = True
    countries: frozenset = frozenset()
    groups: frozenset = frozenset()      # party categories
    first_order: bool = False
    shops: frozenset = frozenset()
    starts: datetime.datetime | None = None
    ends: datetime.datetime | None = None
    coupons: frozenset = frozenset()     # coupon ids; empty: automatic
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    budget: Decimal | None = None        # rule currency

    def __post_init__(self):
        object.__setattr__(self, 'klass', KIND_CLASS.get(self.kind, 'line'))


class Ruleset:
    """Rules in the engine's order, indexed by product and category so that
    a cart looks only at the rules that can match it"""

    def __init__(self, rules):
        self.rules = tuple(rules)
        self.ordered = sorted((r for r in self.rules if r.kind != 'price'),
            key=lambda r: (CLASSES.index(r.klass), -r.priority, r.id))
        self.position = {r.id: i for i, r in enumerate(self.ordered)}
        self.campaigns = [r for r in self.rules if r.kind == 'price']
        self.anywhere, self.by_product, self.by_category = [], {}, {}
        for rule in self.ordered:
            if rule.products:
                for product in rule.products:
                    self.by_product.setdefault(product, []).append(rule)
            elif rule.categories:
                for category in rule.categories:
                    self.by_category.setdefault(category, []).append(rule)
            else:
                self.anywhere.append(rule)

    def __iter__(self):
        return iter(self.rules)

    def __len__(self):
        return len(self.rules)

    def candidates(self, cart):
        "The rules that may match cart's lines, in order; the others"
        found = {r.id: r for r in self.anywhere}
        for product in cart.products:
            found.update((r.id, r) for r in self.by_product.get(product, ()))
        for category in cart.all_categories:
            found.update((r.id, r) for r in self.by_category.get(
                        category, ()))
        candidates = sorted(found.values(), key=lambda r: self.position[r.id])
        others = [r.id for r in self.ordered if r.id not in found]
        return candidates, others


@dataclass
class Line:
    index: int
    product: int
    quantity: Decimal
    unit_price: Decimal
    categories: frozenset = frozenset()
    label: str = ''

    @property
    def amount(self):
        return self.quantity * self.unit_price


@dataclass
class Usage:
    uses: int = 0
    spent: Decimal = Decimal(0)
    customer_uses: int = 0


@dataclass
class Cart:
    lines: list
    currency: int = None
    digits: int = 2
    shipping: Decimal | None = None
    country: int | None = None
    groups: frozenset = frozenset()
    first_order: bool = False
    shop: int | None = None
    moment: datetime.datetime | None = None
    coupons: frozenset = frozenset()     # coupon ids the customer entered
    usage: dict = field(default_factory=dict)   # rule id -> Usage
    products: frozenset = frozenset()        # set by evaluate
    all_categories: frozenset = frozenset()  # set by evaluate
    by_product: dict = field(default_factory=dict)   # set by evaluate
    by_category: dict = field(default_factory=dict)  # set by evaluate
    convert: object = None   # callable(amount, from currency) -> cart's
    timezone: str | None = None  # the company's: for the times in reasons

    def quantize(self, amount):
        return amount.quantize(Decimal(1).scaleb(-self.digits),
            ROUND_HALF_EVEN)

    def to_cart(self, amount, currency):
        if amount is None or currency in (None, self.currency) or (
                not self.convert):
            return amount
        return self.convert(amount, currency)

    def from_cart(self, amount, currency):
        if currency in (None, self.currency) or not self.convert:
            return amount
        return self.convert(amount, currency, reverse=True)


@dataclass
class Discount:
    rule: Rule
    amount: Decimal
    per_line: dict          # cart line index -> amount (shipping: -1)
    why: str

    @property
    def klass(self):
        return self.rule.klass


@dataclass
class Outcome:
    discounts: list
    not_applied: dict       # rule id -> reason
    line_discounts: dict    # line index -> total discount
    shipping_discount: Decimal

    @property
    def total(self):
        return sum((d.amount for d in self.discounts), Decimal(0))


class NotApplied(Exception):
    "Why a rule does not apply to the cart"


def evaluate(rules, cart):
    "The Outcome of rules on cart, in the documented order"
    left = {l.index: cart.quantize(l.amount) for l in cart.lines}
    goods = sum(left.values(), Decimal(0))
    _prepare(cart)
    shipping_left = cart.shipping or Decimal(0)
    if not isinstance(rules, Ruleset):
        rules = Ruleset(rules)
    ordered, others = rules.candidates(cart)
    discounts, not_applied = [], dict.fromkeys(others, NO_LINE)
    applied_in = {}          # class -> first rule applied
    blocked_by = None        # (rule, reason) of an exclusive or stop rule
    for rule in ordered:
        try:
            if blocked_by and blocked_by[0] == 'stop':
                raise NotApplied(f"{blocked_by[1].name!r} stops the "
                    "rules after it")
            first = applied_in.get(rule.klass)
            if first is not None and first.exclusive:
                raise NotApplied(f"{first.name!r} is exclusive and applied "
                    f"first (priority {first.priority})")
            if first is not None and rule.exclusive:
                raise NotApplied(f"exclusive, but {first.name!r} applied "
                    f"first (priority {first.priority})")
            matching = _check_conditions(rule, cart, goods)
            per_line, why = _compute(
                rule, cart, matching, left, shipping_left)
            amount = sum(per_line.values(), Decimal(0))
            if amount <= 0:
                raise NotApplied("nothing left to discount")
            _check_budget(rule, cart, amount)
        except NotApplied as reason:
            not_applied[rule.id] = str(reason)
            continue
        for index, value in per_line.items():
            if index == -1:
                shipping_left -= value
            else:
                left[index] -= value
        discounts.append(Discount(rule, amount, per_line, why))
        applied_in.setdefault(rule.klass, rule)
        if rule.stop:
            blocked_by = ('stop', rule)
    line_discounts = {}
    for discount in discounts:
        for index, value in discount.per_line.items():
            if index != -1:
                line_discounts[index] = line_discounts.get(
                    index, Decimal(0)) + value
    return Outcome(discounts, not_applied, line_discounts,
        (cart.shipping or Decimal(0)) - shipping_left)


def _prepare(cart):
    "Index the cart's lines by product and category"
    cart.by_product, cart.by_category = {}, {}
    for line in cart.lines:
        cart.by_product.setdefault(line.product, []).append(line)
        for category in line.categories:
            cart.by_category.setdefault(category, []).append(line)
    cart.products = frozenset(cart.by_product)
    cart.all_categories = frozenset(cart.by_category)


def _matching(rule, cart):
    "The cart's lines of the rule's products and categories, in order"
    if not (rule.products or rule.categories):
        return cart.lines
    found = None
    if rule.products:
        found = {l.index: l for p in rule.products & cart.products
            for l in cart.by_product[p]}
    if rule.categories:
        in_categories = {l.index: l
            for c in rule.categories & cart.all_categories
            for l in cart.by_category[c]}
        found = in_categories if found is None else {
            i: l for i, l in found.items() if i in in_categories}
    return [found[i] for i in sorted(found)]


def campaign_prices(rules, cart):
    """{line index: (unit price, rule)} of the campaign prices (upstream
    formula promotions, kind 'price') of the cart's lines, as upstream
    sale_promotion applies them: every matching campaign whose dates,
    coupon, minimum goods amount and quantity hold; the lowest price wins;
    never above the line's price"""
    prices = {}
    goods = sum((l.amount for l in cart.lines), Decimal(0))
    _prepare(cart)
    for rule in rules:
        if rule.kind != 'price':
            continue
        try:
            matching = _check_conditions(rule, cart, cart.quantize(goods))
        except NotApplied:
            continue
        for line in matching:
            price = max(rule.formula(line.unit_price), Decimal(0)).quantize(
                PRICE_DIGITS)
            if price < prices.get(line.index, (line.unit_price,))[0]:
                prices[line.index] = (price, rule)
    return prices


def _money(amount):
    return f'{amount:.2f}'


def _when(moment, timezone):
    "A naive UTC date-time as the company reads it (its time zone named)"
    moment = moment.replace(tzinfo=datetime.UTC)
    if timezone:
        moment = moment.astimezone(ZoneInfo(timezone))
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def _check_conditions(rule, cart, goods):
    "The matching lines of the rule, or NotApplied saying why not"
    matching = _matching(rule, cart)
    if rule.klass != 'shipping' and not matching:
        raise NotApplied(NO_LINE)
    if rule.starts and cart.moment and cart.moment < rule.starts:
        raise NotApplied(f"starts {_when(rule.starts, cart.timezone)}")
    if rule.ends and cart.moment and cart.moment >= rule.ends:
        raise NotApplied(f"ended {_when(rule.ends, cart.timezone)}")
    if rule.shops and cart.shop not in rule.shops:
        raise NotApplied("not offered in this web shop")
    if rule.coupons and not (rule.coupons & cart.coupons):
        raise NotApplied("needs its coupon code")
    if rule.groups and not (rule.groups & cart.groups):
        raise NotApplied("the customer is not in its customer groups")
    if rule.first_order and not cart.first_order:
        raise NotApplied("first orders only, the customer has ordered "
            "before")
    if rule.countries and cart.country not in rule.countries:
        raise NotApplied("does not ship to this destination")
    usage = cart.usage.get(rule.id) or Usage()
    if rule.max_uses is not None and usage.uses >= rule.max_uses:
        raise NotApplied(f"used {usage.uses} times, its limit")
    if (rule.max_uses_per_customer is not None
            and usage.customer_uses >= rule.max_uses_per_customer):
        raise NotApplied(f"the customer used it {usage.customer_uses} "
            f"times, the limit per customer")
    if rule.min_amount is not None:
        minimum = cart.quantize(cart.to_cart(rule.min_amount, rule.currency))
        if goods < minimum:
            raise NotApplied(f"needs goods of {_money(minimum)}, the cart "
                f"has {_money(goods)}")
    if rule.min_quantity is not None:
        quantity = sum((l.quantity for l in matching), Decimal(0))
        if quantity < rule.min_quantity:
            raise NotApplied(f"needs {rule.min_quantity:g} matching units, "
                f"the cart has {quantity:g}")
    return matching


def _check_budget(rule, cart, amount):
    if rule.budget is None:
        return
    usage = cart.usage.get(rule.id) or Usage()
    left = rule.budget - usage.spent
    needed = cart.from_cart(amount, rule.currency)
    if needed > left:
        raise NotApplied(f"its budget has {_money(max(left, 0))} left, "
            f"this cart needs {_money(needed)}")


def _lines_label(lines):
    return ', '.join(l.label or str(l.index + 1) for l in lines)


def _compute(rule, cart, matching, left, shipping_left):
    "The discount of rule per line index and the sentence explaining it"
    q = cart.quantize
    matching = [l for l in matching if left[l.index]]
    if rule.kind == 'free_shipping':
        if not shipping_left:
            raise NotApplied("the cart has no shipping to discount")
        return {-1: shipping_left}, Why('free_shipping')
    if not matching:
        raise NotApplied("the matching lines are discounted to zero already")
    label = _lines_label(matching)
    if rule.kind == 'percent_lines':
        pct = rule.percentage
        return ({l.index: q(left[l.index] * pct / HUNDRED)
                    for l in matching},
            Why('percent_lines', pct=f'{pct:g}', lines=label))
    if rule.kind == 'fixed_lines':
        each = cart.to_cart(rule.amount, rule.currency)
        return ({l.index: min(left[l.index], q(each * l.quantity))
                    for l in matching},
            Why('fixed_lines', each=_money(each), lines=label))
    if rule.kind == 'bxgy':
        return _buy_x_get_y(rule, cart, matching, left)
    base = sum((left[l.index] for l in matching), Decimal(0))
    if rule.kind == 'percent_order':
        amount = q(base * rule.percentage / HUNDRED)
        values = {'pct': f'{rule.percentage:g}'}
    else:
        amount = min(base, q(cart.to_cart(rule.amount, rule.currency)))
        values = {'amount': _money(amount)}
    key = ('percent_order' if rule.kind == 'percent_order'
        else 'fixed_order')
    if rule.products or rule.categories:
        key, values['lines'] = key + '_lines', label
    return spread(amount, [(l.index, left[l.index]) for l in matching],
        cart.digits), Why(key, **values)


def _buy_x_get_y(rule, cart, matching, left):
    """In each group of buy + get units (the dearest first), the cheapest
    get units are get_percentage off; only whole groups count"""
    units = []
    for l in matching:
        whole = int(l.quantity.to_integral_value(ROUND_DOWN))
        price = left[l.index] / l.quantity
        units.extend([(l.product if rule.same_product else 0, price,
                    l.index)] * whole)
    pools = {}
    for unit in units:
        pools.setdefault(unit[0], []).append(unit)
    size = rule.buy + rule.get
    exact, free = {}, 0
    for pool in pools.values():
        pool.sort(key=lambda u: (-u[1], u[2]))
        for start in range(0, len(pool) - size + 1, size):
            for _, price, index in pool[start + rule.buy:start + size]:
                exact[index] = exact.get(index, Decimal(0)) + (
                    price * rule.get_percentage / HUNDRED)
                free += 1
    if not free:
        raise NotApplied(f"needs {size} matching units (buy {rule.buy} get "
            f"{rule.get})" + ("" if not rule.same_product
                else " of the same product"))
    per_line = {i: cart.quantize(v) for i, v in exact.items()}
    pct = rule.get_percentage
    values = {'buy': rule.buy, 'get': rule.get, 'units': free,
        'lines': _lines_label([l for l in matching if l.index in per_line])}
    if pct == HUNDRED:
        return per_line, Why('bxgy_free', **values)
    return per_line, Why('bxgy_percent', pct=f'{pct:g}', **values)


def spread(amount, shares, digits=2):
    """amount split over [(key, weight)] in proportion, rounded to digits;
    the remainder goes to the largest weights first: the parts add up"""
    total = sum((w for _, w in shares), Decimal(0))
    if not total:
        return {}
    unit = Decimal(1).scaleb(-digits)
    parts = {k: (amount * w / total).quantize(unit, ROUND_DOWN)
        for k, w in shares}
    rest = amount - sum(parts.values())
    for key, _ in sorted(shares, key=lambda s: (-s[1], str(s[0]))):
        if rest <= 0:
            break
        parts[key] += unit
        rest -= unit
    return {k: v for k, v in parts.items() if v}
