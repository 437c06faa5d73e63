from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomReturnsTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce returns module"
    module = 'ecom_returns'


del ModuleTestCase
