from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomReturnsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce returns module"
    module = 'ecom_returns'


del ModuleTestCase
