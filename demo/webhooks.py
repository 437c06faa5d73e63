"""Demo storefront events: listings of the WooCommerce store, webhook
orders that became sales (one of them cancelled afterwards) and a few in
*Needs Attention* (an unmapped product, a currency the company lacked
then); a US store whose taxes WooCommerce computes (6 % Pennsylvania sales
tax mapped to ours; a New Jersey order waits for its code's mapping).

Runs after the rest of the demo is committed: the events go through the
real processing (``event_process.drain``), which opens its own
transactions.
"""
import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.pool import Pool

CENT = Decimal('0.01')
WOO_SALES = 4  # WooCommerce orders that become sales (one then cancelled)
PULLED = 2  # orders the connector pulls from the simulated store
SALES = WOO_SALES + 1 + PULLED  # and the US store's, and the pulled ones
EXCEPTIONS = 3  # in Needs Attention


def build(database, pool, log):
    "Skipped for a demo without order history (test and bench databases)"
    from trytond.modules.ecom_orders.event_process import drain
    from trytond.transaction import Transaction
    count = 0
    for step in [_events, _cancellation, _us_store, _connector]:
        with Transaction().start(database, 0) as transaction:
            company_id = pool.get('company.company').search([])[0].id
            with transaction.set_context(company=company_id, language='en'):
                count += step(pool)
            transaction.commit()
        drain(database)
        log(f"  webhooks {step.__name__.strip('_')}")
    with Transaction().start(database, 0) as transaction:
        # the summaries were computed before these sales
        pool.get('ecom.report.refresh').refresh()
        transaction.commit()
    log(f"{count} storefront webhooks: listings, sales, Needs Attention")


def _events(pool):
    Channel = pool.get('ecom.channel')
    Product = pool.get('product.product')
    Listing = pool.get('ecom.channel.listing')
    woo, = Channel.search([('kind', '=', 'woocommerce')], limit=1)
    products = Product.search([('code', 'like', '%-%-%'),
            ('salable', '=', True), ('type', '=', 'goods')],
        order=[('code', 'ASC')], limit=10)
    Listing.create([{
                'channel': woo.id, 'storefront_product': str(7000 + i),
                'storefront_variant': '', 'storefront_sku': p.code,
                'storefront_name': p.name, 'product': p.id,
                } for i, p in enumerate(products)])
    products = [products[i % len(products)] for i in range(WOO_SALES)]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    orders = []
    for i in range(WOO_SALES):  # mapped, without SKU: sales
        orders.append(('order.created',
                _woo(9100 + i, products[i], 7000 + i, now, i)))
    # a product nobody has mapped (storefront product 7099)
    orders.append(('order.created', _woo(9110, products[0], 7099, now, 5)))
    # a currency the company has no rates for (it has EUR, USD and GBP)
    orders.append(('order.created',
            dict(_woo(9111, products[1], 7001, now, 6), currency='JPY')))
    _receive(woo, orders)
    return len(orders)


def _cancellation(pool):
    "The last webhook sale, cancelled in the storefront 20 minutes later"
    Event = Pool().get('ecom.storefront.event')
    event, = Event.search([('external_id', '=', '9103')])
    order = json.loads(event.payload)
    modified = dt.datetime.fromisoformat(order['date_modified_gmt'])
    _receive(event.channel, [('order.updated', dict(order,
                    status='cancelled', date_modified_gmt=(
                        modified + dt.timedelta(minutes=20)).isoformat()))])
    return 1


def _connector(pool):
    """The WooCommerce channel's API connected to a simulated store for
    one sync: two orders whose webhooks never came are pulled, the stock of
    the listings pushed; the sync log shows it. The store is gone after
    the build, so the API URL is cleared again (a sync would fail)."""
    from trytond.modules.ecom_connector.tests.woo_simulator import Simulator
    Channel = pool.get('ecom.channel')
    Listing = pool.get('ecom.channel.listing')
    woo, = Channel.search([('kind', '=', 'woocommerce')],
        order=[('id', 'ASC')], limit=1)  # not the US store
    listings = Listing.search([('channel', '=', woo.id)], limit=10)
    store = Simulator(consumer_key='ck_demo', consumer_secret='cs_demo')
    try:
        for listing in listings:
            store.add_product(int(listing.storefront_product))
        for i, listing in enumerate(listings[:PULLED]):
            product = listing.product
            price = product.list_price_used
            store.tax_rate = sum((t.rate for t in product.customer_taxes_used
                    if t.type == 'percentage'), Decimal(0))
            store.new_order([(int(listing.storefront_product), 0, '', 1,
                        f'{price:.2f}')], f'pulled.{i}@example.com')
        Channel.write([woo], {'ecom_api_url': store.url,
                'ecom_api_key': 'ck_demo', 'ecom_api_secret': 'cs_demo',
                'ecom_push_stock': True})
        woo.ecom_run_sync()
    finally:
        store.stop()
    Channel.write([woo], {'ecom_api_url': None, 'ecom_api_key': None,
            'ecom_api_secret': None})
    return PULLED


def _us_store(pool):
    """The US store's channel (dollars, with the company's rates) with its
    taxes computed by WooCommerce: one order paid with 6 % PA sales tax,
    one with New Jersey's code that nobody has mapped"""
    Tax = pool.get('account.tax')
    Channel = pool.get('ecom.channel')
    Product = pool.get('product.product')
    vat = Tax.search([('parent', '=', None)], limit=1)[0]
    sales_tax, = Tax.create([{'name': "PA Sales Tax 6%",
                'description': "PA Sales Tax 6%", 'type': 'percentage',
                'rate': Decimal('0.06'), 'company': vat.company.id,
                'invoice_account': vat.invoice_account.id,
                'credit_note_account': vat.credit_note_account.id}])
    woo, = Channel.search([('kind', '=', 'woocommerce')], limit=1)
    us, = Channel.create([{'name': "Alpine Outfitters US", 'code': 'us',
                'kind': 'woocommerce', 'shop': woo.shop.id,
                'company': woo.company.id, 'hmac_secret': 'demo-us-secret',
                'shipping_product': woo.shipping_product.id,
                'tax_policy': 'storefront',
                'storefront_taxes': [('create', [{'code': 'US-PA-TAX-1',
                                'tax': sales_tax.id}])]}])
    product, = Product.search([('code', 'like', '%-%-%'),
            ('salable', '=', True), ('type', '=', 'goods')],
        order=[('code', 'DESC')], limit=1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    _receive(us, [('order.created', _us_order(9200, product, 'PA', now)),
            ('order.created', _us_order(9201, product, 'NJ', now))])
    return 2


def _us_order(order_id, product, state, now):
    "A WooCommerce order of the US store: 6 % on the goods and shipping"
    price = (product.list_price_used * Decimal('1.08')).quantize(CENT)
    shipping = Decimal('5.99')
    code = f'US-{state}-TAX-1'
    tax, ship_tax = (price * Decimal('0.06'), shipping * Decimal('0.06'))
    total_tax = (tax + ship_tax).quantize(CENT, ROUND_HALF_EVEN)
    modified = now - dt.timedelta(minutes=5)
    return {
        'id': order_id, 'number': str(order_id), 'status': 'processing',
        'currency': 'USD', 'date_created_gmt': modified.isoformat(),
        'date_modified_gmt': modified.isoformat(),
        'billing': {'first_name': "Amy", 'last_name': f"Ross {state}",
            'address_1': "12 Market St", 'city': "Philadelphia",
            'state': state, 'postcode': "19106", 'country': "US",
            'email': f'us.{order_id}@example.com'},
        'line_items': [{'product_id': 8000, 'variation_id': 0,
                'sku': product.code, 'name': product.name, 'quantity': 1,
                'subtotal': str(price), 'total': str(price),
                'taxes': [{'id': 1, 'total': str(tax)}]}],
        'shipping_lines': [{'method_title': "Flat rate",
                'method_id': 'flat_rate', 'total': str(shipping),
                'taxes': [{'id': 1, 'total': str(ship_tax)}]}],
        'tax_lines': [{'rate_id': 1, 'rate_code': code,
                'label': f"{state} Sales Tax", 'rate_percent': 6}],
        'payment_method': 'stripe', 'transaction_id': f'pi_demo{order_id}',
        'total': str(price + shipping + total_tax),
        'total_tax': str(total_tax),
        }


def _receive(channel, orders):
    Event = Pool().get('ecom.storefront.event')
    for topic, order in orders:
        Event.receive(channel, 'woocommerce', topic,
            json.dumps(order).encode(), {
                'external_id': str(order['id']), 'number': order['number'],
                'modified_at': dt.datetime.fromisoformat(
                    order['date_modified_gmt'])})


def _woo(order_id, product, product_ref, now, i):
    "A WooCommerce order.created body as its REST API documents it"
    price = product.list_price_used
    rate = sum((t.rate for t in product.customer_taxes_used
            if t.type == 'percentage'), Decimal(0))
    amount = price * 2
    tax = (amount * rate).quantize(CENT, ROUND_HALF_EVEN)
    modified = now - dt.timedelta(minutes=30 - i)
    return {
        'id': order_id, 'number': str(order_id), 'status': 'processing',
        'currency': 'EUR', 'date_created_gmt': modified.isoformat(),
        'date_modified_gmt': modified.isoformat(),
        'billing': {'first_name': "Clara", 'last_name': f"Demo {i}",
            'address_1': "Gran Via 1", 'city': "Madrid",
            'postcode': "28013", 'country': "ES",
            'email': f'webhook.{i}@example.com'},
        'line_items': [{'product_id': product_ref, 'variation_id': 0,
                'sku': '', 'name': product.name, 'quantity': 2,
                'subtotal': str(amount), 'total': str(amount)}],
        'payment_method': 'stripe', 'transaction_id': f'pi_demo{order_id}',
        'total': str(amount + tax), 'total_tax': str(tax),
        }
