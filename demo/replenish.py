"""Demo: replenishment (ecom_replenish). The products with stock rules
are bought from two suppliers (lead times of 5 and 12 days), each in its
default unit; the open low-stock alerts get their purchase requests, and
the company lets the daily check make the next ones."""
import datetime as dt

from trytond.pool import Pool

SUPPLIERS = [("Montaña Distribución SL", 5), ("Nordic Gear AB", 12)]


def build(shop, log):
    pool = Pool()
    Party = pool.get('party.party')
    Rule = pool.get('ecom.safety_stock')
    Template = pool.get('product.template')
    ProductSupplier = pool.get('purchase.product_supplier')
    Alert = pool.get('ecom.stock.alert')
    Company = pool.get('company.company')
    company = shop.company
    suppliers = Party.create([{'name': name, 'addresses': [
                    ('create', [{'street': "Polígono Industrial 4"}])]}
            for name, _ in SUPPLIERS])
    templates = sorted({r.product.template for r in Rule.search([])},
        key=lambda t: t.id)
    for template in templates:
        Template.write([template], {'purchasable': True,
                'purchase_uom': template.default_uom.id})
    ProductSupplier.create([{'template': t.id, 'company': company.id,
                'party': suppliers[i % 2].id,
                'lead_time': dt.timedelta(days=SUPPLIERS[i % 2][1])}
            for i, t in enumerate(templates)])
    requests = Alert.ecom_request_purchases(Alert.search([
                ('company', '=', company.id), ('state', '=', 'open')]))
    Company.write([company], {'ecom_auto_purchase_requests': True})
    log(f"{len(templates)} products bought from {len(suppliers)} "
        f"suppliers, {len(requests)} purchase requests from low-stock "
        "alerts")
