"""Storefront feeds over real HTTP (mixed into the intake HTTP test so that
they share its demo database and server)."""
import json
import urllib.error
import urllib.request
from decimal import Decimal

from lxml import etree

GOOGLE = '{http://base.google.com/ns/1.0}'


class FeedsHTTPTests:
    "GET …/availability and …/merchant.xml of a channel's web shop"

    def get(self, path, headers=None, key=None):
        request = urllib.request.Request(
            f'{self.server.url}{self.database}/ecom/v1/channels/{path}',
            headers={'Authorization': f"Bearer {key or self.fx['app_key']}",
                **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def shop(self):
        channel, = self.read('ecom.channel', [self.fx['app']], ['shop'])
        return channel['shop']

    def test_availability_feed_paged_with_etag(self):
        "Published SKUs with price and stock, paged; 304 on the same ETag"
        app = self.fx['app']
        code, headers, body = self.get(f'{app}/availability?per_page=2')
        self.assertEqual(code, 200, body)
        page = json.loads(body)
        self.assertEqual((page['page'], page['per_page']), (1, 2))
        self.assertGreaterEqual(page['total'], len(self.fx['skus']))
        self.assertEqual(page['pages'], (page['total'] + 1) // 2)
        self.assertEqual(len(page['items']), 2)
        skus = [i['sku'] for i in page['items']]
        self.assertEqual(skus, sorted(skus))
        for item in page['items']:
            self.assertEqual(item['currency'], 'EUR')
            self.assertGreaterEqual(item['available'], 0)
            self.assertEqual(item['in_stock'], item['available'] > 0)
            Decimal(item['price'])

        everything = []
        for number in range(1, page['pages'] + 1):
            _, _, body = self.get(
                f'{app}/availability?per_page=2&page={number}')
            everything += json.loads(body)['items']
        prices = {i['sku']: Decimal(i['price']) for i in everything}
        self.assertEqual(len(prices), page['total'])
        for sku, price in self.fx['skus'].items():
            self.assertEqual(prices[sku], Decimal(price), sku)

        tag = headers['ETag']
        code, again, body = self.get(f'{app}/availability?per_page=2',
            {'If-None-Match': tag})
        self.assertEqual((code, body, again['ETag']), (304, b'', tag))
        _, other, _ = self.get(f'{app}/availability?per_page=2&page=2')
        self.assertNotEqual(other['ETag'], tag)

    def test_availability_feed_refuses_bad_requests(self):
        "Bad paging and wrong keys get a JSON error naming the field"
        app = self.fx['app']
        cases = [
            (f'{app}/availability?per_page=5000', None, 400, 'per_page'),
            (f'{app}/availability?page=0', None, 400, 'page'),
            (f'{app}/availability?group=nobody', None, 400, 'group'),
            (f'{app}/availability', 'ek_deadbeef_nope', 401,
                'Authorization'),
            (f"{self.fx['other']}/availability", None, 403, 'channel'),
            ]
        for path, key, status, field in cases:
            code, _, body = self.get(path, key=key)
            self.assertEqual(code, status, (path, body))
            errors = json.loads(body)['errors']
            self.assertEqual(errors[0]['field'], field, body)

    def test_merchant_feed(self):
        "Google Merchant XML: one item per published SKU, linked by slug"
        app, shop = self.fx['app'], self.shop()
        self.rpc('model.web.shop.write', [shop],
            {'ecom_product_url': None}, {})
        code, _, body = self.get(f'{app}/merchant.xml')
        self.assertEqual(code, 409, body)
        self.assertEqual(json.loads(body)['errors'][0]['field'], 'web shop')

        self.rpc('model.web.shop.write', [shop], {
                'ecom_product_url': 'https://shop.example/p/{slug}'}, {})
        code, headers, body = self.get(f'{app}/merchant.xml')
        self.assertEqual(code, 200, body)
        self.assertEqual(headers['Content-Type'], 'application/xml')
        channel = etree.fromstring(body).find('channel')
        items = {i.findtext(GOOGLE + 'id'): i
            for i in channel.findall('item')}
        _, _, page = self.get(f'{app}/availability?per_page=1000')
        feed = {i['sku']: i for i in json.loads(page)['items']}
        self.assertEqual(set(items), set(feed))
        for sku, item in items.items():
            self.assertEqual(item.findtext(GOOGLE + 'price'),
                f"{feed[sku]['price']} EUR")
            self.assertEqual(item.findtext(GOOGLE + 'availability'),
                'in_stock' if feed[sku]['in_stock'] else 'out_of_stock')
            self.assertEqual(item.findtext(GOOGLE + 'link'),
                f"https://shop.example/p/{feed[sku]['slug']}")
        code, _, _ = self.get(f'{app}/merchant.xml',
            {'If-None-Match': headers['ETag']})
        self.assertEqual(code, 304)
