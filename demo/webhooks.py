"""Demo storefront events: listings of the WooCommerce store, webhook
orders that became sales (one of them cancelled afterwards) and a few in
*Needs Attention* (an unmapped product, a currency the company lacks).

Runs after the rest of the demo is committed: the events go through the
real processing (``event_process.drain``), which opens its own
transactions.
"""
import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.pool import Pool

CENT = Decimal('0.01')
SALES = 4  # webhook orders that become sales (one then cancelled)


def build(database, pool, log):
    "Skipped for a demo without order history (test and bench databases)"
    from trytond.modules.ecom_orders.event_process import drain
    from trytond.transaction import Transaction
    count = 0
    for step in [_events, _cancellation]:
        with Transaction().start(database, 0) as transaction:
            company_id = pool.get('company.company').search([])[0].id
            with transaction.set_context(company=company_id, language='en'):
                count += step(pool)
            transaction.commit()
        drain(database)
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
    products = [products[i % len(products)] for i in range(4)]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    orders = []
    for i in range(SALES):  # mapped, without SKU: sales
        orders.append(('order.created',
                _woo(9100 + i, products[i], 7000 + i, now, i)))
    # a product nobody has mapped (storefront product 7099)
    orders.append(('order.created', _woo(9110, products[0], 7099, now, 5)))
    # a currency the company does not have yet
    orders.append(('order.created',
            dict(_woo(9111, products[1], 7001, now, 6), currency='USD')))
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
