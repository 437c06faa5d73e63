from trytond.model.exceptions import SQLConstraintError, ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_company, set_company
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .test_import import CatalogImportMixin
from .test_stock_alert import StockAlertMixin
from .test_variants import CatalogVariantsMixin


def _warehouse_and_product():
    pool = Pool()
    Location = pool.get('stock.location')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
    unit, = Uom.search([('name', '=', 'Unit')])
    template, = Template.create([{
                'name': "Trail shoe", 'type': 'goods', 'default_uom': unit.id,
                'products': [('create', [{}])],
                }])
    return warehouse, template.products[0]


class EcomCatalogTestCase(
        CatalogImportMixin, CatalogVariantsMixin, StockAlertMixin,
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce catalog module"
    module = 'ecom_catalog'

    @with_transaction()
    def test_safety_stock_negative(self):
        "A negative safety stock is refused with the field and value named"
        SafetyStock = Pool().get('ecom.safety_stock')
        company = create_company()
        with set_company(company):
            warehouse, product = _warehouse_and_product()
            with self.assertRaises(ValidationError) as cm:
                SafetyStock.create([{
                            'warehouse': warehouse.id, 'product': product.id,
                            'quantity': -2}])
            self.assertIn('"Safety Stock"', str(cm.exception))
            self.assertIn('-2', str(cm.exception))

    @with_transaction()
    def test_safety_stock_unique(self):
        "One safety stock per product and warehouse"
        SafetyStock = Pool().get('ecom.safety_stock')
        company = create_company()
        with set_company(company):
            warehouse, product = _warehouse_and_product()
            values = {
                'warehouse': warehouse.id, 'product': product.id,
                'quantity': 3}
            record, = SafetyStock.create([values])
            self.assertEqual(record.company, company)
            self.assertEqual(record.uom, product.default_uom)
            with self.assertRaises(SQLConstraintError):
                SafetyStock.create([values])


del ModuleTestCase
