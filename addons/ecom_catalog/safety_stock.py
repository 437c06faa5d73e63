from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .stock_alert import MAX_DAYS, RATE_BASES, cover, sales_rates


class SafetyStock(ModelSQL, ModelView):
    "Safety stock, low-stock threshold and cover target of a product"
    __name__ = 'ecom.safety_stock'
    __string__ = "Stock Rule"

    company = fields.Many2One(
        'company.company', "Company", required=True)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')])
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('type', '=', 'goods')],
        context={'company': Eval('company', -1)}, depends={'company'})
    quantity = fields.Float(
        "Safety Stock", required=True, digits='uom',
        help="Units never promised to the storefront.")
    uom = fields.Function(fields.Many2One(
            'product.uom', "UoM"), 'on_change_with_uom')
    alert_quantity = fields.Float(
        "Alert At", digits='uom',
        help="A low-stock alert opens when available to sell falls to this "
        "quantity or below.")
    cover_days = fields.Integer(
        "Cover Days",
        help="How many days of sales a reorder should cover.")
    available = fields.Function(fields.Float(
            "Available to Sell", digits='uom'), 'get_cover')
    daily_rate = fields.Function(fields.Float(
            "Sold per Day", digits=(16, 4)), 'get_cover')
    rate_basis = fields.Function(fields.Selection(
            list(RATE_BASES), "Rate From"), 'get_cover')
    days_of_cover = fields.Function(fields.Float(
            "Days of Cover", digits=(16, 1),
            help="Available to sell over the units sold per day; "
            f"{MAX_DAYS} means {MAX_DAYS} days or more, empty: no "
            "recent sales."), 'get_cover')
    suggested_reorder = fields.Function(fields.Integer(
            "Suggested Reorder"), 'get_cover')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_warehouse_unique',
                Unique(t, t.company, t.warehouse, t.product),
                'ecom_catalog.msg_safety_stock_unique'),
            ]
        cls._order = [
            ('product', 'ASC'), ('warehouse', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_alert_quantity(cls):
        return 0

    @classmethod
    def default_cover_days(cls):
        return 30

    @classmethod
    def get_cover(cls, rules, names):
        figures = cover(rules)
        keys = ['available', 'daily_rate', 'days_of_cover',
            'suggested_reorder', 'rate_basis']
        return {name: {r.id: figures[r.id][keys.index(name)] for r in rules}
            for name in names}

    @classmethod
    def ecom_daily_rates(cls, warehouse, product_ids):
        "product id -> (units a day, rate basis) for the stock rules"
        return sales_rates(warehouse, product_ids)

    @fields.depends('product')
    def on_change_with_uom(self, name=None):
        return self.product.default_uom if self.product else None

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            for name in ['quantity', 'alert_quantity', 'cover_days']:
                value = getattr(record, name)
                if value is not None and value < 0:
                    raise ValidationError(gettext(
                            'ecom_catalog.msg_safety_stock_negative',
                            product=record.product.rec_name,
                            field=cls.__names__(name)['field'],
                            quantity=value))

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.warehouse.rec_name}'


