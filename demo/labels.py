"""Demo: shipping labels (ecom_labels). The shop sends by Correos through
Sendcloud (*E-commerce > Configuration > Sendcloud Credentials*, keys of
the simulator `make demo` serves beside trytond); during the build a local
Sendcloud sells the labels of a few orders waiting to ship (PDF on the
package, Sendcloud's tracking number and page on the shipment); a German
order is refused by Correos' Spanish service and waits under the *Label
Refused* tab; two packed shipments wait for staff to click *Buy Label*."""
from trytond import config
from trytond.pool import Pool

from .vat import B2B

LABELLED = 4
TO_BUY = 2


def build(data, log):
    from trytond.modules.ecom_labels.sendcloud import SENDCLOUD_URL
    from trytond.modules.ecom_labels.tests.sendcloud_simulator import Simulator
    sendcloud = Simulator('pk_demo', 'sk_demo')
    before = config.get('ecom_labels', 'sendcloud_url')
    try:
        sendcloud.configure()
        _build(data, log)
    finally:
        sendcloud.stop()
        config.set('ecom_labels', 'sendcloud_url', before or SENDCLOUD_URL)


def _build(data, log):
    Shipment = Pool().get('stock.shipment.out')
    carrier = _setup(data)
    waiting = Shipment.search([
            ('state', 'in', ['waiting', 'assigned']),
            ('delivery_address.country.code', '=', 'ES'),
            ], order=[('planned_date', 'ASC'), ('id', 'ASC')],
        limit=LABELLED + TO_BUY)
    german = Shipment.search([
            ('state', 'in', ['waiting', 'assigned']),
            ('customer.name', '!=', B2B[0]),
            ('delivery_address.country.code', '=', 'DE'),
            ], limit=1)
    shipments = Shipment.browse(waiting + german)
    Shipment.write(shipments, {'carrier': carrier.id})
    Shipment.assign_try(shipments)
    shipments = [s for s in shipments if s.state == 'assigned']
    Shipment.pick(shipments)
    Shipment.pack(shipments)
    to_buy = [s for s in shipments if s not in waiting[-TO_BUY:]]
    bought, refused = Shipment.ecom_buy_labels(to_buy)
    log(f"labels: {len(bought)} bought through Sendcloud, "
        f"{len(refused)} refused, {len(shipments) - len(to_buy)} to buy")


def _setup(data):
    pool = Pool()
    Party = pool.get('party.party')
    Carrier = pool.get('carrier')
    PackageType = pool.get('stock.package.type')
    Credential = pool.get('carrier.credential.sendcloud')
    UoM = pool.get('product.uom')
    cm, = UoM.search([('symbol', '=', 'cm')])
    kg, = UoM.search([('symbol', '=', 'kg')])
    box, = PackageType.create([{'name': "Caja M 40x30x20",
                'length': 40, 'width': 30, 'height': 20,
                'length_uom': cm.id, 'width_uom': cm.id, 'height_uom': cm.id,
                'packaging_weight': 0.3, 'packaging_weight_uom': kg.id}])
    party, = Party.create([{'name': "Correos (Sendcloud)",
                'addresses': [('create', [{'city': "Madrid"}])]}])
    other, = Carrier.search([], limit=1)
    carrier, = Carrier.create([{'party': party.id,
                'carrier_product': other.carrier_product.id,
                'shipping_service': 'sendcloud', 'sendcloud_format': 'label',
                'ecom_package_type': box.id,
                'ecom_tracking_url': (
                    'https://www.correos.es/es/es/herramientas/'
                    'localizador/envios/detalle?tracking-number='
                    '{tracking_number}')}])
    # Correos' parcel service in Spain and Portugal, as Sendcloud lists it
    Credential.create([{'company': data['company'].id,
                'public_key': 'pk_demo', 'secret_key': 'sk_demo',
                'shipping_methods': [('create', [{
                                'carrier': carrier.id,
                                'shipping_method': '1311'}])]}])
    return carrier
