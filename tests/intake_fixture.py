"""Configure a small demo database for the intake HTTP tests.

Run as ``python -m tests.intake_fixture -c trytond.conf -d DB`` after the
demo builder; prints one JSON object: channel ids, API keys, webhook
secrets and SKUs with known prices and stock.
"""
import argparse
import json
import sys
from decimal import Decimal

from tests.promotions_http import configure_promotions

WOO_SECRET = 'woo-webhook-secret'
SHOPIFY_SECRET = 'shopify-app-secret'


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    args = parser.parse_args(argv)
    from trytond import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(args.database)
    with Transaction().start(args.database, 0, readonly=True):
        pool.init()
    # taken up front, as the RPC dispatcher would after a first try
    locks = ['sale_promotion_coupon_number']
    with Transaction().start(
            args.database, 0, _lock_tables=locks) as transaction:
        Company = pool.get('company.company')
        company, = Company.search([], order=[('id', 'ASC')], limit=1)
        with transaction.set_context(company=company.id):
            result = configure(pool, company)
        transaction.commit()
    json.dump(result, sys.stdout)


def configure(pool, company):
    Channel = pool.get('ecom.channel')
    Template = pool.get('product.template')
    Product = pool.get('product.product')
    Category = pool.get('product.category')
    Uom = pool.get('product.uom')
    Inventory = pool.get('stock.inventory')
    Location = pool.get('stock.location')
    unit, = Uom.search([('name', '=', 'Unit')])
    account_category, = Category.search([('accounting', '=', True)], limit=1)
    shipping, = Template.create([{
                'name': "Shipping", 'type': 'service', 'salable': True,
                'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal('4.90'),
                'account_category': account_category.id,
                'products': [('create', [{'suffix_code': 'SHIP'}])],
                }])
    limited = Template.create([{
                'name': name, 'code': code, 'type': 'goods', 'salable': True,
                'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(10),
                'account_category': account_category.id,
                'products': [('create', [{}])],
                } for name, code in [
                ("Race Sneaker", 'RACE-1'), ("Rare Boot", 'HOLD-1')]])
    products = Product.search([('code', 'like', '%-%-%')],
        order=[('code', 'ASC')], limit=3)
    storage, = Location.search([('code', '=', 'STO')])
    # The suite orders these SKUs some 500 times (the webhook burst alone
    # 200 units of the first): with the demo's stock the last orders were
    # held as backorders and never processed. RACE-1 and HOLD-1 are the
    # scarce ones.
    inventory, = Inventory.create([{
                'location': storage.id, 'company': company.id,
                'lines': [('create', [
                            {'product': limited[0].products[0].id,
                                'quantity': 5.0},
                            {'product': limited[1].products[0].id,
                                'quantity': 1.0}] + [
                            {'product': p.id, 'quantity': 100000.0}
                            for p in products])],
                }])
    Inventory.confirm([inventory])

    channels = {c.code: c for c in Channel.search([])}
    Channel.write(list(channels.values()), {
            'shipping_product': shipping.products[0].id})
    Channel.write([channels['woo']], {
            'hmac_secret': WOO_SECRET, 'allow_backorders': True})
    Channel.write([channels['shopify']], {'hmac_secret': SHOPIFY_SECRET})
    app = channels['app']
    # the orders posted to it carry their storefront's prices and shipping
    Channel.write([app], {'promotion_pricing': 'storefront'})
    key = app.set_new_api_key()
    other = other_company_channel(pool, app.shop)
    news, = pool.get('marketing.email.list').create([{
                'name': "Alpine News", 'ecom_company': company.id,
                'ecom_text_version': 'news-2026-11'}])
    loyal = loyal_customer(pool, company)
    recommendation_rules(pool, products, limited[1].products[0])
    promotions = configure_promotions(pool, company, app, other.company.id)
    return {
        **promotions,
        'company': company.id,
        'newsletter': news.id,
        'loyal_email': loyal,
        'app': app.id, 'app_key': key, 'app_name': app.name,
        'woo': channels['woo'].id, 'woo_secret': WOO_SECRET,
        'shopify': channels['shopify'].id, 'shopify_secret': SHOPIFY_SECRET,
        'other': other.id, 'other_key': other.set_new_api_key(),
        'assistant_key': assistant_key(pool, app),
        'skus': {p.code: str(p.template.list_price) for p in products},
        'race_sku': 'RACE-1', 'hold_sku': 'HOLD-1',
        }


def assistant_key(pool, channel):
    "The public key of the channel's chat page"
    pool.get('ecom.channel').generate_assistant_key([channel])
    return channel.assistant_key


def recommendation_rules(pool, products, unpublished):
    """Association rules as the weekly computation would make them: the
    first SKU goes with the second (lift 2) and, better still, with a
    product the shop does not publish (lift 3)"""
    Rule = pool.get('sale.product.association.rule')
    Rule.create([{'antecedents': [('add', [products[0].id])],
                'consequents': [('add', [target.id])], 'lift': lift,
                'confidence': 0.5, 'support': 0.1, 'conviction': 1.5}
            for target, lift in [(products[1], 2.0), (unpublished, 3.0)]])


def loyal_customer(pool, company):
    "A known customer with 500 points of the demo's program: their email"
    Party = pool.get('party.party')
    Program = pool.get('ecom.loyalty.program')
    Account = pool.get('ecom.loyalty.account')
    program, = Program.search([('company', '=', company.id)])
    email = 'loyal.customer@example.com'
    party, = Party.create([{'name': "Loyal Customer",
                'contact_mechanisms': [('create', [
                            {'type': 'email', 'value': email}])]}])
    Account.of(company.id, party).earn(500, program)
    return email


def other_company_channel(pool, shop):
    "A channel of a second company, to prove companies are kept apart"
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Shop = pool.get('web.shop')
    Channel = pool.get('ecom.channel')
    party, = Party.create([{'name': "Other Shop Ltd"}])
    company, = Company.create([{
                'party': party.id, 'currency': shop.currency.id}])
    other_shop, = Shop.create([{
                'name': "Other shop", 'company': company.id,
                'currency': shop.currency.id,
                'warehouses': [('add', [shop.warehouse.id])]}])
    channel, = Channel.create([{
                'name': "Other company's store", 'code': 'other',
                'company': company.id, 'shop': other_shop.id}])
    return channel


if __name__ == '__main__':
    main()
