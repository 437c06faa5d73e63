"""Demo: the newsletter and the customers' marketing consents (a ledger:
most agreed at checkout, some withdrew later, some were never asked), and
a loyalty program whose points the past orders earned."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

TEXT_VERSION = 'news-2026-11'


def build(rng, shop, customers, log):
    pool = Pool()
    Consent = pool.get('ecom.customer.consent')
    List = pool.get('marketing.email.list')
    company = shop.company
    news, = List.create([{
                'name': "Alpine News", 'ecom_company': company.id,
                'ecom_text_version': TEXT_VERSION}])
    entries, subscribers = [], []
    now = dt.datetime.now()
    for customer in customers:
        email = customer.email
        if not email:
            continue
        draw = rng.random()
        if draw < 0.2:
            continue  # never asked
        agreed = now - dt.timedelta(days=rng.randint(20, 300))
        entries.append({
                'company': company.id, 'party': customer.id,
                'address': email, 'action': 'grant',
                'source': rng.choice(['checkout', 'checkout', 'form']),
                'text_version': TEXT_VERSION, 'recorded_at': agreed})
        subscribers.append({'email': email, 'list_': news.id,
                'active': True})
        if draw > 0.85:
            entries.append({
                    'company': company.id, 'party': customer.id,
                    'address': email, 'action': 'withdraw',
                    'source': 'staff', 'note': "Asked by phone",
                    'recorded_at': agreed + dt.timedelta(days=10)})
    Consent.create(entries)
    pool.get('marketing.email').create(subscribers)
    granted = len(Consent.consenting(
            company.id, 'email', [s['email'] for s in subscribers]))
    log(f"newsletter with {len(subscribers)} subscribers, {granted} "
        "consenting")
    accounts = create_loyalty(shop)
    log(f"loyalty program, {accounts} customers with points")


def create_loyalty(shop):
    "1 point per euro, 100 points = 1 euro; the past orders earn theirs"
    pool = Pool()
    Category = pool.get('product.category')
    Program = pool.get('ecom.loyalty.program')
    Sale = pool.get('sale.sale')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    category, = Category.search([('accounting', '=', True)], limit=1)
    discount, = Template.create([{
                'name': "Loyalty points discount", 'type': 'service',
                'salable': True, 'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(0), 'account_category': category.id,
                'products': [('create', [{}])]}])
    Program.create([{
                'name': "Alpine Points", 'company': shop.company.id,
                'earn_rate': Decimal(1), 'point_value': Decimal('0.01'),
                'expiry_days': 365, 'minimum_redeem': 100,
                'discount_product': discount.products[0].id}])
    Sale.ecom_earn_points(Sale.search([
                ('company', '=', shop.company.id),
                ('state', 'in', ['processing', 'done'])]))
    return pool.get('ecom.loyalty.account').search_count([
            ('balance', '>', 0)])
