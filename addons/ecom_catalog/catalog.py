from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval
from trytond.transaction import Transaction


class SafetyStock(ModelSQL, ModelView):
    "Quantity kept out of the available-to-sell figure of a warehouse"
    __name__ = 'ecom.safety_stock'
    __string__ = "Safety Stock"

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
        "Quantity", required=True, digits='uom',
        help="Units never promised to the storefront.")
    uom = fields.Function(fields.Many2One(
            'product.uom', "UoM"), 'on_change_with_uom')

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

    @fields.depends('product')
    def on_change_with_uom(self, name=None):
        return self.product.default_uom if self.product else None

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'quantity' not in field_names:
            return
        for record in records:
            if record.quantity < 0:
                raise ValidationError(gettext(
                        'ecom_catalog.msg_safety_stock_negative',
                        product=record.product.rec_name,
                        quantity=record.quantity))

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.warehouse.rec_name}'


