from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .test_abandoned import AbandonedCartsMixin
from .test_facts import CartFactsMixin
from .test_promotions import PromotionsSaleMixin


class EcomPromotionsTestCase(
        AbandonedCartsMixin, PromotionsSaleMixin, CartFactsMixin,
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce promotions module"
    module = 'ecom_promotions'

    @with_transaction()
    def test_access_by_group(self):
        "Managers write promotions and coupons, users only read them"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Access = pool.get('ir.model.access')
        user = ModelData.get_id('ecom_base', 'group_ecom_user')
        manager = ModelData.get_id('ecom_base', 'group_ecom_manager')
        for model in [
                'sale.promotion', 'sale.promotion.coupon',
                'sale.promotion.coupon.number']:
            rights = {
                a.group.id: a for a in Access.search([
                        ('model', '=', model),
                        ('group', 'in', [user, manager])])}
            self.assertTrue(rights[user].perm_read, model)
            self.assertFalse(rights[user].perm_write, model)
            self.assertTrue(rights[manager].perm_write, model)
            self.assertTrue(rights[manager].perm_create, model)


del ModuleTestCase
