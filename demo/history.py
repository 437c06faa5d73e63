"""A year of online orders.

Orders older than ``--live-days`` are loaded as archived, completed sales
(as a migration from the previous storefront would: no shipment or invoice
documents, which the upstream workflows need ~0.3 s an order to produce on
SQLite). The recent ones are replayed day by day through the real workflows:
each day's orders are created as sales of their channel, quoted and
confirmed (which creates the shipment and the invoice), the invoice is posted
(recording gateway payments comes with the payments work); shipments leave one to three days later; about 3% of orders come
back as returns (a return sale: return shipment received, credit note posted). ``ir.date.today`` is pointed at the replayed day so every
document carries the date it would have had.
"""
import contextlib
import datetime as dt
import math
import random
import time
from collections import defaultdict

from trytond.pool import Pool

from . import affiliates
from .baskets import Baskets
from .marketing import Attribution

RETURN_RATE = 0.03
CANCEL_RATE = 0.01
PICKUP_RATE = 0.3
# Gateway reports that do not match: a partial capture, an unknown gateway.
MISMATCH_RATE = 0.04
# When customers order (UTC): more in the evening.
ORDER_HOURS = [8, 10, 11, 12, 13, 15, 17, 18, 19, 19, 20, 20, 21, 21, 22]


def make_rng(seed):
    return random.Random(seed)


@contextlib.contextmanager
def clock(day):
    "Make ir.date.today() answer ``day`` while replaying it"
    Date = Pool().get('ir.date')
    assert 'today' not in Date.__dict__, "clock() does not nest"
    Date.today = staticmethod(lambda timezone=None: day)
    try:
        yield
    finally:
        del Date.today


def daily_counts(args, rng):
    "Orders per day: growth over the year, weekends and a December peak"
    start = args.today - dt.timedelta(days=args.days - 1)
    days = [start + dt.timedelta(days=i) for i in range(args.days)]
    weights = []
    for i, day in enumerate(days):
        weight = 1 + 0.6 * i / 365
        weight *= 1.3 if day.weekday() >= 5 else 1
        weight *= {11: 1.5, 12: 1.8, 7: 1.2, 8: 1.2}.get(day.month, 1)
        weights.append(weight * rng.uniform(0.8, 1.2))
    scale = args.orders / sum(weights)
    counts, carry = [], 0.0
    for weight in weights:
        carry += weight * scale
        count = math.floor(carry)
        carry -= count
        counts.append(count)
    counts[-1] += args.orders - sum(counts)
    return list(zip(days, counts))


def build(args, rng, data, log):
    pool = Pool()
    Sale = pool.get('sale.sale')
    Shipment = pool.get('stock.shipment.out')
    Return = pool.get('stock.shipment.out.return')
    Invoice = pool.get('account.invoice')
    products, customers = data['products'], data['customers']
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(products))]
    rng.shuffle(popularity)
    channels = [c for c, _ in data['channels']]
    channel_weights = [w for _, w in data['channels']]
    numbers = defaultdict(lambda: 10000)
    to_ship = defaultdict(list)
    to_return = defaultdict(list)
    stats = defaultdict(int)
    spent = defaultdict(float)
    attribution = Attribution()
    baskets = Baskets(args.seed, products)

    @contextlib.contextmanager
    def step(name):
        started = time.perf_counter()
        yield
        spent[name] += time.perf_counter() - started

    def sale_values(day, party, channel, lines, external_id):
        address = party.addresses[0]
        return {
            'company': data['company'].id, 'party': party.id,
            'invoice_address': address.id, 'shipment_address': address.id,
            'sale_date': day, 'currency': data['company'].currency.id,
            'web_shop': data['shop'].id, 'warehouse': data['shop'].warehouse.id,
            'payment_term': data['payment_term'].id,
            'ecom_channel': channel.id, 'ecom_external_id': external_id,
            'ecom_ordered_at': dt.datetime.combine(day, dt.time(
                    rng.choice(ORDER_HOURS), rng.randrange(60))),
            # A few customers pay by bank transfer, later.
            'ecom_payment_state': 'pending' if rng.random() < 0.06 else 'paid',
            'ecom_delivery': ('pickup' if channel.pickup
                and rng.random() < PICKUP_RATE else 'carrier'),
            'web_id': f"{channel.code}-{external_id}",
            **attribution.values(external_id),
            **affiliates.values(data.get('affiliate'), channel, external_id,
                day),
            'lines': [('create', [{
                            'type': 'line', 'product': product.id,
                            'unit': product.sale_uom.id, 'quantity': quantity,
                            'unit_price': unit_price,
                            'taxes': [('add', [data['tax'].id])],
                            } for product, quantity, unit_price in lines])],
            }

    live_from = args.today - dt.timedelta(days=args.live_days)
    archived = []
    for day, count in daily_counts(args, rng):
        values = []
        for _ in range(count):
            party = customers[min(
                    int(rng.paretovariate(1.2)) - 1, len(customers) - 1)
                if rng.random() < 0.5 else rng.randrange(len(customers))]
            channel = rng.choices(channels, channel_weights)[0]
            numbers[channel.code] += 1
            picked = rng.choices(
                products, popularity, k=rng.choice([1, 1, 1, 2, 2, 3, 4]))
            lines = [(p, float(rng.choice([1, 1, 1, 1, 2, 2, 3])),
                    data['prices'][p.id]) for p in dict.fromkeys(picked)]
            lines += [(p, 1.0, data['prices'][p.id])
                for p in baskets.extra(picked)]
            values.append(sale_values(
                    day, party, channel, lines, str(numbers[channel.code])))
        if day < live_from:
            archived.extend(archive(v) for v in values)
            stats['archived'] += len(values)
            continue
        if archived:
            with step('archive'):
                for i in range(0, len(archived), 40):
                    Sale.write(Sale.create(archived[i:i + 40]), {
                            'state': 'done', 'shipment_state': 'sent',
                            'invoice_state': 'paid'})
            archived = []
        with clock(day):
            values.extend(returns_values(
                    to_return.pop(day, []), day, sale_values))
            with step('create'):
                sales = Sale.create(values)
            cancelled = [s for s in sales if rng.random() < CANCEL_RATE
                and s.total_amount > 0]
            with step('quote'):
                Sale.quote(sales)
            Sale.cancel(cancelled)
            confirmed = [s for s in sales if s not in cancelled]
            with step('confirm'):
                Sale.confirm(confirmed)
            # confirm() queues process() for after the commit; run it now,
            # on the replayed day, and drop the queued task.
            with step('process'):
                Sale.process(confirmed)
            drop_queued_tasks()
            confirmed = Sale.browse([s.id for s in confirmed])
            invoices = sorted({i for s in confirmed for i in s.invoices},
                key=lambda i: i.id)
            with step('post'):
                Invoice.post(invoices)
            with step('payments'):
                record_payments(rng, confirmed)
                # what a queue worker runs after posting and paying: the
                # invoices' and the orders' states
                run_queued_tasks()
            for sale in confirmed:
                for shipment in sale.shipments:
                    to_ship[day + dt.timedelta(
                            days=rng.choice([1, 1, 2, 3]))].append(shipment)
                if sale.shipment_returns:
                    Return.receive(sale.shipment_returns)
                    Return.do(sale.shipment_returns)
                    stats['returns'] += 1
                elif rng.random() < RETURN_RATE:
                    to_return[day + dt.timedelta(
                            days=rng.randint(8, 25))].append(sale)
            stats['orders'] += len(sales) - len(
                [s for s in sales if s.total_amount < 0])
            stats['cancelled'] += len(cancelled)
            shipments = Shipment.browse([s.id for s in to_ship.pop(day, [])])
            if shipments:
                with step('assign'):
                    Shipment.assign_try(shipments)
                with step('pick+pack'):
                    Shipment.pick(shipments)
                    Shipment.pack(shipments)
                with step('ship'):
                    for shipment in shipments:
                        if shipment.ecom_carrier:
                            shipment.ecom_tracking_number = (
                                f"{rng.randrange(10**11, 10**12)}")
                    Shipment.save(shipments)
                    Shipment.do(shipments)
                    # Staff dispatch in the afternoon of the replayed day.
                    shipped = Sale.browse({m.sale.id for s in shipments
                            for m in s.outgoing_moves if m.sale})
                    Sale.write(shipped, {
                            'ecom_shipped_at': dt.datetime.combine(
                                day, dt.time(rng.randrange(14, 19)))})
                with step('process'):
                    # As the queued process would: the sale sees it shipped.
                    Sale.process(shipped)
                    drop_queued_tasks()
                stats['shipped'] += len(shipments)
        if day.day == 1:
            log(f"  orders up to {day}: {dict(stats)}")
    stats['awaiting shipment'] = sum(len(s) for s in to_ship.values())
    stats['open returns'] = open_returns(rng, data['company'])
    stats['to reconcile'] = klarna_capture(data['company'])
    log(f"order history: {dict(stats)}")
    log("time per step: " + ", ".join(
            f"{k} {v:.1f}s" for k, v in sorted(spent.items())))
    return stats


def archive(values):
    "An order of the old storefront, loaded as completed history"
    _, lines = values['lines'][0]
    for line in lines:
        line['actual_quantity'] = line['quantity']
    return dict(values,
        number=f"ARC-{values['ecom_channel']}-{values['ecom_external_id']}",
        comment="Archived order imported from the previous storefront: "
        "shipped and paid there; no shipment or invoice in this database.")


def record_payments(rng, sales):
    """What the storefronts report for paid orders: captures, and refunds
    of returns; most match their invoice and are reconciled at once"""
    Transaction_ = Pool().get('ecom.payment.transaction')
    values = []
    for sale in sales:
        channel = sale.ecom_channel
        if sale.ecom_payment_state != 'paid' or not channel.gateways:
            continue
        amount = sale.total_amount
        gateway = rng.choice(channel.gateways).code
        if rng.random() < MISMATCH_RATE:
            if rng.random() < 0.5:
                amount -= min(amount / 2, 5)
            else:
                gateway = 'klarna'
        values.append({
                'company': sale.company.id, 'channel': channel.id,
                'kind': 'capture' if amount > 0 else 'refund',
                'reference': f"{gateway[:2]}_{sale.id:08d}{rng.randrange(10**6)}",
                'external_order': sale.ecom_external_id, 'sale': sale.id,
                'gateway': getattr(channel.gateway(gateway), 'id', None),
                'gateway_code': gateway, 'amount': abs(amount),
                'currency': sale.currency.id, 'date': sale.ecom_ordered_at,
                })
    Transaction_.reconcile(Transaction_.create(values))


def book_paid(sales, seed):
    """Save, confirm and process new paid orders of today, post their
    invoices and record their captures: the history's path for a few
    orders (demo/promotions.py, demo/vat.py); the saved sales"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Invoice = pool.get('account.invoice')
    Sale.save(sales)
    Sale.quote(sales)
    Sale.confirm(sales)
    Sale.process(sales)
    drop_queued_tasks()
    sales = Sale.browse([s.id for s in sales])
    Invoice.post([i for s in sales for i in s.invoices])
    record_payments(make_rng(seed), sales)
    run_queued_tasks()
    return sales


def klarna_capture(company):
    """The customer of the latest paid order paid with Klarna, which its
    channel has no gateway for: the capture waits in To Reconcile (whatever
    the random mismatches gave), so the accountant always has one to look
    at"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Transaction_ = pool.get('ecom.payment.transaction')
    sales = Sale.search([('company', '=', company.id),
            ('ecom_payment_state', '=', 'paid'),
            ('ecom_is_return', '=', False),
            ('state', '=', 'processing')], order=[('id', 'DESC')], limit=1)
    for sale in sales:
        Transaction_.reconcile(Transaction_.create([{
                        'company': company.id,
                        'channel': sale.ecom_channel.id, 'kind': 'capture',
                        'reference': f"kl_{sale.id:08d}",
                        'external_order': sale.ecom_external_id,
                        'sale': sale.id, 'gateway_code': 'klarna',
                        'amount': sale.total_amount,
                        'currency': sale.currency.id,
                        'date': sale.ecom_ordered_at}]))
    return Transaction_.search_count([('state', '=', 'to_reconcile')])


RMA_STEPS = ['waiting', 'waiting', 'to_receive', 'to_receive', 'to_refund']


def open_returns(rng, company):
    """Returns (RMAs) of recently shipped orders at each step: to approve,
    approved waiting for the parcel, received waiting for the refund"""
    from trytond.transaction import Transaction
    pool = Pool()
    Sale = pool.get('sale.sale')
    Complaint = pool.get('sale.complaint')
    Shipment = pool.get('stock.shipment.out.return')
    ModelData = pool.get('ir.model.data')
    return_type = ModelData.get_id('ecom_returns', 'complaint_type_return')
    sales = Sale.search([
            ('company', '=', company.id), ('ecom_channel', '!=', None),
            ('shipment_state', '=', 'sent'), ('origin', '=', None),
            ('total_amount_cache', '>', 0), ('state', '!=', 'done'),
            ], order=[('id', 'DESC')], limit=len(RMA_STEPS))
    with Transaction().set_context(_skip_warnings=True):
        for sale, step in zip(sales, RMA_STEPS):
            goods = [l for l in sale.lines if l.type == 'line'
                and l.product.type == 'goods']
            line = rng.choice(goods)
            rma, = Complaint.create([{
                        'type': return_type, 'customer': sale.party.id,
                        'company': company.id, 'origin': str(sale),
                        'reference': f"R-{sale.ecom_external_id}",
                        'description': "Customer's return request",
                        'actions': [('create', [{
                                        'action': 'sale_return',
                                        'sale_lines': [('create', [{
                                                        'line': line.id,
                                                        'quantity': 1,
                                                        'ecom_reason': rng.choice(
                                                            RETURN_REASONS),
                                                        }])],
                                        }])],
                        }])
            Complaint.wait([rma])
            if step == 'waiting':
                continue
            Complaint.approve([rma])
            drop_queued_tasks()
            Complaint.process([rma])
            returned = Sale.browse(rma.ecom_return_sales)
            drop_queued_tasks()
            Sale.process(returned)
            drop_queued_tasks()
            if step == 'to_refund':
                Shipment.receive([s for r in Sale.browse(returned)
                        for s in r.shipment_returns])
    return len(sales)


def run_queued_tasks(skip=frozenset({'print_invoice'})):
    """Run the queued tasks now, in this transaction, as a worker would
    (and those they queue); the invoices' PDFs are not rendered"""
    from trytond.transaction import Transaction
    transaction = Transaction()
    Queue = Pool().get('ir.queue')
    while transaction.tasks:
        tasks = Queue.browse(transaction.tasks)
        transaction.tasks.clear()
        for task in tasks:
            if task.data['method'] not in skip:
                task.run()
        Queue.delete(tasks)


def drop_queued_tasks():
    from trytond.transaction import Transaction
    transaction = Transaction()
    Queue = Pool().get('ir.queue')
    Queue.delete(Queue.browse(transaction.tasks))
    transaction.tasks.clear()


RETURN_REASONS = [
    'size_fit', 'size_fit', 'changed_mind', 'damaged', 'not_as_described',
    'defective', 'wrong_item', 'late']


def returns_values(sales, day, sale_values):
    "A return is a sale of the same channel with negative quantities"
    values = []
    for sale in sales:
        line = sale.lines[0]
        values.append(sale_values(
                day, sale.party, sale.ecom_channel,
                [(line.product, -line.quantity, line.unit_price)],
                f"{sale.ecom_external_id}-R1"))
        values[-1]['origin'] = str(sale)  # shown under the order
        _, new_lines = values[-1]['lines'][0]
        new_lines[0]['ecom_return_reason'] = RETURN_REASONS[
            sale.id % len(RETURN_REASONS)]
    return values


