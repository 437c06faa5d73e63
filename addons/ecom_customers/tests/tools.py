"""Helpers of the customers tests, shared with modules depending on it."""
from trytond.pool import Pool


def draft_sale(company, party, amount):
    "A draft order of one goods line worth amount"
    pool = Pool()
    Sale = pool.get('sale.sale')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    goods, = Template.create([{'name': "Jacket", 'type': 'goods',
                'default_uom': unit.id, 'salable': True, 'sale_uom': unit.id,
                'products': [('create', [{}])]}])
    sale, = Sale.create([{'party': party.id, 'company': company.id,
                'sale_date': Pool().get('ir.date').today(),
                'invoice_address': party.addresses[0].id,
                'shipment_address': party.addresses[0].id,
                'currency': company.currency.id,
                'lines': [('create', [{'type': 'line',
                                'product': goods.products[0].id,
                                'quantity': 2, 'unit': unit.id,
                                'unit_price': amount / 2}])]}])
    return sale
