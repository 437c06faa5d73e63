"""Demo: storefront page URL, variants in sizes, stock rules with
low-stock alerts and a wholesale price list for a customer group (after
the order history, so that the alerts see the sales)."""

from trytond.pool import Pool

SIZES = [('s', "S"), ('m', "M"), ('l', "L")]
VARIANT_PRODUCTS = 3


def build(rng, shop, products, customers, log):
    pool = Pool()
    Shop = pool.get('web.shop')
    Shop.write([shop], {'ecom_product_url':
            'https://alpine-outfitters.example/products/{slug}'})
    varied = create_variants(rng, shop, products)
    log(f"{len(varied)} apparel products in sizes S, M and L")
    create_stock_rules(rng, shop, products)
    alerts = pool.get('ecom.stock.alert').check()
    log(f"stock rules, {len(alerts)} low-stock alerts")
    create_wholesale(rng, shop, customers)
    log("wholesale price list for the 'Wholesale' customer group")


def create_variants(rng, shop, products):
    """The first apparel products come in sizes: the existing SKU is M, new
    S and L variants are published with stock"""
    pool = Pool()
    Attribute = pool.get('product.attribute')
    AttributeSet = pool.get('product.attribute.set')
    Product = pool.get('product.product')
    Inventory = pool.get('stock.inventory')
    Shop = pool.get('web.shop')
    size, = Attribute.create([{
                'name': 'size', 'string': "Size", 'type_': 'selection',
                'selection': '\n'.join(f'{k}:{l}' for k, l in SIZES),
                'selection_sorted': False}])
    sizes, = AttributeSet.create([{
                'name': "Apparel sizes", 'attributes': [('add', [size.id])]}])
    apparel = [p for p in products if any(
            c.rec_name.startswith('Apparel') for c in p.template.categories)]
    chosen = apparel[:VARIANT_PRODUCTS]
    for product in chosen:
        product.template.attribute_set = sizes
        product.template.save()
        product.attributes = {'size': 'm'}
    Product.save(chosen)
    new = Product.create([{
                'template': p.template.id, 'suffix_code': f'-{k.upper()}',
                'attributes': {'size': k}, 'cost_price': p.cost_price}
            for p in chosen for k, _ in SIZES if k != 'm'])
    Shop.write([shop], {'products': [('add', [p.id for p in new])]})
    storage = shop.warehouses[0].storage_location
    inventory, = Inventory.create([{
                'location': storage.id, 'company': shop.company.id,
                'lines': [('create', [{
                                'product': p.id,
                                'quantity': float(rng.randint(20, 80)),
                                } for p in new])],
                }])
    Inventory.confirm([inventory])
    return chosen


def create_stock_rules(rng, shop, products):
    "Rules on a third of the products; about one in six of them runs low"
    pool = Pool()
    Product = pool.get('product.product')
    Rule = pool.get('ecom.safety_stock')
    warehouse = shop.warehouses[0]
    chosen = rng.sample(products, max(len(products) // 3, 1))
    available = Product.ecom_available_to_sell(
        warehouse, [p.id for p in chosen])
    values = []
    for i, product in enumerate(chosen):
        quantity = max(available.get(product.id, 0), 0)
        low = i % 6 == 0
        alert = quantity + rng.randint(5, 20) if low else max(
            round(quantity * rng.uniform(0.1, 0.3)), 1)
        values.append({
                'warehouse': warehouse.id, 'product': product.id,
                'quantity': float(rng.randint(0, 3)),
                'alert_quantity': float(alert),
                'cover_days': rng.choice([14, 30, 45]),
                })
    Rule.create(values)


def create_wholesale(rng, shop, customers):
    pool = Pool()
    Category = pool.get('party.category')
    Party = pool.get('party.party')
    PriceList = pool.get('product.price_list')
    GroupPriceList = pool.get('ecom.pricing.group_price_list')
    wholesale, = Category.create([{'name': "Wholesale"}])
    price_list, = PriceList.create([{
                'name': "Wholesale", 'company': shop.company.id,
                'price': 'list_price',
                'lines': [('create', [
                            {'quantity': 10, 'formula': 'unit_price * 0.7'},
                            {'formula': 'unit_price * 0.8'},
                            ])],
                }])
    GroupPriceList.create([{
                'company': shop.company.id, 'group': wholesale.id,
                'price_list': price_list.id}])
    members = rng.sample(customers, min(5, len(customers)))
    Party.write(members, {'categories': [('add', [wholesale.id])]})
    return price_list
