"""Demo: 30 days of storefront visits (ecom_analytics).

Each order of the last 30 days gets the visit that led to it (a landing
page, views of its products, add to cart, checkout started); around it,
visits that bought nothing: about 30 visits an order (a 3% conversion,
usual for a small shop), a third of them viewing products, one in ten
adding to cart, one in twenty starting checkout. Landing pages: the home
page, categories, product pages, the blog. Events go in through the same
bulk insert as the beacon route, then the days are summarised. Own random
generator: the other steps' sequences stay as they were."""
import datetime as dt
import random

from trytond.pool import Pool

DAYS = 30
VISITS_PER_ORDER = 30
LANDINGS = ['/', '/', '/', '/c/hiking', '/c/camping', '/c/running',
    '/blog/trail-guide', '/blog/winter-layers', '/sale']


def build(data, seed, log):
    pool = Pool()
    Sale = pool.get('sale.sale')
    Event = pool.get('ecom.analytics.event')
    Daily = pool.get('ecom.analytics.daily')
    Channel = pool.get('ecom.channel')
    rng = random.Random(seed + 24)
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=DAYS - 1)
    channels = [c for c, *_ in data['channels']]
    Channel.generate_analytics_key(channels)
    skus = [p.code for p in data['products'] if p.code]
    sales = Sale.search([('ecom_channel', 'in', [c.id for c in channels]),
            ('sale_date', '>=', first),
            ('state', 'in', ['confirmed', 'processing', 'done'])])
    orders = {}
    for sale in sales:
        orders.setdefault((sale.ecom_channel.id, sale.sale_date), []).append(
            [l.product.code for l in sale.lines
                if l.product and l.product.code in skus])
    count = 0
    for channel in channels:
        events = []
        for n in range(DAYS):
            day = first + dt.timedelta(days=n)
            bought = orders.get((channel.id, day), [])
            visits = max(len(bought), 1) * VISITS_PER_ORDER
            for v in range(visits):
                session = f'demo-{channel.id}-{n}-{v}'
                start = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                    seconds=rng.randrange(0, 86000))
                basket = bought[v] if v < len(bought) else None
                events.extend(_visit(rng, session, start, skus, basket))
        if channel == channels[0]:
            # today so far: the funnel of the day has a few visits
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            events = [e for e in events if e['at'] <= now]
        count += Event.ingest(channel, events)
    Daily.aggregate([first + dt.timedelta(days=n) for n in range(DAYS)])
    log(f"{count} storefront events over {DAYS} days summarised")


def _visit(rng, session, start, skus, basket):
    "The events of one visit; basket: the SKUs it bought, or None"
    landing = rng.choice(LANDINGS + [f'/p/{s.lower()}' for s in skus[:6]])
    steps = [('page_view', landing, None)]
    viewed = basket or []
    if basket is None and rng.random() < 0.35:
        viewed = rng.sample(skus, min(len(skus), rng.randint(1, 3)))
    for sku in viewed:
        steps.append(('product_view', f'/p/{sku.lower()}', sku))
    carted = basket or (viewed[:1] if viewed and rng.random() < 0.3 else [])
    for sku in carted:
        steps.append(('add_to_cart', f'/p/{sku.lower()}', sku))
    if basket or (carted and rng.random() < 0.45):
        steps.append(('checkout_started', '/checkout', None))
    referrer = rng.choice([None, None, 'www.google.com', 'www.instagram.com',
            'newsletter.alpine.example'])
    return [{'kind': kind, 'session': session, 'path': path, 'sku': sku,
            'at': start + dt.timedelta(seconds=40 * i),
            'referrer': referrer if i == 0 else None}
        for i, (kind, path, sku) in enumerate(steps)]
