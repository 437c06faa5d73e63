"""Demo: the promotions a manager would run (after the order history, which
they do not reprice): a weekend campaign on Footwear, 3x2 on bottles, a
welcome coupon for first orders, 15% for the Wholesale group, free shipping
in Spain from 60 EUR, a flyer's generated codes, and an ended summer sale
(the "why not" of any cart). Then the mobile app's promotions are priced by
the back office, and its ORDERS orders of today keep what the engine
decided (the order's Promotions tab)."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

ORDERS = 3


def build(data, log, orders=True):
    "The promotions, and (with an order history: orders) the app's orders"
    promotions = create(data['shop'], log)
    if orders:
        priced_orders(data, log)
    return promotions


def create(shop, log):
    pool = Pool()
    Category = pool.get('product.category')
    PartyCategory = pool.get('party.category')
    Country = pool.get('country.country')
    Promotion = pool.get('sale.promotion')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Config = pool.get('sale.configuration')
    company = shop.company
    unit, = Uom.search([('name', '=', 'Unit')])
    accounting, = Category.search([('accounting', '=', True)], limit=1)
    discount, = Template.create([{
                'name': "Promotion discount", 'type': 'service',
                'salable': True, 'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(0), 'account_category': accounting.id,
                'products': [('create', [{'suffix_code': 'PROMO'}])]}])
    config = Config(1)
    config.ecom_discount_product = discount.products[0]
    config.save()

    def category(name):
        return Category.search([('name', '=', name),
                ('accounting', '=', False)], limit=1)[0].id

    now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    friday = now - dt.timedelta(days=(now.weekday() - 4) % 7, hours=now.hour)
    base = {'company': company.id, 'currency': company.currency.id}
    spain = Country.search([('code', '=', 'ES')])
    wholesale = PartyCategory.search([('name', '=', "Wholesale")])

    def coupon(*codes, uses=0, per_party=False):
        return [('create', [{'number_of_use': uses, 'per_party': per_party,
                        'company': company.id,
                        'numbers': [('create', [{'number': c,
                                        'company': company.id}
                                    for c in codes])]}])]
    promotions = Promotion.create([
            dict(base, name="Weekend: -20% on Footwear",
                ecom_kind='percent_lines', ecom_percentage=Decimal(20),
                categories=[('add', [category("Footwear")])],
                ecom_starts=friday + dt.timedelta(hours=18),
                ecom_ends=friday + dt.timedelta(days=3), ecom_priority=10),
            dict(base, name="3x2 on bottles", ecom_kind='bxgy', ecom_buy=2,
                ecom_get=1, ecom_same_product=False,
                categories=[('add', [category("Bottles")])]),
            dict(base, name="WELCOME10", ecom_kind='fixed_order',
                ecom_amount=Decimal(10), amount=Decimal(50),
                ecom_first_order=True, coupons=coupon('WELCOME10')),
            dict(base, name="Wholesale 15%", ecom_kind='percent_order',
                ecom_percentage=Decimal(15), ecom_exclusive=True,
                ecom_stop=True, ecom_priority=5,
                ecom_groups=[('add', [g.id for g in wholesale])]),
            dict(base, name="Free shipping in Spain from 60",
                ecom_kind='free_shipping', amount=Decimal(60),
                ecom_countries=[('add', [c.id for c in spain])]),
            dict(base, name="Black Friday flyer: 15 EUR off 100",
                ecom_kind='fixed_order', ecom_amount=Decimal(15),
                amount=Decimal(100), ecom_max_uses=500,
                ecom_budget=Decimal(5000),
                coupons=coupon('BF26-7KQ2M9XA', 'BF26-P4HC8WRN',
                    'BF26-T9ZD3MEK', uses=1)),
            dict(base, name="Summer sale -30% (ended)",
                ecom_kind='percent_lines', ecom_percentage=Decimal(30),
                categories=[('add', [category("Apparel")])],
                ecom_starts=dt.datetime(now.year, 7, 1),
                ecom_ends=dt.datetime(now.year, 8, 31)),
            ])
    log(f"{len(promotions)} promotions and their coupons")
    return promotions


def priced_orders(data, log):
    """ORDERS paid orders of the mobile app placed this morning, priced by
    the back office: 3 bottles (3x2), other goods and shipping (free in
    Spain from 60 EUR), confirmed and processed like the history's"""
    from . import history
    pool = Pool()
    Channel = pool.get('ecom.channel')
    Product = pool.get('product.product')
    Sale = pool.get('sale.sale')
    channel, = [c for c, _ in data['channels'] if c.code == 'app']
    Channel.write([channel], {'promotion_pricing': 'backoffice'})
    bottle, = Product.search([('template.categories.name', '=', "Bottles"),
            ('salable', '=', True)], order=[('id', 'ASC')], limit=1)
    other = [p for p in data['products'] if p != bottle][:ORDERS]
    spanish = [c for c in data['customers']
        if c.addresses[0].country and c.addresses[0].country.code == 'ES']
    shipping = channel.shipping_product
    today = dt.date.today()
    moment = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    sales = []
    for i, (party, product) in enumerate(zip(spanish[-ORDERS:], other)):
        lines = [(bottle, 3), (product, 1), (shipping, 1)]
        sale = Sale(company=data['company'], party=party,
            invoice_address=party.addresses[0],
            shipment_address=party.addresses[0], sale_date=today,
            currency=data['company'].currency, web_shop=data['shop'],
            warehouse=data['shop'].warehouse,
            payment_term=data['payment_term'], ecom_channel=channel,
            ecom_external_id=f"P{i + 1}", web_id=f"app-P{i + 1}",
            ecom_payment_state='paid',
            ecom_ordered_at=moment - dt.timedelta(hours=i + 1),
            ecom_delivery='carrier')
        sale.lines = [{'type': 'line', 'product': p.id, 'unit': p.sale_uom.id,
                'quantity': q, 'unit_price': (shipping.template.list_price
                    if p == shipping else data['prices'][p.id]),
                'taxes': [data['tax'].id]} for p, q in lines]
        sale.ecom_apply_discounts()  # what the intake adds for this channel
        sales.append(sale)
    sales = history.book_paid(sales, 1)
    log(f"{len(sales)} app orders priced by the back office")
