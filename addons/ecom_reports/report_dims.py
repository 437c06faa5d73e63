"""Reports over the whole range, one row per product, category, region or
promotion, read from the month and day grains."""
from sql import With
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Round
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_orders.sale import RETURN_REASONS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .report_base import (
    ReportMixin,
    company_currency,
    context_dates,
    filters,
    grains,
    monetary,
    rate,
)

LABEL = 24  # characters of a chart label


class DimensionMixin(ReportMixin):
    "Sum the summary's measures per dimension over the context range"
    __slots__ = ()
    _summary = None
    _top = False

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('revenue', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _from(cls, tables):
        return tables['summary']

    @classmethod
    def _keys(cls, tables):
        "[(name, column)] grouped on; the first one is the row id"
        raise NotImplementedError

    @classmethod
    def _extra_columns(cls, tables):
        return []

    @classmethod
    def table_query(cls):
        pool = Pool()
        Summary = pool.get(cls._summary)
        summary = Summary.__table__()
        tables = {'summary': summary}
        from_item = cls._from(tables)
        keys = cls._keys(tables)
        from_date, to_date = context_dates()
        _, digits = company_currency()
        columns = []
        for name in Summary._measures():
            if name not in cls._fields:
                continue
            column = Sum(getattr(summary, name))
            field = cls._fields[name]
            if isinstance(field, fields.Numeric):
                column = Round(Coalesce(column, 0), digits)
            columns.append(field.sql_cast(column).as_(name))
        columns += cls._extra_columns(tables)
        id_name, id_column = keys[0]
        order_by, limit = [], None
        if cls._top:
            order_by = [Sum(summary.revenue).desc, id_column]
            limit = Transaction().context.get('limit') or 20
        return from_item.select(
            (Min(summary.id) if id_name is None else id_column).as_('id'),
            *[c.as_(n) for n, c in keys if n],
            *cls._constant_columns(),
            *columns,
            where=filters(summary) & grains(summary, from_date, to_date),
            group_by=[c for _, c in keys],
            order_by=order_by, limit=limit)


class Product(DimensionMixin, ModelSQL, ModelView):
    "Best-selling products of the range, with margin and returns"
    __name__ = 'ecom.report.product'
    __string__ = "Top Products"
    _summary = 'ecom.report.summary.product'
    _top = True

    product = fields.Many2One(
        'product.product', "Product",
        context={'company': Eval('company', -1)}, depends={'company'})
    label = fields.Function(fields.Char("Product Name",
            help="Without its code, shortened: the chart's labels."),
        'get_label')
    orders = fields.Integer("Orders")
    quantity = fields.Float("Net Units")
    sold_quantity = fields.Float("Units Sold")
    returned_quantity = fields.Float("Units Returned")
    revenue = monetary("Net Sales")
    returns = monetary("Returns")
    cost = monetary("Cost")
    margin = fields.Function(monetary("Margin"), 'get_figures')
    margin_rate = fields.Function(
        fields.Float("Margin (%)", digits=(16, 4)), 'get_figures')
    return_rate = fields.Function(fields.Float(
            "Return Rate (%)", digits=(16, 4),
            help="Units returned over units sold."), 'get_figures')

    @classmethod
    def _keys(cls, tables):
        summary = tables['summary']
        return [('product', summary.product)]

    @classmethod
    def get_label(cls, reports, name):
        "The products' names (one read), cut to fit a chart's axis"
        def short(name):
            return name if len(name) <= LABEL else name[:LABEL - 1] + '…'
        return {r.id: short(r.product.name) if r.product else None
            for r in reports}

    def _figures(self):
        margin = self.revenue - self.cost
        return {
            'margin': margin,
            'margin_rate': rate(margin, self.revenue),
            'return_rate': rate(self.returned_quantity, self.sold_quantity),
            }


class Category(DimensionMixin, ModelSQL, ModelView):
    "Sales of the range per category, subcategories included"
    __name__ = 'ecom.report.category'
    __string__ = "Top Categories"
    _summary = 'ecom.report.summary.product'
    _top = True

    category = fields.Many2One('product.category', "Category",
        context={'company': Eval('company', -1)}, depends={'company'})
    quantity = fields.Float("Net Units")
    sold_quantity = fields.Float("Units Sold")
    returned_quantity = fields.Float("Units Returned")
    revenue = monetary("Net Sales")
    cost = monetary("Cost")
    margin = fields.Function(monetary("Margin"), 'get_figures')
    margin_rate = fields.Function(
        fields.Float("Margin (%)", digits=(16, 4)), 'get_figures')
    return_rate = fields.Function(
        fields.Float("Return Rate (%)", digits=(16, 4)), 'get_figures')

    @classmethod
    def _from(cls, tables):
        "Each product once under each of its categories and their parents"
        pool = Pool()
        Product = pool.get('product.product')
        TemplateCategory = pool.get('product.template-product.category')
        Category = pool.get('product.category')
        product = Product.__table__()
        link = TemplateCategory.__table__()
        category = Category.__table__()
        child = Category.__table__()
        tree = With('category', 'ancestor', recursive=True)
        tree.query = category.select(category.id, category.id)
        tree.query |= tree.join(
            child, condition=child.parent == tree.category).select(
            child.id, tree.ancestor)
        ancestors = product.join(
            link, condition=link.template == product.template).join(
            tree, condition=tree.category == link.category).select(
            product.id.as_('product'), tree.ancestor.as_('category'),
            distinct=True, with_=[tree])
        tables['category'] = ancestors
        summary = tables['summary']
        return summary.join(
            ancestors, condition=ancestors.product == summary.product)

    @classmethod
    def _keys(cls, tables):
        return [('category', tables['category'].category)]

    def _figures(self):
        margin = self.revenue - self.cost
        return {
            'margin': margin,
            'margin_rate': rate(margin, self.revenue),
            'return_rate': rate(self.returned_quantity, self.sold_quantity),
            }


class Region(DimensionMixin, ModelSQL, ModelView):
    "Orders and sales of the range per shipping country and subdivision"
    __name__ = 'ecom.report.region'
    __string__ = "Sales by Region"
    _summary = 'ecom.report.summary.region'

    country = fields.Many2One('country.country', "Country")
    subdivision = fields.Many2One('country.subdivision', "Subdivision")
    orders = fields.Integer("Orders")
    revenue = monetary("Net Sales")

    @classmethod
    def _keys(cls, tables):
        summary = tables['summary']
        return [
            (None, summary.country), ('country', summary.country),
            ('subdivision', summary.subdivision)]

    def get_rec_name(self, name):
        names = [r.rec_name for r in [self.country, self.subdivision] if r]
        return ' / '.join(names) or '?'


class Promotion(DimensionMixin, ModelSQL, ModelView):
    "Uses, discount given and revenue of the orders per promotion"
    __name__ = 'ecom.report.promotion'
    __string__ = "Promotions"
    _summary = 'ecom.report.summary.promotion'

    promotion = fields.Many2One('sale.promotion', "Promotion")
    orders = fields.Integer("Orders", help="Orders the promotion applied to.")
    discount = monetary("Discount Given")
    revenue = monetary("Net Sales of the Orders")

    @classmethod
    def _keys(cls, tables):
        return [('promotion', tables['summary'].promotion)]


class Returns(DimensionMixin, ModelSQL, ModelView):
    "Units returned per product and reason, against the units sold"
    __name__ = 'ecom.report.returns'
    __string__ = "Returns by Product and Reason"
    _summary = 'ecom.report.summary.return'

    product = fields.Many2One(
        'product.product', "Product",
        context={'company': Eval('company', -1)}, depends={'company'})
    reason = fields.Selection(RETURN_REASONS, "Return Reason")
    orders = fields.Integer("Return Orders")
    quantity = fields.Float("Units Returned")
    amount = monetary("Amount Returned")
    sold_quantity = fields.Float(
        "Units Sold", help="Of the product over the same range.")
    return_rate = fields.Function(fields.Float(
            "Return Rate (%)", digits=(16, 4),
            help="Units returned for this reason over units sold."),
        'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('quantity', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _from(cls, tables):
        pool = Pool()
        Product = pool.get('ecom.report.summary.product')
        product = Product.__table__()
        from_date, to_date = context_dates()
        sold = tables['sold'] = product.select(
            product.product,
            Sum(product.sold_quantity).as_('sold_quantity'),
            where=filters(product) & grains(product, from_date, to_date),
            group_by=[product.product])
        summary = tables['summary']
        return summary.join(sold, 'LEFT',
            condition=sold.product == summary.product)

    @classmethod
    def _keys(cls, tables):
        summary = tables['summary']
        return [
            (None, summary.product), ('product', summary.product),
            ('reason', summary.reason)]

    @classmethod
    def _extra_columns(cls, tables):
        return [cls.sold_quantity.sql_cast(
                Max(tables['sold'].sold_quantity)).as_('sold_quantity')]

    def _figures(self):
        return {'return_rate': rate(self.quantity, self.sold_quantity)}
