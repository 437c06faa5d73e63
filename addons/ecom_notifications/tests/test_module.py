from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_notifications.notification import placeholders
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class EcomNotificationsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the e-commerce notifications module"
    module = 'ecom_notifications'

    def test_placeholders(self):
        self.assertEqual(placeholders("Order {order} for {customer}"),
            {'order', 'customer'})
        self.assertEqual(placeholders("no braces"), set())

    @with_transaction()
    def test_default_templates_en_es(self):
        "Every event has an English and a Spanish template"
        Template = Pool().get('ecom.notification.template')
        found = {(t.event, t.language) for t in Template.search([])}
        self.assertEqual(found, {(e, l)
                for e in ['order_confirmation', 'shipped', 'refund']
                for l in ['en', 'es']})
        template = Template.find('shipped', 'fr')
        self.assertEqual(template.language, 'en')


del ModuleTestCase
