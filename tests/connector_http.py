"""The WooCommerce and Shopify connectors against store simulators over
real HTTP (mixed into the intake HTTP test, sharing its demo database and
server): webhooks dropped, the pull as backstop; stock pushed in batches."""
import time

from trytond.modules.ecom_connector.tests.shopify_simulator import (
    Simulator as ShopifySimulator,
)
from trytond.modules.ecom_connector.tests.woo_simulator import Simulator


class ConnectorHTTPTests:
    "ecom.channel ecom_sync (the cron's task) for a WooCommerce channel"

    def store(self, push_stock=False):
        "A simulated store the woo channel is connected to"
        store = Simulator(consumer_key='ck_http', consumer_secret='cs_http',
            webhook_url=(f"{self.server.url}{self.database}/ecom/v1/"
                f"channels/{self.fx['woo']}/woocommerce"),
            webhook_secret=self.fx['woo_secret'])
        self.addCleanup(store.stop)
        self.rpc('model.ecom.channel.write', [self.fx['woo']], {
                'ecom_api_url': store.url, 'ecom_api_key': 'ck_http',
                'ecom_api_secret': 'cs_http', 'ecom_pull_watermark': None,
                'ecom_push_stock': push_stock}, {})
        return store

    def shopify_store(self, push_stock=False):
        "A simulated Shopify store (21 % IVA, EUR) the shopify channel uses"
        store = ShopifySimulator(token='shpat_http', tax_rate='0.21',
            tax_title="IVA", currency='EUR', address={
                'city': "Madrid", 'province_code': "M", 'zip': "28013",
                'country_code': "ES"},
            webhook_url=(f"{self.server.url}{self.database}/ecom/v1/"
                f"channels/{self.fx['shopify']}/shopify"),
            webhook_secret=self.fx['shopify_secret'])
        self.addCleanup(store.stop)
        self.rpc('model.ecom.channel.write', [self.fx['shopify']], {
                'ecom_api_url': store.url, 'ecom_api_secret': 'shpat_http',
                'ecom_pull_watermark': None, 'ecom_push_stock': push_stock},
            {})
        self.addCleanup(self.rpc, 'model.ecom.channel.write',
            [self.fx['shopify']], {'ecom_push_stock': False}, {})
        return store

    def sync(self, channel='woo'):
        self.rpc('model.ecom.channel.ecom_sync', [self.fx[channel]], {})

    def settled(self, external_ids, timeout=300, channel='woo'):
        "The sales of these storefront orders once no event is pending"
        deadline = time.monotonic() + timeout
        while self.count('ecom.storefront.event', [
                    ('channel', '=', self.fx[channel]),
                    ('external_id', 'in', external_ids),
                    ('state', '=', 'received')]) and (
                time.monotonic() < deadline):
            time.sleep(0.3)
        return self.rpc('model.sale.sale.search_read', [
                ('ecom_channel', '=', self.fx[channel]),
                ('ecom_external_id', 'in', external_ids)], 0, None, None,
            ['ecom_external_id'], {})

    def test_shopify_pull_and_stock(self):
        """Shopify: 30 orders, 10 webhooks lost, one pull: 30 sales once
        each; 600 variants' stock in 3 lookups and 3 GraphQL sets"""
        store = self.shopify_store(push_stock=True)
        sku, price = next(iter(self.fx['skus'].items()))
        orders = [store.new_order([(0, 0, sku, 1, price)],
                f'shop{i}@example.com', financial_status='pending')
            for i in range(30)]
        for i, order in enumerate(orders):
            if i % 3:  # Shopify gave up on every third delivery
                self.assertEqual(store.deliver(order), 202)
        ids = [str(o['id']) for o in orders]
        self.assertEqual(len(self.settled(ids, channel='shopify')), 20)
        products = self.rpc('model.product.product.search',
            [('code', 'in', list(self.fx['skus']))], 0, None,
            [('code', 'ASC')], {})
        variants = [700000 + i for i in range(600)]
        for variant in variants:
            store.add_variant(7000, variant)
        self.rpc('model.ecom.channel.listing.create', [{
                    'channel': self.fx['shopify'],
                    'storefront_product': '7000',
                    'storefront_variant': str(v),
                    'product': products[i % len(products)],
                    } for i, v in enumerate(variants)], {})
        store.faults.append((429, {'Retry-After': '0'}))
        self.sync('shopify')
        sales = self.settled(ids, channel='shopify')
        self.assertEqual(sorted(s['ecom_external_id'] for s in sales),
            sorted(ids))  # 30 sales, no duplicate
        self.assertEqual(store.calls, [('GET', 'orders.json')] * 2
            + [('POST', 'Locations')] + [('POST', 'InventoryItems')] * 3
            + [('POST', 'SetQuantities')] * 3)
        listings = self.rpc('model.ecom.channel.listing.search_read', [
                ('channel', '=', self.fx['shopify'])], 0, None, None,
            ['storefront_variant', 'ecom_pushed_quantity'], {})
        self.assertEqual(len(listings), 600)
        self.assertEqual(
            {l['storefront_variant']: l['ecom_pushed_quantity']
                for l in listings},
            {str(v): store.available(v) for v in variants})
        # the 10 pulled orders became sales after that sync: the next one
        # sets the listings of their product only
        sold, = self.rpc('model.product.product.search',
            [('code', '=', sku)], 0, None, None, {})
        changed = sum(1 for i in range(600)
            if products[i % len(products)] == sold)
        store.calls.clear()
        self.sync('shopify')
        self.assertEqual(store.calls, [('GET', 'orders.json')]
            + [('POST', 'SetQuantities')] * -(-changed // 250))

    def test_pull_recovers_dropped_webhooks(self):
        "100 orders, 20 webhooks dropped: after one pull, 100 sales, once each"
        store = self.store()
        sku, price = next(iter(self.fx['skus'].items()))
        # pending: what is measured is taking the orders, not posting and
        # reconciling 100 invoices (the scenario covers a paid pull)
        orders = [store.new_order([(0, 0, sku, 1, price)],
                f'pull{i}@example.com', status='pending') for i in range(100)]
        for i, order in enumerate(orders):
            if i % 5:  # every fifth webhook never arrives
                self.assertEqual(store.deliver(order), 202)
        ids = [str(o['id']) for o in orders]
        self.assertEqual(len(self.settled(ids)), 80)
        self.sync()
        sales = self.settled(ids)
        self.assertEqual(sorted(s['ecom_external_id'] for s in sales),
            sorted(ids))  # 100 sales, no duplicate
        self.assertEqual(store.calls.count(('GET', 'orders')), 1)
        pull, = self.rpc('model.ecom.channel.sync.search_read', [
                ('channel', '=', self.fx['woo']), ('kind', '=', 'pull')],
            0, 1, None, ['state', 'records', 'calls'], {})
        self.assertEqual((pull['state'], pull['records'], pull['calls']),
            ('done', 100, 1))
        self.assertFalse(store.webhook_disabled)

    def test_stock_push_batched(self):
        "1,000 listings: 10 batch calls; then only the changed ones again"
        store = self.store(push_stock=True)
        skus = list(self.fx['skus'])
        products = self.rpc('model.product.product.search',
            [('code', 'in', skus)], 0, None, [('code', 'ASC')], {})
        refs = [str(900000 + i) for i in range(1000)]
        for ref in refs:
            store.add_product(ref)
        self.rpc('model.ecom.channel.listing.create', [{
                    'channel': self.fx['woo'], 'storefront_product': ref,
                    'product': products[i % len(products)],
                    } for i, ref in enumerate(refs)], {})
        self.addCleanup(self.rpc, 'model.ecom.channel.write',
            [self.fx['woo']], {'ecom_push_stock': False}, {})
        store.faults.append((429, {'Retry-After': '1'}))
        self.sync()
        # the pull met the 429 and asked again; then 10 batches of 100
        self.assertEqual(store.calls, [('GET', 'orders')] * 2
            + [('POST', 'products/batch')] * 10)
        pushed = {p: store.products[int(r)]['stock_quantity']
            for r, p in zip(refs, [products[i % len(products)]
                    for i in range(1000)])}
        listings = self.rpc('model.ecom.channel.listing.search_read', [
                ('storefront_product', 'in', refs)], 0, None, None,
            ['product', 'ecom_pushed_quantity'], {})
        self.assertEqual({(l['product'], l['ecom_pushed_quantity'])
                for l in listings}, set(pushed.items()))
        store.calls.clear()
        self.sync()  # nothing changed
        self.assertEqual(store.calls, [('GET', 'orders')])
        # an order of the first SKU changes its quantity only
        first = products[0]
        code, _ = self.post_generic(self.order(lines=[
                    (skus[0], 1, self.fx['skus'][skus[0]])]))
        self.assertEqual(code, 201)
        store.calls.clear()
        self.sync()
        again = [r for r, p in zip(refs, [products[i % len(products)]
                    for i in range(1000)]) if p == first]
        self.assertEqual(store.calls, [('GET', 'orders')]
            + [('POST', 'products/batch')] * -(-len(again) // 100))
        self.assertEqual(
            {store.products[int(r)]['stock_quantity'] for r in again},
            {pushed[first] - 1})
