"""Returns opened by the storefront over real HTTP (mixed into the intake
HTTP test, sharing its demo database and server)."""
import json
import urllib.error
import urllib.request
import uuid


class ReturnsHTTPTests:
    "POST /<db>/ecom/v1/channels/<id>/returns"

    def post_return(self, data):
        return self.post(f"{self.fx['app']}/returns", data,
            {'Authorization': f"Bearer {self.fx['app_key']}"})

    def ordered(self):
        "A placed order and its first SKU (2 units)"
        order = self.order()
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        return order, order['lines'][0]['sku']

    def rma(self, order, lines, **changes):
        return dict({'reference': f'R-{uuid.uuid4().hex[:8]}',
                'order': order['external_id'], 'note': "Too small",
                'lines': lines}, **changes)

    def test_return_opened_once(self):
        order, sku = self.ordered()
        data = self.rma(order, [{'sku': sku, 'quantity': 1,
                    'reason': 'size_fit'}])
        code, answer = self.post_return(data)
        self.assertEqual(code, 201, answer)
        self.assertEqual((answer['status'], answer['state']),
            ('opened', 'waiting'))
        complaint, = self.read('sale.complaint', [answer['return']],
            ['origin', 'reference', 'actions', 'ecom_channel'])
        self.assertEqual(complaint['origin'],
            f"sale.sale,{self.sale_id(order)}")
        self.assertEqual(complaint['ecom_channel'], self.fx['app'])
        line, = self.rpc('model.sale.complaint.action-sale.line.search_read',
            [('action', 'in', complaint['actions'])], 0, None, None,
            ['quantity', 'ecom_reason'], {})
        self.assertEqual((line['quantity'], line['ecom_reason']),
            (1.0, 'size_fit'))
        code, again = self.post_return(data)
        self.assertEqual((code, again['status'], again['return']),
            (200, 'duplicate', answer['return']))

    def test_return_above_sold_refused(self):
        "2 sold: 1 returned, then 2 more is refused and writes nothing"
        order, sku = self.ordered()
        code, _ = self.post_return(self.rma(order, [{'sku': sku,
                        'quantity': 1, 'reason': 'damaged'}]))
        self.assertEqual(code, 201)
        before = self.count('sale.complaint')
        code, answer = self.post_return(self.rma(order, [{'sku': sku,
                        'quantity': 2, 'reason': 'damaged'}]))
        self.assertEqual(code, 422, answer)
        error, = answer['errors']
        self.assertEqual(error['field'], 'lines[0].quantity')
        self.assertEqual(error['reason'], "2 is more than the 1 left to return")
        self.assertEqual(self.count('sale.complaint'), before)

    def test_bad_return_names_fields(self):
        order, sku = self.ordered()
        before = self.count('sale.complaint')
        code, answer = self.post_return(self.rma(order, [
                    {'sku': sku, 'quantity': 0, 'reason': 'bored'},
                    {'quantity': 1}], reference=None))
        self.assertEqual(code, 422, answer)
        self.assertEqual({e['field'] for e in answer['errors']}, {
                'reference', 'lines[0].quantity', 'lines[0].reason',
                'lines[1].sku', 'lines[1].reason'})
        code, answer = self.post_return(self.rma(order, [
                    {'sku': 'NOT-ON-ORDER', 'quantity': 1,
                        'reason': 'damaged'}]))
        self.assertEqual((code, answer['errors'][0]['field']),
            (422, 'lines[0].sku'))
        code, answer = self.post_return(self.rma(
                dict(order, external_id='unknown-order'),
                [{'sku': sku, 'quantity': 1, 'reason': 'damaged'}]))
        self.assertEqual((code, answer['errors'][0]['field']),
            (422, 'order'))
        self.assertEqual(self.count('sale.complaint'), before)

    def sale_id(self, order):
        sale, = self.rpc('model.sale.sale.search',
            [('ecom_external_id', '=', order['external_id'])], 0, None,
            None, {})
        return sale

    def get_status(self, external_id, key=None, channel=None):
        request = urllib.request.Request(
            f"{self.server.url}{self.database}/ecom/v1/channels/"
            f"{channel or self.fx['app']}/orders/{external_id}",
            headers={'Authorization': f"Bearer {key or self.fx['app_key']}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def test_order_status_for_the_account_page(self):
        "GET …/orders/<id>: state, payment, fulfilment, shipments, returns"
        order, sku = self.ordered()
        data = self.rma(order, [{'sku': sku, 'quantity': 1,
                    'reason': 'size_fit'}])
        code, answer = self.post_return(data)
        self.assertEqual(code, 201, answer)
        code, status = self.get_status(order['external_id'])
        self.assertEqual(code, 200, status)
        self.assertEqual(status['sale']['id'], self.sale_id(order))
        self.assertEqual((status['state'], status['payment'],
                status['fulfilment'], status['currency'], status['total']),
            ('processing', 'paid', 'to_prepare', 'EUR',
                order['totals']['total']))
        shipment, = status['shipments']
        self.assertEqual(shipment['state'], 'waiting')
        self.assertTrue(status['due'].endswith('Z'))
        self.assertEqual([(r['reference'], r['state'])
                for r in status['returns']], [(data['reference'], 'waiting')])
        code, missing = self.get_status('no-such-order')
        self.assertEqual((code, missing['errors'][0]['field']),
            (404, 'external_id'))
        code, other = self.get_status(order['external_id'],
            key=self.fx['other_key'])
        self.assertEqual((code, other['errors'][0]['field']),
            (403, 'channel'))
