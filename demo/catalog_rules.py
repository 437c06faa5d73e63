"""Demo: storefront page URL, stock rules with low-stock alerts and a
wholesale price list for a customer group (after the order history, so
that the alerts see the sales)."""

from trytond.pool import Pool


def build(rng, shop, products, customers, log):
    pool = Pool()
    Shop = pool.get('web.shop')
    Shop.write([shop], {'ecom_product_url':
            'https://alpine-outfitters.example/products/{slug}'})
    create_stock_rules(rng, shop, products)
    alerts = pool.get('ecom.stock.alert').check()
    log(f"stock rules, {len(alerts)} low-stock alerts")
    create_wholesale(rng, shop, customers)
    log("wholesale price list for the 'Wholesale' customer group")


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
