"""Benchmark: capturing card payments through Stripe when orders ship.

    python -m bench.cards [--orders 300] [--small 100]

Builds a small demo database whose app channel's ``stripe`` gateway has a
Stripe journal (ecom_stripe), with Stripe the local simulator of
``addons/ecom_stripe/tests/stripe_simulator.py`` over real HTTP. Posts
``--orders`` orders authorised at Stripe through the HTTP batch intake,
processes their sales, then, as the queue does when their shipments are
done: ``account.payment.ecom_capture`` and upstream's ``stripe_capture_``
(one Stripe call and one commit per payment, then Stripe's charge read
back and the captures recorded and reconciled with the invoices in one
batch), first for ``--small`` orders, then for the rest.

Prints the per-order cost at both sizes and their ratio (a linear path
stays near 1). Exits non-zero unless every payment succeeded, every
capture reconciled and every invoice is settled (its *Paid* state is the
queued invoice processing's). Not a test.
"""
import argparse
import os
import random
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.intake import (
    bench_database,
    make_order,
    run_intake,
    run_processing,
    stock_up,
)
from bench.payments import ARTIFACTS, start_pool
from tests.server import Server


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--database', default='bench_cards')
    parser.add_argument('--orders', type=int, default=300)
    parser.add_argument('--small', type=int, default=100)
    return parser.parse_args()


def setup(pool, database, stripe):
    "The app channel's gateway stripe gets the Stripe journal"
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        with transaction.set_context(company=company.id):
            Channel = pool.get('ecom.channel')
            channel, = Channel.search([('code', '=', 'app')])
            account, = pool.get('account.payment.stripe.account').create([{
                        'name': "Bench", 'secret_key': stripe.secret_key,
                        'publishable_key': 'pk_test_bench'}])
            journal, = pool.get('account.payment.journal').create([{
                        'name': "Stripe", 'company': company.id,
                        'currency': company.currency.id,
                        'process_method': 'stripe',
                        'stripe_account': account.id}])
            pool.get('ecom.channel.gateway').write(
                [channel.gateway('stripe')], {'stripe_journal': journal.id})
        transaction.commit()


def capture(pool, database, external_ids):
    "(seconds, payments) of capturing the payments of these orders"
    from trytond.transaction import Transaction, TransactionError
    with Transaction().start(database, 0) as transaction:
        company, = pool.get('company.company').search([], limit=1)
        context = {'company': company.id}
        with transaction.set_context(context):
            Sale = pool.get('sale.sale')
            sales = Sale.search([('ecom_external_id', 'in', external_ids)])
            started = time.monotonic()
            payments = pool.get('account.payment').ecom_capture(sales)
            transaction.commit()
    ids = [p.id for p in payments]
    # the queued task, as trytond-worker runs it (restarted once with the
    # payments locked)
    extras = {}
    while True:
        with Transaction().start(database, 0, context=context,
                **extras) as transaction:
            Payment = pool.get('account.payment')
            try:
                Payment.stripe_capture_(Payment.browse(ids))
            except TransactionError as e:
                transaction.rollback()
                e.fix(extras)
                continue
            transaction.commit()
            break
    return time.monotonic() - started, ids


def check(pool, database, payment_ids):
    "The payments that succeeded, captures reconciled, invoices settled"
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Payment = pool.get('account.payment')
        payments = Payment.browse(payment_ids)
        sales = [p.ecom_sale for p in payments]
        return (sum(p.state == 'succeeded' for p in payments),
            sum(t.state == 'reconciled' for s in sales
                for t in s.ecom_payments),
            sum(bool(i.reconciled) for s in sales for i in s.invoices))


def main():
    args = parse_args()
    from trytond.modules.ecom_stripe.tests.stripe_simulator import Simulator
    env = dict(os.environ, DEMO_PASSWORD='bench-password')
    os.makedirs(ARTIFACTS, exist_ok=True)
    started = time.monotonic()
    fixture = bench_database(args.database, False, env)
    pool = start_pool(args.database)
    stripe = Simulator('sk_test_bench')
    stripe.configure()
    setup(pool, args.database, stripe)
    products = stock_up(args.database)
    print(f"database built in {time.monotonic() - started:.0f} s")
    rng = random.Random(13)
    orders = []
    for _ in range(args.orders + 1):
        order = make_order(rng, products)
        order['payment'] = {'status': 'authorized', 'method': 'stripe',
            'reference': stripe.authorize(Decimal(order['totals']['total']))}
        orders.append(order)
    server = Server(args.database, dict(env, TRYTOND_QUEUE__WORKER='True'),
        log_path=os.path.join(ARTIFACTS, 'bench-cards-server.log'))
    try:
        seconds, accepted, _ = run_intake(server, args.database, fixture,
            orders)
    finally:
        server.stop()
    print(f"{len(accepted)} authorised orders taken in {seconds:.1f} s")
    seconds, _, _ = run_processing(args.database,
        [o['external_id'] for o in orders])
    print(f"their sales processed in {seconds:.1f} s")
    rows, ids = [], []
    for part in [accepted[:args.small], accepted[args.small:]]:
        seconds, payment_ids = capture(pool, args.database, part)
        ids += payment_ids
        rows.append((len(payment_ids), seconds))
        print(f"  {len(payment_ids):5d} captures in {seconds:7.2f} s: "
            f"{1000 * seconds / len(payment_ids):6.1f} ms each, "
            f"{len(payment_ids) / seconds:6.1f}/s")
    stripe.stop()
    (n1, s1), (n2, s2) = rows
    print(f"  per-capture cost, {n2} / {n1}: {(s2 / n2) / (s1 / n1):.2f} "
        "(linear: about 1)")
    succeeded, reconciled, paid = check(pool, args.database, ids)
    print(f"  {succeeded} payments succeeded, {reconciled} captures "
        f"reconciled, {paid} invoices settled of {len(ids)}")
    if not succeeded == reconciled == paid == len(ids) == len(accepted):
        sys.exit("FAILED: not every order was captured and paid")


if __name__ == '__main__':
    main()
