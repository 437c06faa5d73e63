"""Test set-up shared by the modules that depend on ecom_orders."""
from trytond.pool import Pool


def create_shop(company=None, name="Shop", warehouse=False):
    "A web shop of company (the first one by default) in its currency"
    pool = Pool()
    if company is None:
        company, = pool.get('company.company').search([], limit=1)
    values = {'name': name, 'company': company.id,
        'currency': company.currency.id}
    if warehouse:
        Location = pool.get('stock.location')
        found, = Location.search([('type', '=', 'warehouse')], limit=1)
        values['warehouses'] = [('add', [found.id])]
    shop, = pool.get('web.shop').create([values])
    return shop


def create_channel(shop=None, code='web', name=None, warehouse=False):
    "A sales channel of shop (a new shop of the first company by default)"
    shop = shop or create_shop(warehouse=warehouse)
    channel, = Pool().get('ecom.channel').create([{
                'name': name or f"Store {code}", 'code': code,
                'shop': shop.id}])
    return channel
