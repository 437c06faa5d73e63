"""Recommendations over real HTTP (mixed into the intake HTTP test: its demo
database, where tests/intake_fixture.py made two association rules for the
first SKU: the second SKU, and an unpublished product with a higher
lift)."""
import json


class RecommendationsHTTPTests:
    "POST …/cart answers recommendations; GET …/products/<sku>/recommendations"

    def test_cart_recommends_what_goes_with_its_lines(self):
        "The cart's recommendations: published, in stock, not in the cart"
        first, second, _ = sorted(self.fx['skus'])
        status, answer = self.post(f"{self.fx['app']}/cart", {
                'currency': 'EUR',
                'lines': [{'sku': first, 'quantity': 1}]},
            {'Authorization': f"Bearer {self.fx['app_key']}"})
        self.assertEqual(status, 200, answer)
        self.assertEqual([r['sku'] for r in answer['recommendations']],
            [second])
        self.assertGreater(answer['recommendations'][0]['available'], 0)
        # what the cart holds is not recommended again
        status, answer = self.post(f"{self.fx['app']}/cart", {
                'currency': 'EUR', 'lines': [
                    {'sku': first, 'quantity': 1},
                    {'sku': second, 'quantity': 1}]},
            {'Authorization': f"Bearer {self.fx['app_key']}"})
        self.assertEqual((status, answer['recommendations']), (200, []))

    def test_product_recommendations(self):
        "Per product for its page; unknown SKU 404, other channel 403"
        first, second, third = sorted(self.fx['skus'])
        code, headers, body = self.content_get(
            f'/products/{first}/recommendations')
        self.assertEqual(code, 200, body)
        answer = json.loads(body)
        self.assertEqual([i['sku'] for i in answer['items']], [second])
        self.assertTrue(answer['items'][0]['url'].endswith(
                answer['items'][0]['slug']))
        self.assertEqual(self.content_get(
                f'/products/{first}/recommendations',
                headers={'If-None-Match': headers['ETag']})[0], 304)
        self.assertEqual(self.content_json(
                f'/products/{third}/recommendations')['items'], [])
        self.assert_content_error('/products/NOPE-1/recommendations', 404,
            'sku')
        self.assert_content_error(f'/products/{self.fx["hold_sku"]}/'
            'recommendations', 404, 'sku')
        self.assert_content_error(f'/products/{first}/recommendations', 403,
            'channel', channel=self.fx['other'])
