from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomReportsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce reports module"
    module = 'ecom_reports'


del ModuleTestCase
