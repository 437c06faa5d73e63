from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .test_loyalty import LoyaltyMixin, _customer, _program


class EcomLoyaltyTestCase(
        LoyaltyMixin, DependencyCacheMixin, SpanishTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce loyalty module"
    module = 'ecom_loyalty'

    @with_transaction()
    def test_customer_page(self):
        "The customer form shows the points and their history per company"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        Party = pool.get('party.party')
        company = create_company()
        other = create_company()
        ana, ben = _customer("Ana"), _customer("Ben")
        with set_company(company):
            Account.of(company.id, ana).earn(75, _program(company))
            ana, ben = Party.browse([ana, ben])
            self.assertEqual(
                (ana.ecom_loyalty_balance, len(ana.ecom_loyalty_entries)),
                (75, 1))
            self.assertEqual(
                (ben.ecom_loyalty_balance, ben.ecom_loyalty_entries), (0, ()))
        with set_company(other):
            ana = Party(ana.id)
            self.assertEqual(ana.ecom_loyalty_balance, 0)


del ModuleTestCase
