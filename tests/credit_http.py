"""B2B orders on account racing for one customer's credit limit, over real
HTTP (mixed into the intake HTTP test: its demo database, server and
fixture SKUs; ecom_b2b is part of the demo's modules)."""
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

ROUNDS = 3


class CreditHTTPTests:
    "POST …/orders on account, at the same time, for one B2B customer"

    def b2b_customer(self, limit):
        "A new customer with an email and a credit limit; its email"
        email = f'buyer-{uuid.uuid4().hex[:8]}@b2b.example'
        context = {'company': self.fx['company']}
        party, = self.rpc('model.party.party.create', [{
                    'name': f"Werkstatt {email[6:14]}",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email', 'value': email}])],
                    }], context)
        self.rpc('model.party.party.write', [party],
            {'credit_limit_amount': {'__class__': 'Decimal',
                    'decimal': str(limit)}}, context)
        return email

    def test_credit_limit_holds_under_concurrent_orders(self):
        """Three orders on account at once, each within the limit, any two
        over it: one is taken, two refused naming the customer, every
        round (each order another product: the stock reservation lock
        does not put them in turn)"""
        from tests.orders_http import totals
        skus = list(self.fx['skus'].items())[:3]
        # quantities that make the orders about the same amount: [a, 1.1 a]
        target = 10 * max(Decimal(price) for _, price in skus)
        lines = [(sku, math.ceil(target / Decimal(price)), price)
            for sku, price in skus]
        untaxed = [totals([(q, p)], Decimal('4.90'))[0] for _, q, p in lines]
        low = sorted(untaxed)
        self.assertGreater(low[0] + low[1], max(untaxed))
        for _ in range(ROUNDS):
            email = self.b2b_customer(max(untaxed))
            orders = [self.order(lines=[line],
                    customer={'email': email, 'name': "Werkstatt"},
                    payment={'status': 'pending'}) for line in lines]
            with ThreadPoolExecutor(len(orders)) as pool:
                answers = list(pool.map(self.post_generic, orders))
            codes = sorted(code for code, _ in answers)
            self.assertEqual(codes, [201, 422, 422], answers)
            for code, answer in answers:
                if code == 422:
                    self.assertEqual(answer['code'], 'credit_limit', answer)
                    self.assertEqual(
                        answer['errors'][0]['field'], 'customer', answer)
            self.assertEqual(self.count('sale.sale', [
                        ('party.contact_mechanisms.value', '=', email)]), 1)
