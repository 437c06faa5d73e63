"Shipping labels: carrier kept equal, labels refused before anything is bought"
from sql import Null
from trytond import config
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import LabelError
from ..sendcloud import SENDCLOUD_URL, api_url
from ..shipment import _same_carrier
from .sendcloud_simulator import Simulator


class EcomLabelsTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce shipping labels module"
    module = 'ecom_labels'
    # upstream's credentials without a company serve every company: the
    # rule (labels.xml) is "the user's companies or none"
    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('carrier.credential.sendcloud', 'company')}

    def test_same_carrier(self):
        "Either carrier written writes the other; a label its tracking"
        self.assertEqual(_same_carrier({'ecom_carrier': 3}),
            {'ecom_carrier': 3, 'carrier': 3})
        self.assertEqual(_same_carrier({'carrier': None}),
            {'carrier': None, 'ecom_carrier': None})
        self.assertEqual(_same_carrier({'carrier': 1, 'ecom_carrier': 2}),
            {'carrier': 1, 'ecom_carrier': 2})
        self.assertEqual(_same_carrier({'shipping_reference': 'X1'}), {
                'shipping_reference': 'X1', 'ecom_tracking_number': 'X1',
                'ecom_label_error': None})
        self.assertEqual(_same_carrier({'state': 'done'}), {'state': 'done'})

    def test_api_url(self):
        "Sendcloud's own address unless the configuration names another"
        self.assertEqual(api_url(), SENDCLOUD_URL)
        sendcloud = Simulator()
        try:
            sendcloud.configure()
            self.assertEqual(api_url(), sendcloud.api_url)
        finally:
            sendcloud.stop()
            config.set('ecom_labels', 'sendcloud_url', SENDCLOUD_URL)
        self.assertEqual(api_url(), SENDCLOUD_URL)

    @with_transaction()
    def test_register_fills_carrier(self):
        "Installed on a shop with shipments: their carrier is ecom_orders'"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Carrier = pool.get('carrier')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            shipment, = _shipments(company, 1)
            unit, = Uom.search([('name', '=', 'Unit')])
            service, = Template.create([{'name': "Shipping",
                        'type': 'service', 'default_uom': unit.id,
                        'products': [('create', [{}])]}])
            carrier, = Carrier.create([{'party': shipment.customer.id,
                        'carrier_product': service.products[0].id}])
            table = Shipment.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.ecom_carrier, table.carrier], [carrier.id, Null]))
            Shipment.__register__('ecom_labels')
            cursor.execute(*table.select(table.carrier))
            self.assertEqual(cursor.fetchall(), [(carrier.id,)])

    @with_transaction()
    def test_every_refusal_named_nothing_written(self):
        "Shipments not ready: all named with why, no package, no call"
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Package = pool.get('stock.package')
        company = create_company()
        with set_company(company):
            shipments = _shipments(company, 2)
            with self.assertRaises(LabelError) as raised:
                Shipment.ecom_buy_labels(shipments)
            lines = raised.exception.description.split('\n')
            self.assertEqual(len(lines), 2)
            for shipment, line in zip(shipments, lines):
                self.assertTrue(line.startswith(f'{shipment.rec_name}: '))
                self.assertIn('must be packed first', line)
            Shipment.write(shipments, {'state': 'packed'})
            with self.assertRaises(LabelError) as raised:
                Shipment.ecom_buy_labels(shipments[:1])
            self.assertIn('the field "Carrier" is empty',
                raised.exception.description)
            self.assertEqual(Package.search([]), [])


def _shipments(company, count):
    "count draft customer shipments of one customer"
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    Party = pool.get('party.party')
    Location = pool.get('stock.location')
    customer, = Party.create([{'name': "Marta",
                'addresses': [('create', [{}])]}])
    warehouse, = Location.search([('type', '=', 'warehouse')])
    return Shipment.create([{
                'customer': customer.id,
                'delivery_address': customer.addresses[0].id,
                'warehouse': warehouse.id, 'company': company.id,
                'warehouse_storage': warehouse.storage_location.id,
                'warehouse_output': warehouse.output_location.id,
                } for _ in range(count)])


del ModuleTestCase
