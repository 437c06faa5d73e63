from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class EcomBaseTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce base module"
    module = 'ecom_base'

    @with_transaction()
    def test_groups_and_root_menu(self):
        "The manager group inherits the user group and both see the root menu"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        Menu = pool.get('ir.ui.menu')
        user = Group(ModelData.get_id('ecom_base', 'group_ecom_user'))
        manager = Group(ModelData.get_id('ecom_base', 'group_ecom_manager'))
        self.assertEqual(user.name, "E-commerce User")
        self.assertEqual(manager.name, "E-commerce Manager")
        self.assertEqual(manager.parent, user)
        root = Menu(ModelData.get_id('ecom_base', 'menu_ecom'))
        self.assertEqual(root.name, "E-commerce")
        self.assertIsNone(root.parent)
        self.assertIn(user, root.groups)

    def test_module_lookup_answers_as_upstream(self):
        "The indexed lookup finds what upstream's scan finds, fails alike"
        import importlib

        from trytond.const import MODULES_GROUP
        from trytond.modules.ecom_base import module_lookup
        from trytond.tools import misc

        module_lookup.install()
        self.assertIs(misc.import_module, module_lookup._installed[0])
        for name in ['ecom_base', 'ecom_orders', 'sale', 'account']:
            ep, = misc.entry_points().select(group=MODULES_GROUP, name=name)
            self.assertIs(misc.import_module(name), ep.load())
        self.assertIs(misc.import_module('ecom_base'),
            importlib.import_module('trytond.modules.ecom_base'))
        with self.assertRaises(ModuleNotFoundError):
            misc.import_module('no_such_module')


del ModuleTestCase
