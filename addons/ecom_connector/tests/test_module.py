from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomConnectorTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce connector module"
    module = 'ecom_connector'


del ModuleTestCase
