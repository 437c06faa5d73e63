from decimal import Decimal

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomShippingTestCase(SpanishTestMixin, CompanyTestMixin, ModuleTestCase):
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


del ModuleTestCase
