"""sale.promotion, extended with the engine's kinds, targeting, stacking
and limits; compiled into engine rules cached per company."""
import datetime
from decimal import Decimal

from simpleeval import simple_eval
from sql import Null
from sql.aggregate import Count
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If, In
from trytond.tools import decistmt
from trytond.transaction import Transaction

from . import engine

KINDS = [
    ('price', "Campaign Price (formula)"),
    ('percent_lines', "Percentage off Products"),
    ('fixed_lines', "Amount off each Unit"),
    ('percent_order', "Percentage off the Order"),
    ('fixed_order', "Amount off the Order"),
    ('bxgy', "Buy X Get Y"),
    ('free_shipping', "Free Shipping"),
    ]
_kind = Eval('ecom_kind')


class Promotion(metaclass=PoolMeta):
    __name__ = 'sale.promotion'
    _rules_cache = Cache('ecom_promotions.rules', context=False)

    ecom_kind = fields.Selection(KINDS, "Kind", required=True,
        help="What the promotion gives. Campaign Price keeps Tryton's "
        "formula on the unit price.")
    ecom_percentage = fields.Numeric("Percentage", digits=(5, 2),
        domain=[If(Bool(Eval('ecom_percentage')),
                [('ecom_percentage', '>', 0), ('ecom_percentage', '<=', 100)],
                [])],
        states={
            'required': In(_kind, ['percent_lines', 'percent_order']),
            'invisible': ~In(_kind, ['percent_lines', 'percent_order']),
            })
    ecom_amount = Monetary("Discount Amount", currency='currency',
        digits='currency',
        domain=[If(Bool(Eval('ecom_amount')),
                [('ecom_amount', '>', 0)], [])],
        states={
            'required': In(_kind, ['fixed_lines', 'fixed_order']),
            'invisible': ~In(_kind, ['fixed_lines', 'fixed_order']),
            },
        help="Off each matching unit (Amount off each Unit) or once off "
        "the order, in the promotion's currency (converted to the "
        "order's).")
    ecom_buy = fields.Integer("Buy",
        domain=[If(_kind == 'bxgy', [('ecom_buy', '>', 0)], [])],
        states={'required': _kind == 'bxgy', 'invisible': _kind != 'bxgy'})
    ecom_get = fields.Integer("Get",
        domain=[If(_kind == 'bxgy', [('ecom_get', '>', 0)], [])],
        states={'required': _kind == 'bxgy', 'invisible': _kind != 'bxgy'})
    ecom_get_percentage = fields.Numeric("Off the Cheapest (%)",
        digits=(5, 2),
        domain=[If(_kind == 'bxgy', [('ecom_get_percentage', '>', 0),
                    ('ecom_get_percentage', '<=', 100)], [])],
        states={'required': _kind == 'bxgy', 'invisible': _kind != 'bxgy'},
        help="100 makes the cheapest units of each group free (2x1, 3x2).")
    ecom_same_product = fields.Boolean("Same Product",
        states={'invisible': _kind != 'bxgy'},
        help="Count the units of each product apart; unticked, any "
        "matching products make a group (the cheapest is discounted).")
    ecom_starts = fields.DateTime("Starts At",
        help="With the dates, the moment the promotion starts (shown in "
        "your time zone).")
    ecom_ends = fields.DateTime("Ends At",
        domain=[If(Bool(Eval('ecom_starts')) & Bool(Eval('ecom_ends')),
                [('ecom_ends', '>', Eval('ecom_starts'))], [])])
    ecom_priority = fields.Integer("Priority", required=True,
        help="Higher first within its class (line, order, shipping).")
    ecom_exclusive = fields.Boolean("Exclusive",
        help="Does not combine with other promotions of its class: applies "
        "only as the first of its class, then none other of the class.")
    ecom_stop = fields.Boolean("Stop Further Rules",
        help="Once applied, no promotion after it applies (any class).")
    ecom_shops = fields.Many2Many('sale.promotion-web.shop', 'promotion',
        'shop', "Web Shops", help="Empty: every web shop and staff sales.")
    ecom_groups = fields.Many2Many('sale.promotion-party.category',
        'promotion', 'category', "Customer Groups",
        help="Only for customers in one of these party categories.")
    ecom_first_order = fields.Boolean("First Order Only")
    ecom_countries = fields.Many2Many('sale.promotion-country.country',
        'promotion', 'country', "Destination Countries",
        states={'invisible': _kind != 'free_shipping'})
    ecom_max_uses = fields.Integer("Total Uses Limit",
        domain=[If(Bool(Eval('ecom_max_uses')),
                [('ecom_max_uses', '>', 0)], [])])
    ecom_max_uses_per_customer = fields.Integer("Uses per Customer Limit",
        domain=[If(Bool(Eval('ecom_max_uses_per_customer')),
                [('ecom_max_uses_per_customer', '>', 0)], [])])
    ecom_budget = Monetary("Budget", currency='currency', digits='currency',
        help="The discount it may give in all (promotion currency).")
    ecom_uses = fields.Integer("Uses", readonly=True)
    ecom_spent = Monetary("Discount Given", currency='currency',
        digits='currency', readonly=True)
    ecom_usages = fields.One2Many(
        'ecom.promotion.usage', 'promotion', "Usages", readonly=True)
    ecom_discount_product = fields.Many2One('product.product',
        "Discount Product", domain=[('type', '=', 'service')],
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The product of its discount lines; empty: the one of the "
        "sale configuration.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.formula.states['invisible'] = _kind != 'price'
        cls.untaxed_amount.states['invisible'] = True
        cls.amount.string = "Minimum Goods Amount"
        cls.amount.help = ("The goods of the order before discounts, "
            "untaxed, must reach it.")
        cls.quantity.string = "Minimum Quantity"
        cls.currency.states['required'] = (Bool(Eval('amount', 0))
            | Bool(Eval('ecom_amount', 0)) | Bool(Eval('ecom_budget', 0)))
        cls._order = [('ecom_priority', 'DESC'), ('id', 'ASC')]
        # upstream's formula campaigns know none of the engine's fields
        for name in ['ecom_starts', 'ecom_ends', 'ecom_priority',
                'ecom_exclusive', 'ecom_stop', 'ecom_shops', 'ecom_groups',
                'ecom_first_order', 'ecom_max_uses',
                'ecom_max_uses_per_customer', 'ecom_budget',
                'ecom_discount_product']:
            field = getattr(cls, name)
            field.states = dict(field.states or {})
            field.states['invisible'] = field.states.get(
                'invisible', False) | (_kind == 'price')

    @classmethod
    def default_ecom_kind(cls):
        return 'price'

    @classmethod
    def default_formula(cls):
        return 'unit_price'

    @classmethod
    def default_ecom_priority(cls):
        return 0

    @classmethod
    def default_ecom_get_percentage(cls):
        return Decimal(100)

    @classmethod
    def default_ecom_same_product(cls):
        return True

    @classmethod
    def default_ecom_uses(cls):
        return 0

    @classmethod
    def default_ecom_spent(cls):
        return Decimal(0)

    @classmethod
    def default_untaxed_amount(cls):
        return True

    @classmethod
    def copy(cls, promotions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_uses', 0)
        default.setdefault('ecom_spent', Decimal(0))
        default.setdefault('ecom_usages', None)
        return super().copy(promotions, default=default)

    @classmethod
    def validate_fields(cls, promotions, field_names):
        super().validate_fields(promotions, field_names)
        for promotion in promotions:
            if promotion.ecom_kind == 'free_shipping' and (
                    promotion.products or promotion.categories):
                raise ValidationError(gettext(
                        'ecom_promotions.msg_free_shipping_products',
                        promotion=promotion.rec_name))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if field_names is None or field_names - {'ecom_uses', 'ecom_spent'}:
            cls._rules_cache.clear()

    @classmethod
    def _promotions_domain(cls, sale):
        "Upstream's apply path sets the formula campaigns' prices only"
        return super()._promotions_domain(sale) + [
            ('ecom_kind', '=', 'price')]

    # Rules --------------------------------------------------------------
    @classmethod
    def ecom_rules(cls, company_id):
        "The engine Ruleset of the company's active promotions (cached)"
        rules = cls._rules_cache.get(company_id)
        if rules is None:
            with Transaction().set_context(active_test=True):
                promotions = cls.search([('company', '=', company_id)],
                    order=[('id', 'ASC')])
            children = _category_children()
            rules = engine.Ruleset(p.ecom_rule(children) for p in promotions)
            cls._rules_cache.set(company_id, rules)
        return rules

    def ecom_rule(self, children):
        "This promotion as an engine rule (children: category tree)"
        categories = set()
        for category in self.categories:
            categories |= _descendants(category.id, children)
        return engine.Rule(
            id=self.id, name=self.name, kind=self.ecom_kind,
            priority=self.ecom_priority or 0,
            exclusive=bool(self.ecom_exclusive), stop=bool(self.ecom_stop),
            percentage=self.ecom_percentage, amount=self.ecom_amount,
            formula=(_Formula(self.formula) if self.ecom_kind == 'price'
                else None),
            currency=self.currency.id if self.currency else None,
            products=frozenset(p.id for p in self.products),
            categories=frozenset(categories),
            min_amount=self.amount or None,
            min_quantity=(Decimal(str(self.quantity))
                if self.quantity else None),
            buy=self.ecom_buy or 0, get=self.ecom_get or 0,
            get_percentage=self.ecom_get_percentage or Decimal(100),
            same_product=bool(self.ecom_same_product),
            countries=frozenset(c.id for c in self.ecom_countries),
            groups=frozenset(g.id for g in self.ecom_groups),
            first_order=bool(self.ecom_first_order),
            shops=frozenset(s.id for s in self.ecom_shops),
            starts=_moment(self.start_date, self.ecom_starts, max),
            ends=_moment(self.end_date and (
                    self.end_date + datetime.timedelta(days=1)),
                self.ecom_ends, min),
            coupons=frozenset(c.id for c in getattr(self, 'coupons', [])),
            max_uses=self.ecom_max_uses or None,
            max_uses_per_customer=self.ecom_max_uses_per_customer or None,
            budget=self.ecom_budget)

    @classmethod
    def ecom_usage(cls, rules, party_id):
        "{rule id: engine.Usage} of the rules with limits, read now"
        pool = Pool()
        Usage = pool.get('ecom.promotion.usage')
        limited = [r.id for r in rules if r.max_uses is not None
            or r.max_uses_per_customer is not None or r.budget is not None]
        if not limited:
            return {}
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(table.id, table.ecom_uses,
                table.ecom_spent, where=table.id.in_(limited)))
        usage = {i: engine.Usage(u or 0, Decimal(str(s or 0)))
            for i, u, s in cursor}
        if party_id and party_id > 0:
            usage_t = Usage.__table__()
            cursor.execute(*usage_t.select(usage_t.promotion,
                    Count(usage_t.id),
                    where=usage_t.promotion.in_(limited)
                    & (usage_t.party == party_id),
                    group_by=[usage_t.promotion]))
            for promotion_id, count in cursor:
                usage[promotion_id].customer_uses = count
        return usage


class _Formula:
    "The upstream formula as a callable of the unit price"
    __slots__ = ('expression',)

    def __init__(self, formula):
        self.expression = decistmt(formula)

    def __call__(self, unit_price):
        return simple_eval(self.expression,
            names={'unit_price': unit_price},
            functions={'Decimal': Decimal})


def _moment(date, moment, pick):
    values = [v for v in [
            datetime.datetime.combine(date, datetime.time()) if date
            else None, moment] if v]
    return pick(values) if values else None


def _category_children():
    Category = Pool().get('product.category')
    table = Category.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id, table.parent,
            where=table.parent != Null))
    children = {}
    for child, parent in cursor:
        children.setdefault(parent, []).append(child)
    return children


def _descendants(category_id, children):
    found, todo = set(), [category_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


class PromotionShop(ModelSQL):
    "Web shop of a promotion"
    __name__ = 'sale.promotion-web.shop'
    promotion = fields.Many2One('sale.promotion', "Promotion",
        required=True, ondelete='CASCADE')
    shop = fields.Many2One('web.shop', "Web Shop", required=True,
        ondelete='CASCADE')


class PromotionGroup(ModelSQL):
    "Customer group of a promotion"
    __name__ = 'sale.promotion-party.category'
    promotion = fields.Many2One('sale.promotion', "Promotion",
        required=True, ondelete='CASCADE')
    category = fields.Many2One('party.category', "Customer Group",
        required=True, ondelete='CASCADE')


class PromotionCountry(ModelSQL):
    "Destination country of a promotion"
    __name__ = 'sale.promotion-country.country'
    promotion = fields.Many2One('sale.promotion', "Promotion",
        required=True, ondelete='CASCADE')
    country = fields.Many2One('country.country', "Country",
        required=True, ondelete='CASCADE')


class Usage(ModelSQL, ModelView):
    "One use of a promotion by a confirmed order"
    __name__ = 'ecom.promotion.usage'
    __string__ = "Promotion Use"

    promotion = fields.Many2One('sale.promotion', "Promotion",
        required=True, ondelete='RESTRICT')
    company = fields.Many2One('company.company', "Company", required=True)
    sale = fields.Many2One('sale.sale', "Order", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Customer", required=True,
        ondelete='RESTRICT', context={'company': Eval('company', -1)},
        depends={'company'})
    amount = Monetary("Discount", currency='currency', digits='currency',
        required=True, help="In the promotion's currency.")
    currency = fields.Many2One('currency.currency', "Currency",
        required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('promotion')
        cls._order = [('id', 'DESC')]
