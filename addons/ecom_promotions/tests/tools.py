"""Test set-up shared by the promotions tests and the modules depending
on ecom_promotions (their automation tests make promotions and carts)."""
from decimal import Decimal

from trytond.pool import Pool


def discount_product():
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    template, = Template.create([{'name': "Discount", 'type': 'service',
                'salable': True, 'default_uom': unit.id, 'sale_uom': unit.id,
                'products': [('create', [{}])]}])
    return template.products[0]


def create_promotion(company, **values):
    "A promotion of company (discount product made for it)"
    Promotion = Pool().get('sale.promotion')
    promotion, = Promotion.create([{'name': "Promo", 'company': company.id,
                'currency': company.currency.id,
                'ecom_discount_product': discount_product().id,
                **values}])
    return promotion


def cart_answer(quantity, currency):
    "The cart API's answer for quantity units of P0 at 10.00 (+21% tax)"
    net = Decimal('10.00') * quantity
    return {'currency': currency,
        'total': str((net * Decimal('1.21')).quantize(Decimal('0.01'))),
        'lines': [{'sku': 'P0', 'quantity': str(quantity),
                'unit_price': '10.0000', 'net': str(net)}]}
