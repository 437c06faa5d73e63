from decimal import Decimal

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class EcomShippingTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce shipping module"
    module = 'ecom_shipping'

    def test_rate_matches(self):
        "Weight bounds included; amount from min (included) below max"
        from trytond.modules.ecom_shipping.shipping import Rate

        class _Rate:
            matches = Rate.matches
            countries = ()
            min_weight, max_weight = 0.0, 2.0
            min_amount, max_amount = None, Decimal(60)
        rate = _Rate()
        self.assertTrue(rate.matches(2.0, Decimal('59.99'), None))
        self.assertFalse(rate.matches(2.01, Decimal(10), None))
        self.assertFalse(rate.matches(1.0, Decimal(60), None))

    @with_transaction()
    def test_parcel_weight(self):
        "Weights in any unit as kg; goods without a weight named; services not"
        pool = Pool()
        Channel = pool.get('ecom.channel')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('name', '=', 'Unit')])
        gram, = Uom.search([('symbol', '=', 'g')])
        kg, = Uom.search([('symbol', '=', 'kg')])

        def product(name, kind='goods', weight=None, weight_uom=None):
            template, = Template.create([{'name': name, 'type': kind,
                        'default_uom': unit.id, 'weight': weight,
                        'weight_uom': weight_uom.id if weight_uom else None,
                        'products': [('create', [{}])]}])
            return template.products[0]
        shoe = product("Shoe", weight=850, weight_uom=gram)
        tent = product("Tent", weight=2.5, weight_uom=kg)
        mug = product("Mug")
        service = product("Gift wrap", kind='service')
        weight, unweighed = Channel.parcel_weight([(shoe, Decimal(2)),
                (tent, 1), (mug, 3), (service, 1), (mug, 1)])
        self.assertAlmostEqual(weight, 2 * 0.85 + 2.5)
        self.assertEqual(unweighed, [mug, mug])
        self.assertEqual(Channel.parcel_weight([]), (0.0, []))


del ModuleTestCase
