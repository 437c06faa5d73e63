"""The cart-pricing API and the intake of a channel whose promotions the
back office prices, over real HTTP (mixed into the intake HTTP test: its
demo database and server). ``configure_promotions`` runs in the fixture
process and sets up the channel, the promotions and the coupons."""
import datetime
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from tests.server import execute_sql


def configure_promotions(pool, company, app, other_company):
    "A back-office priced channel and its promotions: fixture values"
    Channel = pool.get('ecom.channel')
    Template = pool.get('product.template')
    Product = pool.get('product.product')
    Promotion = pool.get('sale.promotion')
    Config = pool.get('sale.configuration')
    Shop = pool.get('web.shop')
    Date = pool.get('ir.date')
    account_category = app.shipping_product.template.account_category
    unit = app.shipping_product.default_uom
    discount, = Template.create([{
                'name': "Discount", 'type': 'service', 'salable': True,
                'default_uom': unit.id, 'sale_uom': unit.id,
                'list_price': Decimal(0),
                'account_category': account_category.id,
                'products': [('create', [{'suffix_code': 'DISCOUNT'}])]}])
    Config.write([Config(1)], {
            'ecom_discount_product': discount.products[0].id})
    # the demo's promotions are not these tests' concern
    Promotion.write(Promotion.search([('company', '=', company.id)]),
        {'active': False})
    channel, = Channel.create([{
                'name': "Promotions storefront", 'code': 'promo',
                'company': company.id, 'shop': app.shop.id,
                'shipping_product': app.shipping_product.id,
                'promotion_pricing': 'backoffice'}])
    outlet, = Shop.create([{'name': "Outlet", 'company': company.id,
                'currency': app.shop.currency.id}])
    products = Product.search([('code', 'like', '%-%-%')],
        order=[('code', 'ASC')], limit=3)
    campaign, pair, any_ = products
    today = Date.today()
    here = {'company': company.id, 'currency': company.currency.id,
        'ecom_shops': [('add', [channel.shop.id])]}

    def coupon(code, **dates):
        return [('create', [{'number_of_use': 0, 'company': company.id,
                        'numbers': [('create', [dict(number=code,
                                        company=company.id, **dates)])]}])]
    Promotion.create([
            dict(here, name="-20% campaign", ecom_kind='percent_lines',
                ecom_percentage=Decimal(20),
                products=[('add', [campaign.id])]),
            dict(here, name="2x1", ecom_kind='bxgy', ecom_buy=1, ecom_get=1,
                products=[('add', [pair.id])]),
            dict(here, name="Free shipping from 100",
                ecom_kind='free_shipping', amount=Decimal(100)),
            dict(here, name="TENOFF", ecom_kind='fixed_order',
                ecom_amount=Decimal(10), amount=Decimal(100),
                coupons=coupon('TENOFF')),
            dict(here, name="ONCE", ecom_kind='percent_order',
                ecom_percentage=Decimal(10), ecom_max_uses=1,
                coupons=coupon('ONCE')),
            dict(here, name="OLD", ecom_kind='percent_order',
                ecom_percentage=Decimal(50), coupons=coupon('OLD',
                    start_date=today - datetime.timedelta(days=30),
                    end_date=today - datetime.timedelta(days=1))),
            dict(here, name="OUTLET5", ecom_kind='fixed_order',
                ecom_amount=Decimal(5), ecom_shops=[('add', [outlet.id])],
                coupons=coupon('OUTLET5')),
            ])
    Promotion.create([{'name': "Other company's", 'company': other_company,
                'ecom_kind': 'percent_order', 'ecom_percentage': Decimal(50),
                'coupons': [('create', [{'company': other_company,
                                'number_of_use': 0,
                                'numbers': [('create', [{
                                                'number': 'OTHERCO',
                                                'company': other_company,
                                                }])]}])]}])
    return {'promo': channel.id, 'promo_key': channel.set_new_api_key(),
        'campaign_sku': campaign.code, 'pair_sku': pair.code,
        'any_sku': any_.code}


class PromotionsHTTPTests:
    "POST …/cart, and orders of a back-office priced channel"

    def post_cart(self, cart, key=None):
        return self.post(f"{self.fx['promo']}/cart", cart, {
                'Authorization': f"Bearer {key or self.fx['promo_key']}"})

    def post_promo(self, order):
        return self.post_generic(order, key=self.fx['promo_key'],
            channel=self.fx['promo'])

    def cart(self, lines, coupons=(), shipping='4.90', email=None):
        return {'customer': {'email': email or
                    f'{uuid.uuid4().hex[:8]}@example.com'},
            'lines': [{'sku': s, 'quantity': q} for s, q in lines],
            'coupons': list(coupons), 'destination': {'country': 'ES'},
            'shipping': {'amount': shipping}}

    def order_of(self, cart, priced):
        "The order a checkout posts after showing the priced cart"
        return self.order(
            lines=[(l['sku'], int(Decimal(l['quantity'])), l['unit_price'])
                for l in priced['lines']],
            shipping=priced['shipping']['amount'],
            customer=dict(self.order()['customer'],
                email=cart['customer']['email']),
            coupons=cart['coupons'],
            totals={'total': priced['total'], 'tax': priced['tax']})

    def price(self, sku):
        return Decimal(self.fx['skus'][sku])

    def test_cart_prices_as_the_intake(self):
        "Each cart's total is the order's and the invoice's, to the cent"
        fx = self.fx
        campaign, pair, any_ = (
            fx['campaign_sku'], fx['pair_sku'], fx['any_sku'])
        carts = [
            ([(any_, 1)], ()),
            ([(campaign, 1), (any_, 2)], ()),
            ([(pair, 3)], ()),
            ([(campaign, 2), (pair, 2), (any_, 1)], ('TENOFF',)),
            ([(any_, 30)], ('ONCE',)),  # its one use (see the race)
            ]
        for lines, coupons in carts:
            with self.subTest(lines=lines, coupons=coupons):
                before = self.footprint()
                cart = self.cart(lines, coupons)
                status, priced = self.post_cart(cart)
                self.assertEqual(status, 200, priced)
                self.assertEqual(self.footprint(), before)
                order = self.order_of(cart, priced)
                status, answer = self.post_promo(order)
                self.assertEqual(status, 201, answer)
                sale, = self.read('sale.sale', [answer['sale']['id']],
                    ['total_amount', 'tax_amount', 'invoices', 'lines'])
                self.assertEqual(sale['total_amount'],
                    Decimal(priced['total']))
                self.assertEqual(sale['tax_amount'], Decimal(priced['tax']))
                invoice, = self.read('account.invoice', sale['invoices'],
                    ['total_amount'])
                self.assertEqual(invoice['total_amount'],
                    sale['total_amount'])
                discounts = self.read('sale.line', sale['lines'],
                    ['ecom_discount', 'amount', 'promotion', 'description'])
                discounts = [l for l in discounts if l['ecom_discount']]
                self.assertEqual(
                    sum(-l['amount'] for l in discounts),
                    Decimal(priced['discount']))
                self.assertEqual(
                    sorted(l['description'].split(':')[0]
                        for l in discounts),
                    sorted(d['name'] for d in priced['discounts']))
                # the confirmed order keeps what applied (the cart's
                # discounts) among the promotions the intake weighed
                results = self.read('ecom.sale.promotion_result',
                    self.rpc('model.ecom.sale.promotion_result.search',
                        [('sale', '=', sale['id']), ('applied', '=', True)],
                        0, None, None, {}), ['name', 'amount'])
                self.assertEqual(
                    sorted((r['name'], r['amount']) for r in results),
                    sorted((d['name'], Decimal(d['amount']))
                        for d in priced['discounts']))
        # what the first carts must say, to the cent (VAT 21%)
        status, priced = self.post_cart(
            self.cart([(campaign, 1), (pair, 3)], shipping='4.90'))
        self.assertEqual(status, 200, priced)
        by_name = {d['name']: d for d in priced['discounts']}
        self.assertEqual(Decimal(by_name['-20% campaign']['amount']),
            (self.price(campaign) * Decimal('0.2')).quantize(Decimal('.01')))
        self.assertEqual(Decimal(by_name['2x1']['amount']),
            self.price(pair))
        self.assertIn("buy 1 get 1: 1 unit(s) free", by_name['2x1']['why'])
        goods = self.price(campaign) + 3 * self.price(pair)
        self.assertEqual(priced['subtotal'], str(goods))
        self.assertEqual(priced['shipping']['discount'],
            '4.90' if goods >= 100 else '0.00')
        self.assertEqual(Decimal(priced['untaxed']),
            goods + Decimal('4.90') - Decimal(priced['discount']))
        self.assertEqual(Decimal(priced['total']),
            Decimal(priced['untaxed']) + Decimal(priced['tax']))

    def test_free_shipping_and_why_not(self):
        "Free shipping from 100 of goods; below, the cart says why not"
        sku = self.fx['any_sku']
        many = int(100 // self.price(sku)) + 1
        status, priced = self.post_cart(self.cart([(sku, many)]))
        self.assertEqual(status, 200, priced)
        self.assertEqual(priced['shipping'], {'amount': '4.90',
                'discount': '4.90', 'net': '0.00'})
        status, priced = self.post_cart(self.cart([(sku, 1)]))
        self.assertEqual(status, 200, priced)
        self.assertEqual(priced['shipping']['net'], '4.90')
        reasons = {n['name']: n['reason'] for n in priced['not_applied']}
        self.assertIn("needs goods of 100.00",
            reasons['Free shipping from 100'])

    def test_cart_bad_input(self):
        "Each bad coupon or field is named with its reason; nothing written"
        sku = self.fx['any_sku']
        cases = [
            ('coupons[0]', "unknown coupon code 'NOPE'", ['NOPE']),
            ('coupons[0]', "expired on", ['OLD']),
            ('coupons[0]', "a coupon of another company", ['OTHERCO']),
            ('coupons[1]', "not offered in this web shop", ['TENOFF',
                    'OUTLET5']),
            ('coupons[0]', "needs goods of 100.00", ['TENOFF']),
            ]
        for field, reason, coupons in cases:
            with self.subTest(coupons=coupons):
                before = self.footprint()
                status, answer = self.post_cart(self.cart(
                        [(sku, 1 if 'OUTLET5' not in coupons else 10)],
                        coupons))
                self.assertEqual(status, 422, answer)
                errors = {e['field']: e['reason'] for e in answer['errors']}
                self.assertIn(reason, errors[field])
                self.assertEqual(self.footprint(), before)
        for cart, field in [
                ({'lines': []}, 'lines'),
                ({'lines': [{'sku': 'NOPE', 'quantity': 1}]}, 'lines[0].sku'),
                ({'lines': [{'sku': sku, 'quantity': 0}]},
                    'lines[0].quantity'),
                ({'lines': [{'sku': sku, 'quantity': 1}],
                        'coupons': [3]}, 'coupons[0]'),
                ({'lines': [{'sku': sku, 'quantity': 1}],
                        'destination': {'country': 'ZZ'}},
                    'destination.country'),
                ]:
            with self.subTest(cart=cart):
                status, answer = self.post_cart(cart)
                self.assertEqual(status, 422, answer)
                self.assertIn(field, [e['field'] for e in answer['errors']])
        status, _ = self.post_cart(self.cart([(sku, 1)]),
            key=self.fx['app_key'])
        self.assertEqual(status, 403)
        # the abandoned carts' fields; a refused cart is not kept
        carts = self.count('ecom.cart')
        good = self.cart([(sku, 1)])
        for cart, field in [
                (dict(good, customer=dict(good['customer'],
                            accepts_marketing='yes')),
                    'customer.accepts_marketing'),
                (dict(good, cart_token='t' * 101), 'cart_token'),
                (dict(good, cart_token=['t']), 'cart_token'),
                ]:
            with self.subTest(cart=cart):
                status, answer = self.post_cart(cart)
                self.assertEqual(status, 422, answer)
                self.assertEqual(
                    [e['field'] for e in answer['errors']], [field])
        self.assertEqual(self.count('ecom.cart'), carts)

    def test_cart_kept_until_its_order(self):
        "A cart with an email is kept, updated, and recovered by its order"
        sku = self.fx['any_sku']
        token = uuid.uuid4().hex
        cart = dict(self.cart([(sku, 1)]), cart_token=token)
        cart['customer']['accepts_marketing'] = True
        status, priced = self.post_cart(cart)
        self.assertEqual(status, 200, priced)
        kept = self.rpc('model.ecom.cart.search', [('token', '=', token)],
            0, None, None, {})
        self.assertEqual(len(kept), 1)
        # one more unit: the same cart, its new total
        cart['lines'] = [{'sku': sku, 'quantity': 2}]
        status, priced = self.post_cart(cart)
        self.assertEqual(status, 200, priced)
        found, = self.read('ecom.cart', kept, ['state', 'email', 'total',
                'accepts_marketing', 'lines', 'channel'])
        self.assertEqual(
            (found['state'], found['email'], found['total'],
                found['accepts_marketing'], len(found['lines']),
                found['channel']),
            ('open', cart['customer']['email'], Decimal(priced['total']),
                True, 1, self.fx['promo']))
        # nobody prices it for an hour: the task marks it abandoned
        execute_sql(self.database, self.env, "UPDATE ecom_cart SET "
            "state = 'abandoned', abandoned_at = ? WHERE id = ?",
            (datetime.datetime.now(), kept[0]))
        # the reminder worked: the order comes with the cart's token
        order = dict(self.order_of(cart, priced), cart_token=token)
        status, answer = self.post_promo(order)
        self.assertEqual(status, 201, answer)
        found, = self.read('ecom.cart', kept,
            ['state', 'sale', 'order_total'])
        self.assertEqual(
            (found['state'], found['sale'], found['order_total']),
            ('recovered', answer['sale']['id'], Decimal(priced['total'])))

    def test_intake_refuses_bad_coupons(self):
        "An order with a coupon that does not apply writes nothing"
        sku = self.fx['any_sku']
        cart = self.cart([(sku, 1)])
        status, priced = self.post_cart(cart)
        self.assertEqual(status, 200, priced)
        order = self.order_of(cart, priced)
        for coupons, field in [(['OLD'], 'coupons[0]'),
                (['NOPE'], 'coupons[0]'), (['TENOFF'], 'coupons[0]')]:
            with self.subTest(coupons=coupons):
                self.assert_refused(422, field, self.post_promo,
                    dict(order, external_id=uuid.uuid4().hex[:12],
                        coupons=coupons))
        discounted = dict(order, external_id=uuid.uuid4().hex[:12])
        discounted['lines'] = [dict(discounted['lines'][0], discount='1.00')]
        self.assert_refused(422, 'lines[0].discount', self.post_promo,
            discounted)
        # a total computed without the promotions is refused too
        cart = self.cart([(self.fx['campaign_sku'], 1)])
        _, priced = self.post_cart(cart)
        order = self.order_of(cart, priced)
        order['totals'] = {'total': str(Decimal(priced['total']) + 1)}
        self.assert_refused(422, 'totals.total', self.post_promo, order)

    def two_orders_for_the_last_use(self):
        """(ids of ONCE, two orders priced with it) once ONCE has one use
        left; it has no limit again after the test (others use it too)"""
        sku = self.fx['any_sku']
        ids = self.rpc('model.sale.promotion.search',
            [('name', '=', 'ONCE')], 0, None, None, {})
        self.rpc('model.sale.promotion.write', ids, {'ecom_max_uses': None},
            {})
        orders = []
        for _ in range(2):
            cart = self.cart([(sku, 10)], ['ONCE'])
            status, priced = self.post_cart(cart)
            self.assertEqual(status, 200, priced)
            orders.append(self.order_of(cart, priced))
        promotion, = self.read('sale.promotion', ids, ['ecom_uses'])
        self.rpc('model.sale.promotion.write', ids,
            {'ecom_max_uses': promotion['ecom_uses'] + 1}, {})
        self.addCleanup(self.rpc, 'model.sale.promotion.write', ids,
            {'ecom_max_uses': None}, {})
        return ids, orders

    def assert_last_use_taken(self, ids, before, refused):
        """One order (sales were before) took ONCE's last use; the refused
        answer names the coupon"""
        self.assertEqual(refused['errors'][0]['field'], 'coupons[0]')
        self.assertIn("used", refused['errors'][0]['reason'])
        self.assertEqual(self.count('sale.sale'), before + 1)
        promotion, = self.read('sale.promotion', ids, ['ecom_uses',
                'ecom_max_uses'])
        self.assertEqual(promotion['ecom_uses'], promotion['ecom_max_uses'])

    def test_last_use_race(self):
        "Two orders want the last use of a coupon: one gets it"
        ids, orders = self.two_orders_for_the_last_use()
        before = self.count('sale.sale')
        with ThreadPoolExecutor(2) as executor:
            answers = list(executor.map(self.post_promo, orders))
        self.assertEqual(sorted(s for s, _ in answers), [201, 422], answers)
        refused, = [a for s, a in answers if s == 422]
        self.assert_last_use_taken(ids, before, refused)

    def test_batch_counts_its_own_uses(self):
        "A batch's earlier order took the last use: the next one is refused"
        ids, orders = self.two_orders_for_the_last_use()
        before = self.count('sale.sale')
        status, answer = self.post_generic({'orders': orders},
            key=self.fx['promo_key'], channel=self.fx['promo'], batch=True)
        self.assertEqual(status, 200, answer)
        first, second = answer['results']
        self.assertEqual(first['http_status'], 201, first)
        self.assertEqual(second['http_status'], 422, second)
        self.assert_last_use_taken(ids, before, second)
