"""Demo: card payments operated from the back office (ecom_stripe). The
shops' own app takes cards with Stripe (test mode, the simulator `make demo`
serves beside trytond, its account kept in ``<db>.stripe.json``): its
gateway ``stripe`` has the *Stripe Journal* (accounting: the Stripe
account's keys). A few returning customers price their cart (cart API), their card is
authorised for that total and the order sent *authorized* (order API, over
the same routes a storefront calls): one shipped during the build is
captured and paid; the others wait under *E-commerce > Orders > Card
Payments*, tab *Authorized*, captured when staff mark their shipment done.

Runs after the rest of the demo is committed (the routes open their own
transactions and run the queued captures after them)."""
import json
import os

from trytond import config

ORDERS = 3


def build(database, pool, log):
    from trytond.modules.ecom_stripe.stripe_api import STRIPE_API_BASE
    from trytond.modules.ecom_stripe.tests.stripe_simulator import Simulator
    from trytond.transaction import Transaction
    folder = config.get('database', 'path')
    state = os.path.join(folder, f'{database}.stripe.json')
    if os.path.exists(state):
        os.remove(state)
    stripe = Simulator('sk_test_demo', state=state)
    before = config.get('ecom_stripe', 'api_base')
    try:
        stripe.configure()
        with Transaction().start(database, 0) as transaction:
            company_id = pool.get('company.company').search([])[0].id
            with transaction.set_context(company=company_id, language='en'):
                channel_id, checkouts = _setup(pool)
            transaction.commit()
        with open(os.path.join(folder, f'{database}.api-key')) as file:
            _, key = file.read().split()
        sales = [_order(database, channel_id, key, stripe, i, sku, customer)
            for i, (sku, customer) in enumerate(checkouts)]
        from trytond.worker import run_task

        from .build_demo import LOCKED_TABLES
        shipped = [s for s in sales if s][:1]
        with Transaction().start(database, 0,
                _lock_tables=list(LOCKED_TABLES)) as transaction:
            with transaction.set_context(company=company_id, language='en'):
                _ship(pool, shipped)
            transaction.commit()
            tasks = list(transaction.tasks)
        # what trytond runs after the request that marked it done, and
        # the tasks those queue (the invoice paid, the order processed)
        while tasks:
            for task_id in tasks:
                run_task(pool, task_id)
            with Transaction().start(database, 0, readonly=True):
                tasks = [t.id for t in pool.get('ir.queue').search([
                            ('id', '>', max(tasks)),
                            ('dequeued_at', '=', None)])]
        with Transaction().start(database, 0, readonly=True):
            captured = pool.get('account.payment').search_count([
                    ('ecom_sale', 'in', shipped),
                    ('state', '=', 'succeeded')])
    finally:
        stripe.stop()
        config.set('ecom_stripe', 'api_base', before or STRIPE_API_BASE)
    log(f"card payments: {sum(1 for s in sales if s)} authorised through "
        f"Stripe, {captured} captured at shipping")


def _setup(pool):
    Account = pool.get('account.payment.stripe.account')
    Journal = pool.get('account.payment.journal')
    Channel = pool.get('ecom.channel')
    Gateway = pool.get('ecom.channel.gateway')
    Product = pool.get('product.product')
    channel, = Channel.search([('kind', '=', 'generic')], limit=1)
    account, = Account.create([{'name': "Stripe (test mode)",
                'secret_key': 'sk_test_demo',
                'publishable_key': 'pk_test_demo'}])
    journal, = Journal.create([{'name': "Stripe",
                'company': channel.company.id,
                'currency': channel.company.currency.id,
                'process_method': 'stripe', 'stripe_account': account.id}])
    Gateway.write([channel.gateway('stripe')], {'stripe_journal': journal.id})
    products = Product.search([('code', '!=', None),
            ('type', '=', 'goods'), ('salable', '=', True)],
        order=[('id', 'ASC')], limit=ORDERS * 4)
    # returning customers of the shop, in Spain
    Party = pool.get('party.party')
    customers = [p for p in Party.search([
                ('contact_mechanisms.type', '=', 'email'),
                ('addresses.country.code', '=', 'ES'),
                ], order=[('id', 'ASC')], limit=ORDERS * 3)][::3]
    return channel.id, [(p.code, _customer(c))
        for p, c in zip(products[::4], customers)]


def _customer(party):
    address = next(a for a in party.addresses
        if a.country and a.country.code == 'ES')
    return party.email, {'name': party.name, 'street': address.street,
        'city': address.city, 'postal_code': address.postal_code,
        'country': 'ES'}


def _order(database, channel_id, key, stripe, i, sku, customer):
    "A customer's checkout: cart priced, card authorised, order sent"
    from trytond.wsgi import app
    from werkzeug.test import Client
    client = Client(app)
    headers = {'Authorization': f'Bearer {key}'}
    base = f'/{database}/ecom/v1/channels/{channel_id}'
    lines = [{'sku': sku, 'quantity': 1}]
    cart = client.post(f'{base}/cart', headers=headers, json={
            'currency': 'EUR', 'destination': {'country': 'ES'},
            'lines': lines, 'shipping': {'amount': '0.00'}}).get_json()
    if 'total' not in cart:
        return None
    intent = stripe.authorize(_cents(cart['total']))
    email, address = customer
    response = client.post(f'{base}/orders', headers=headers, json={
            'external_id': f'APP-CARD-{i + 1}', 'currency': 'EUR',
            'customer': {'email': email},
            'billing_address': address, 'shipping_address': address,
            'lines': [dict(l, unit_price=c['unit_price'])
                for l, c in zip(lines, cart['lines'])],
            'shipping': {'amount': '0.00'},
            'payment': {'status': 'authorized', 'reference': intent,
                'method': 'stripe'},
            'totals': {'total': cart['total']}})
    if response.status_code != 201:
        print(json.dumps(response.get_json()))
        return None
    return response.get_json()['sale']['id']


def _cents(amount):
    return int(amount.replace('.', ''))


def _ship(pool, sale_ids):
    "The first order leaves the warehouse: its capture is queued"
    Sale = pool.get('sale.sale')
    Shipment = pool.get('stock.shipment.out')
    shipments = [s for sale in Sale.browse(sale_ids) for s in sale.shipments]
    Shipment.assign_try(shipments)
    shipments = [s for s in shipments if s.state == 'assigned']
    Shipment.pick(shipments)
    Shipment.pack(shipments)
    Shipment.write(shipments, {'ecom_tracking_number': 'PQ4F2A0700012345'})
    Shipment.do(shipments)

