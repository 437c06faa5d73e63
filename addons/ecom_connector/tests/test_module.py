from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomConnectorTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce connector module"
    module = 'ecom_connector'


del ModuleTestCase
