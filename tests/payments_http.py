"""Gateway transactions over real HTTP (mixed into the intake HTTP test so
that they share its demo database and server)."""
import uuid
from decimal import Decimal


class PaymentsHTTPTests:
    "POST /<db>/ecom/v1/channels/<id>/payments and the intake's captures"

    def post_payment(self, payment, key=None, channel=None):
        return self.post(f"{channel or self.fx['app']}/payments", payment,
            {'Authorization': f"Bearer {key or self.fx['app_key']}"})

    def payment(self, order=None, **changes):
        payment = {
            'reference': f'pi_{uuid.uuid4().hex[:12]}',
            'order': order['external_id'] if order else 'none',
            'kind': 'capture', 'status': 'succeeded',
            'amount': order['totals']['total'] if order else '10.00',
            'currency': 'EUR', 'gateway': 'stripe',
            'date': '2026-01-15T10:00:00+01:00',
            }
        payment.update(changes)
        return payment

    def transactions(self, reference):
        return self.rpc('model.ecom.payment.transaction.search_read',
            [('reference', '=', reference)], 0, None, None,
            ['state', 'sale', 'invoice', 'amount', 'note', 'kind'], {})

    def test_paid_order_capture_reconciled(self):
        "The intake records the capture; posting the invoice pays it"
        order = self.order()
        reference = order['payment']['reference']
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        transaction, = self.transactions(reference)
        self.assertEqual(transaction['state'], 'reconciled',
            transaction['note'])
        self.assertEqual(transaction['sale'], answer['sale']['id'])
        invoice, = self.read('account.invoice', [transaction['invoice']],
            ['state', 'amount_to_pay'])
        self.assertEqual(invoice['state'], 'paid')
        # The storefront reports it again: nothing new, same transaction.
        code, again = self.post_payment(self.payment(order,
                reference=reference))
        self.assertEqual(code, 200, again)
        self.assertEqual((again['status'], again['transaction']),
            ('duplicate', transaction['id']))
        self.assertEqual(len(self.transactions(reference)), 1)

    def test_capture_reported_later_pays_invoice(self):
        "A pending order's capture, reported by the API, posts and pays"
        order = self.order(payment={'status': 'pending'})
        _, answer = self.post_generic(order)
        code, result = self.post_payment(self.payment(order))
        self.assertEqual(code, 201, result)
        self.assertEqual(result['state'], 'reconciled', result)
        sale, = self.read('sale.sale', [answer['sale']['id']],
            ['invoices', 'ecom_payment_state'])
        self.assertEqual(sale['ecom_payment_state'], 'paid')
        invoice, = self.read('account.invoice', sale['invoices'], ['state'])
        self.assertEqual(invoice['state'], 'paid')

    def test_refund_waits_for_credit_note(self):
        order = self.order()
        _, answer = self.post_generic(order)
        code, refund = self.post_payment(self.payment(order, kind='refund',
                amount='5.00'))
        self.assertEqual(code, 201, refund)
        self.assertEqual(refund['state'], 'waiting', refund)
        self.assertEqual(refund['order'], answer['sale']['number'])
        self.assertIn("to be posted", refund['note'])

    def test_amount_mismatch_to_reconcile(self):
        "A capture short of the invoice: the invoice stays unpaid"
        order = self.order(payment={'status': 'pending'})
        _, answer = self.post_generic(order)
        short = Decimal(order['totals']['total']) - Decimal('1.00')
        code, result = self.post_payment(self.payment(order,
                amount=str(short)))
        self.assertEqual(code, 201, result)
        self.assertEqual(result['state'], 'to_reconcile', result)
        self.assertIn(f"{short}", result['note'].replace(',', '.'))
        sale, = self.read('sale.sale', [answer['sale']['id']],
            ['invoices', 'ecom_payment_state'])
        self.assertEqual(sale['ecom_payment_state'], 'pending')
        invoice, = self.read('account.invoice', sale['invoices'], ['state'])
        self.assertEqual(invoice['state'], 'draft')

    def test_capture_before_order_is_linked_later(self):
        "Reported before its order arrives, matched when it does"
        order = self.order()
        payment = self.payment(order,
            reference=order['payment']['reference'])
        code, early = self.post_payment(payment)
        self.assertEqual(code, 201, early)
        self.assertEqual(early['state'], 'to_reconcile')
        self.assertIn(order['external_id'], early['note'])
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        transaction, = self.transactions(payment['reference'])
        self.assertEqual(transaction['sale'], answer['sale']['id'])
        self.assertEqual(transaction['state'], 'reconciled')

    def test_unknown_gateway_to_reconcile(self):
        order = self.order(payment={'status': 'pending'})
        self.post_generic(order)
        code, result = self.post_payment(self.payment(order,
                gateway='klarna'))
        self.assertEqual(code, 201, result)
        self.assertEqual(result['state'], 'to_reconcile')
        self.assertIn('"klarna"', result['note'])

    def test_pending_payment_ignored(self):
        before = self.count('ecom.payment.transaction')
        code, result = self.post_payment(self.payment(status='pending'))
        self.assertEqual((code, result['status']), (200, 'ignored'))
        self.assertEqual(self.count('ecom.payment.transaction'), before)

    def test_bad_payment_writes_nothing(self):
        "Every bad field named at once; nothing recorded"
        before = self.count('ecom.payment.transaction')
        code, result = self.post_payment(self.payment(reference=None,
                amount='-3', kind='chargeback', currency='EURO',
                date='yesterday'))
        self.assertEqual(code, 422, result)
        fields = {e['field'] for e in result['errors']}
        self.assertEqual(fields,
            {'reference', 'amount', 'kind', 'currency', 'date'})
        self.assertTrue(all(e['reason'] for e in result['errors']))
        code, result = self.post_payment(self.payment(currency='XYZ'))
        self.assertEqual((code, result['errors'][0]['field']),
            (422, 'currency'))
        self.assertEqual(self.count('ecom.payment.transaction'), before)

    def test_payment_key_of_other_channel(self):
        before = self.count('ecom.payment.transaction')
        code, result = self.post_payment(self.payment(),
            key=self.fx['other_key'])
        self.assertEqual((code, result['errors'][0]['field']),
            (403, 'channel'))
        code, _ = self.post_payment(self.payment(), key='ek_0_forged')
        self.assertEqual(code, 401)
        self.assertEqual(self.count('ecom.payment.transaction'), before)
