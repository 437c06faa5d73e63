"""Demo master data: countries, web shop, channels, catalog, stock, customers."""
import colorsys
import datetime as dt
import io
import os
from decimal import Decimal

from PIL import Image, ImageDraw
from trytond import config
from trytond.pool import Pool

from . import countries as countries_mod
from .catalog_data import (
    ADJECTIVES,
    CATEGORIES,
    COUNTRIES,
    FIRST_NAMES,
    LAST_NAMES,
    MODELS,
    STREETS,
)

CHANNELS = [
    # code, name, kind, share of orders
    ('woo', "Web store (WooCommerce)", 'woocommerce', 0.6),
    ('shopify', "Marketplace (Shopify)", 'shopify', 0.3),
    ('app', "Mobile app (custom)", 'generic', 0.1),
    ]


def build(args, rng, log):
    "Create the master data and return a dict the order history uses"
    pool = Pool()
    Company = pool.get('company.company')
    company, = Company.search([])
    countries = create_countries()
    log(f"all countries, {len(countries)} with the shop's customers")
    shop, channels = create_shop(company, countries)
    leaves, account_category = create_categories()
    connect_channels(args, [c for c, _ in channels], account_category)
    priced = create_products(args, rng, leaves, account_category, shop)
    products = [p for p, _ in priced]
    log(f"{len(products)} products in {len(leaves)} leaf categories")
    create_stock(args, rng, company, products)
    log("initial stock counted")
    customers = create_customers(args, rng, countries)
    log(f"{len(customers)} customers")
    tax, = pool.get('account.tax').search([])
    term, = pool.get('account.invoice.payment_term').search([
            ('name', '=', "Paid online")])
    return {
        'company': company, 'shop': shop, 'channels': channels,
        'prices': {p.id: price for p, price in priced},
        'products': products, 'customers': customers, 'tax': tax,
        'payment_term': term,
        }


def create_countries():
    "All of ISO 3166; {code: (country, demo subdivisions)} of the shop's"
    return countries_mod.create_all(COUNTRIES)


def create_shop(company, countries):
    pool = Pool()
    Shop = pool.get('web.shop')
    Channel = pool.get('ecom.channel')
    Location = pool.get('stock.location')
    warehouse, = Location.search([('type', '=', 'warehouse')])
    shop, = Shop.create([{
                'name': "Alpine Outfitters Online", 'company': company.id,
                'currency': company.currency.id,
                'warehouses': [('add', [warehouse.id])],
                'countries': [('add', [c.id for c, _ in countries.values()])],
                }])
    channels = Channel.create([{
                'name': name, 'code': code, 'kind': kind, 'shop': shop.id,
                'company': company.id,
                } for code, name, kind, _ in CHANNELS])
    return shop, [(c, share) for c, (*_, share) in zip(channels, CHANNELS)]


def connect_channels(args, channels, account_category):
    """Shipping product, webhook secrets and an API key for the custom
    channel, written next to the database so that `make demo` can show it"""
    pool = Pool()
    Template = pool.get('product.template')
    Channel = pool.get('ecom.channel')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    shipping, = Template.create([{
                'name': "Shipping", 'code': 'SHIPPING', 'type': 'service',
                'default_uom': unit.id, 'salable': True, 'sale_uom': unit.id,
                'list_price': Decimal('4.90'),
                'account_category': account_category.id,
                'products': [('create', [{}])],
                }])
    Channel.write(channels, {'shipping_product': shipping.products[0].id})
    carriers = create_carriers(shipping.products[0])
    for channel, carrier in zip(channels, carriers):
        channel.carrier = carrier
        # The shops' own app offers store pickup; the WooCommerce store
        # promises same-day dispatch for orders before the cut-off.
        channel.pickup = channel.kind == 'generic'
        channel.carriers = carriers
        channel.free_shipping_threshold = Decimal(60)
        if channel.kind == 'woocommerce':
            channel.preparation_hours = 24
        channel.save()
    create_gateways(channels)
    for channel in channels:
        if channel.kind != 'generic':
            channel.hmac_secret = f'demo-{channel.kind}-secret'
            channel.save()
        else:
            key = channel.set_new_api_key()
            folder = config.get('database', 'path')
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, f'{args.database}.api-key')
            with open(path, 'w') as f:
                f.write(f'{channel.id} {key}\n')


CARRIERS = [
    ("Correos Express", 'https://s.correosexpress.com/c?n={tracking_number}'),
    ("SEUR", ('https://www.seur.com/livetracking/?segOnlineIdentificador='
        '{tracking_number}')),
    ("DHL Parcel", ('https://www.dhl.com/es-en/home/tracking.html'
        '?tracking-id={tracking_number}')),
    ]


def create_carriers(product):
    "Carriers with their tracking pages, one per channel"
    pool = Pool()
    Party = pool.get('party.party')
    Carrier = pool.get('carrier')
    parties = Party.create([{
                'name': name,
                'addresses': [('create', [{'city': "Madrid"}])],
                } for name, _ in CARRIERS])
    spain, = pool.get('country.country').search([('code', '=', 'ES')])
    carriers = Carrier.create([{
                'party': party.id, 'carrier_product': product.id,
                'ecom_tracking_url': url,
                'carrier_cost_method': 'ecom_rates',
                'ecom_rates': [('create', [{
                                'sequence': i, 'name': name,
                                'countries': [('add', [spain.id])]
                                if domestic else [],
                                'max_weight': max_weight,
                                'price': Decimal(price) + extra,
                                } for i, (name, domestic, max_weight, price)
                            in enumerate(RATES)])],
                } for extra, party, (_, url) in zip(
                [Decimal(0), Decimal('0.50'), Decimal('1.00')],
                parties, CARRIERS)])
    return carriers


RATES = [
    # name, Spain only, up to kg, price
    ("Spain, up to 2 kg", True, 2, '3.90'),
    ("Spain, up to 20 kg", True, 20, '6.90'),
    ("Europe, up to 20 kg", False, 20, '12.90'),
    ]


GATEWAYS = {
    # channel kind: storefront gateway codes
    'woocommerce': ['stripe', 'ppcp-gateway'],
    'shopify': ['shopify_payments', 'paypal'],
    'generic': ['stripe'],
    }
METHODS = {
    'stripe': "Stripe", 'ppcp-gateway': "PayPal", 'paypal': "PayPal",
    'shopify_payments': "Shopify Payments",
    }


def create_gateways(channels):
    "The payment gateways the storefronts take payments with"
    pool = Pool()
    Journal = pool.get('account.journal')
    Account = pool.get('account.account')
    Method = pool.get('account.invoice.payment.method')
    Gateway = pool.get('ecom.channel.gateway')
    journal, = Journal.search([('type', '=', 'cash')], limit=1)
    cash, = Account.search([('code', '=', '1.1.1')], limit=1)
    methods = {name: method for name, method in zip(
            sorted(set(METHODS.values())), Method.create([{
                        'name': name, 'journal': journal.id,
                        'credit_account': cash.id, 'debit_account': cash.id,
                        } for name in sorted(set(METHODS.values()))]))}
    Gateway.create([{
                'channel': channel.id, 'code': code,
                'payment_method': methods[METHODS[code]].id,
                } for channel in channels
            for code in GATEWAYS[channel.kind]])


def create_categories():
    pool = Pool()
    Category = pool.get('product.category')
    accounts = _accounts()
    tax, = pool.get('account.tax').search([])
    account_category, = Category.create([{
                'name': "Goods (VAT 21%)", 'accounting': True,
                'account_revenue': accounts['revenue'].id,
                'account_expense': accounts['expense'].id,
                'customer_taxes': [('add', [tax.id])],
                }])

    def tree(name, children):
        values = {'name': name}
        if isinstance(children, dict):
            values['childs'] = [('create', [
                        tree(n, c) for n, c in children.items()])]
        return values
    Category.create([tree(n, c) for n, c in CATEGORIES.items()])
    leaves = []
    for department, families in CATEGORIES.items():
        for family, kinds in families.items():
            for kind, price_range in kinds.items():
                leaf, = Category.search([
                        ('name', '=', kind), ('parent.name', '=', family),
                        ('parent.parent.name', '=', department)])
                leaves.append((leaf, price_range))
    return leaves, account_category


def _accounts():
    Account = Pool().get('account.account')
    return {kind: Account.search([
                (f'type.{kind}', '=', True), ('closed', '!=', True)],
            limit=1)[0]
        for kind in ['revenue', 'expense']}


def product_image(name, hue):
    "A 320x320 PNG: a coloured tile with the product's initials"
    r, g, b = (int(255 * v) for v in colorsys.hsv_to_rgb(hue, 0.45, 0.85))
    image = Image.new('RGB', (320, 320), (r, g, b))
    draw = ImageDraw.Draw(image)
    draw.rectangle([16, 16, 303, 303], outline=(255, 255, 255), width=6)
    initials = ''.join(w[0] for w in name.split()[:3]).upper()
    draw.text((160, 160), initials, fill=(255, 255, 255), anchor='mm',
        font_size=96)
    data = io.BytesIO()
    image.save(data, 'PNG', optimize=True)
    return data.getvalue()


def create_products(args, rng, leaves, account_category, shop):
    pool = Pool()
    Template = pool.get('product.template')
    Image_ = pool.get('product.image')
    Uom = pool.get('product.uom')
    Shop = pool.get('web.shop')
    unit, = Uom.search([('name', '=', 'Unit')])
    kilogram, = Uom.search([('name', '=', 'Kilogram')])
    values, images, seen = [], [], set()
    for i in range(args.products):
        leaf, (low, high) = leaves[i % len(leaves)]
        while True:
            name = (f"{rng.choice(ADJECTIVES)} {rng.choice(MODELS)} "
                f"{leaf.name.rstrip('s')}")
            if name not in seen:
                break
        seen.add(name)
        price = Decimal(rng.randint(low, high)) - Decimal('0.01')
        cost = (price / Decimal('1.21') * Decimal(
                str(rng.uniform(0.45, 0.65)))).quantize(Decimal('0.0001'))
        department = leaf.parent.parent.name[:3].upper()
        sku = f'{department}-{leaf.name[:3].upper()}-{i + 1:04d}'
        values.append({
                'name': name, 'code': sku, 'type': 'goods',
                'default_uom': unit.id, 'salable': True, 'sale_uom': unit.id,
                'list_price': price, 'account_category': account_category.id,
                'weight': round(rng.uniform(0.1, 2.5), 2),
                'weight_uom': kilogram.id,
                'categories': [('add', [leaf.id])],
                'products': [('create', [{'cost_price': cost}])],
                })
        images.append(product_image(name, (i % len(leaves)) / len(leaves)))
    # Small batches: SQLite's parser overflows on the unique-code check of
    # a few hundred records at once.
    templates = []
    for i in range(0, len(values), 40):
        templates.extend(Template.create(values[i:i + 40]))
    Image_.create([{
                'template': t.id, 'image': image,
                'description': t.name} for t, image in zip(templates, images)])
    products = [t.products[0] for t in templates]
    Shop.write([shop], {'products': [('add', [p.id for p in products])]})
    return [(p, v['list_price']) for p, v in zip(products, values)]


def create_stock(args, rng, company, products):
    pool = Pool()
    Inventory = pool.get('stock.inventory')
    Location = pool.get('stock.location')
    storage, = Location.search([('code', '=', 'STO')])
    counted = args.today - dt.timedelta(days=380)
    inventory, = Inventory.create([{
                'location': storage.id, 'date': counted,
                'company': company.id,
                'lines': [('create', [{
                                'product': p.id,
                                'quantity': float(rng.randint(120, 400)),
                                } for p in products])],
                }])
    Inventory.confirm([inventory])


def create_customers(args, rng, countries):
    pool = Pool()
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    langs = {l.code: l for l in Lang.search([])}
    codes = list(COUNTRIES)
    weights = [COUNTRIES[c][3] for c in codes]
    values = []
    for i in range(args.customers):
        code = rng.choices(codes, weights)[0]
        _, lang, _, _ = COUNTRIES[code]
        names = lang if lang in FIRST_NAMES else 'es'
        first = rng.choice(FIRST_NAMES[names])
        last = rng.choice(LAST_NAMES[names])
        country, subdivisions = countries[code]
        subdivision, city = rng.choice(subdivisions)
        email = (f"{first}.{last}.{i}@example.com".lower()
            .replace(' ', '').encode('ascii', 'ignore').decode())
        values.append({
                'name': f"{first} {last}",
                'lang': langs[lang].id if lang in langs else None,
                'addresses': [('create', [{
                                'street': f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                                'postal_code': f"{rng.randint(1000, 52999):05d}",
                                'city': city,
                                'country': country.id,
                                'subdivision': subdivision.id,
                                }])],
                'contact_mechanisms': [('create', [
                            {'type': 'email', 'value': email},
                            {'type': 'mobile',
                                'value': f"+34 6{rng.randint(10000000, 99999999)}"},
                            ])],
                })
    return Party.create(values)
