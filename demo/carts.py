"""Demo: carts the storefront priced for customers who gave their email
(E-commerce > Orders > Abandoned Carts, Reports > Abandoned Carts): some
left, some recovered by a later order, some ordered at once, two still
open. Chosen from the lists in order, not drawn: the rest of the demo
stays what the seed makes it."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

TAX = Decimal('1.21')


def build(data, log):
    pool = Pool()
    Cart = pool.get('ecom.cart')
    Sale = pool.get('sale.sale')
    channel = data['channels'][0][0]
    company = data['company']
    products = data['products'][:8]
    customers = [c for c in data['customers'] if c.email][:8]
    now = dt.datetime.now().replace(microsecond=0)
    sales = Sale.search([('ecom_channel', '=', channel.id),
            ('state', 'in', ['processing', 'done']),
            ('party.contact_mechanisms.type', '=', 'email')],
        order=[('sale_date', 'DESC'), ('id', 'DESC')], limit=5)

    def cart(i, email, party, **values):
        lines = [{'sku': p.code, 'quantity': Decimal(1 + (i + k) % 2),
                'unit_price': data['prices'][p.id]}
            for k, p in enumerate(products[i % 6:i % 6 + 2])]
        for line in lines:
            line['amount'] = line['quantity'] * line['unit_price']
        total = sum(l['amount'] for l in lines) * TAX
        return dict({'company': company.id, 'channel': channel.id,
                'token': f'demo-cart-{i}', 'email': email,
                'party': party.id, 'currency': company.currency.id,
                'accepts_marketing': i % 3 != 0,
                'total': total.quantize(Decimal('0.01')),
                'lines': [('create', lines)]}, **values)
    values = []
    for i, customer in enumerate(customers[:6]):
        left = now - dt.timedelta(hours=5 * (i + 1))
        values.append(cart(i, customer.email, customer, state='abandoned',
                abandoned_at=left, last_seen=left - dt.timedelta(hours=1)))
    for i, sale in enumerate(sales):
        ordered = dt.datetime.combine(sale.sale_date, dt.time(12))
        recovered = i < 3
        values.append(cart(6 + i, sale.party.email, sale.party,
                state='recovered' if recovered else 'converted',
                abandoned_at=(ordered - dt.timedelta(hours=20)
                    if recovered else None),
                last_seen=ordered - dt.timedelta(
                    hours=21 if recovered else 0, minutes=20),
                sale=sale.id, order_total=sale.total_amount))
    for i, customer in enumerate(customers[6:8]):
        values.append(cart(11 + i, customer.email, customer, state='open',
                last_seen=now - dt.timedelta(minutes=10 * (i + 1))))
    Cart.create(values)
    log(f"{len(values)} carts with an email: abandoned, recovered, open")
