"""Build a realistic demo shop in a new Tryton database.

    python -m demo.build_demo -c trytond.conf -d demo

Creates the database, activates the e-commerce modules, then fills it with
one company (EUR), a chart of accounts and fiscal years, a web shop with three
sales channels, a 3-level category tree with products, SKUs, prices and
images, stock, customers in several countries and a year of order history
(see demo/history.py). Everything random comes from one seeded generator, so
two builds with the same seed and day hold the same data.
"""
import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
from decimal import Decimal

from ecom_modules import MODULES

# Tables an RPC call would lock after a retry; taken up front here.
LOCKED_TABLES = [
    'ir_sequence', 'ir_sequence_strict', 'account_journal_period',
    'stock_move', 'sale_configuration', 'sale_promotion_coupon_number',
    # upstream's credit limit check on confirm (demo/b2b.py)
    'sale_sale', 'sale_line', 'account_move_line']
STAFF = [
    # login, name, groups (module, xml id)
    ('manager', "Marta Manager", [('ecom_base', 'group_ecom_manager'),
            ('sale', 'group_sale'), ('stock', 'group_stock')]),
    ('staff', "Sergio Staff", [('ecom_base', 'group_ecom_user'),
            ('stock', 'group_stock')]),
    ('accountant', "Ana Accountant", [('account', 'group_account')]),
    # the shop's back office works in Spanish
    ('empleado', "Elena Empleada", [('ecom_base', 'group_ecom_user'),
            ('stock', 'group_stock')]),
    ]
LANGUAGES = {'empleado': 'es'}


STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-c', '--config', default='trytond.conf')
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument('--password', default=os.environ.get(
            'DEMO_PASSWORD', 'backoffice'))
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--products', type=int, default=200)
    parser.add_argument('--customers', type=int, default=300)
    parser.add_argument('--orders', type=int, default=2000)
    parser.add_argument('--days', type=int, default=365,
        help="length of the order history")
    parser.add_argument('--live-days', type=int, default=10,
        help="recent days replayed through the real workflows")
    parser.add_argument('--activate-only', action='store_true',
        help="only create the database with the modules activated (from "
        "the activation cache when it has them; tests.test_sao_views)")
    parser.add_argument('--today', type=dt.date.fromisoformat,
        default=dt.date.today(), help="last day of the order history")
    return parser.parse_args(argv)


def create_database(args):
    "Create the empty database and activate the modules (activation.py)"
    from trytond import backend, config
    config.update_etc(args.config)
    if backend.name == 'sqlite':
        path = config.get('database', 'path')
        os.makedirs(path, exist_ok=True)
        db_file = os.path.join(path, args.database + '.sqlite')
        if os.path.exists(db_file):
            sys.exit(f"{db_file} exists: remove it to build the demo again")
        open(db_file, 'w').close()
    else:
        from trytond.transaction import Transaction
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            database = transaction.database
            if args.database in database.list():
                sys.exit(f"database {args.database} exists: drop it first")
            database.create(transaction.connection, args.database)
    from . import activation
    activation.activate(args, MODULES, log)


def setup_accounting(args):
    "Company, chart, fiscal years, tax: through upstream's own helpers"
    from proteus import Model
    from proteus import config as pconfig
    from trytond.modules.account.tests.tools import (
        create_chart,
        create_fiscalyear,
        create_tax,
        get_accounts,
    )
    from trytond.modules.account_invoice.tests.tools import (
        create_payment_term,
        set_fiscalyear_invoice_sequences,
    )
    from trytond.modules.company.tests.tools import create_company

    pconfig.set_trytond(database=args.database, config_file=args.config)
    Party = Model.get('party.party')
    Currency = Model.get('currency.currency')
    Rate = Model.get('currency.currency.rate')
    eur = Currency(name="Euro", code='EUR', symbol="€", numeric_code='978',
        rounding=Decimal('0.01'), digits=2)
    eur.save()
    Rate(currency=eur, date=dt.date(2000, 1, 1), rate=Decimal(1)).save()
    # Dollars and pounds with a rate a month (units per euro): orders in
    # them keep their currency; the reports convert at the order's date.
    for name, code, symbol, numeric, base in [
            ("US Dollar", 'USD', "$", '840', Decimal('1.08')),
            ("Pound Sterling", 'GBP', "£", '826', Decimal('0.85'))]:
        currency = Currency(name=name, code=code, symbol=symbol,
            numeric_code=numeric, rounding=Decimal('0.01'), digits=2)
        for month in range(15):
            currency.rates.new(
                date=(args.today - dt.timedelta(days=30 * (14 - month))),
                rate=base + Decimal(month % 5 - 2) / 100)
        currency.save()
    party = Party(name="Alpine Outfitters SL")
    party.save()
    create_company(party=party, currency=eur)
    create_chart()
    # orders in dollars and pounds: their payments book the exchange
    # difference (gain on revenue, loss on expense)
    accounts = get_accounts()
    configuration = Model.get('account.configuration')(1)
    configuration.currency_exchange_credit_account = accounts['revenue']
    configuration.currency_exchange_debit_account = accounts['expense']
    configuration.save()
    first = args.today - dt.timedelta(days=400)
    for year in range(first.year, args.today.year + 1):
        fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear(
                today=(dt.date(year, 1, 1), dt.date(year, 12, 31))))
        fiscalyear.save()
        fiscalyear.click('create_period')
    tax = create_tax(Decimal('0.21'))
    tax.name = tax.description = "VAT 21%"
    tax.save()
    term = create_payment_term()
    term.name = "Paid online"
    term.save()

    # Staff land on the menu, not on the module configuration wizard.
    Item = Model.get('ir.module.config_wizard.item')
    for item in Item.find([('state', '!=', 'done')]):
        item.state = 'done'
        item.save()


def apart(step, args):
    """Run a step in a process of its own: after proteus' setup in this
    process the order archive took twice as long (51 s against 23-25 s in
    four builds: bench/README.md)"""
    process = multiprocessing.get_context('spawn').Process(
        target=step, args=(args,))
    process.start()
    process.join()
    if process.exitcode:
        sys.exit(f"{step.__name__} failed (exit code {process.exitcode})")


def setup_staff(args):
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Company = pool.get('company.company')
    company, = Company.search([])
    admin, = User.search([('login', '=', 'admin')])
    # the activated database may come from the cache (activation.py)
    User.write([admin], {'companies': [('add', [company.id])],
            'company': company.id, 'password': args.password,
            'email': 'admin@example.com'})
    Lang = pool.get('ir.lang')
    langs = {l.code: l.id for l in Lang.search([])}
    User.create([{
                'login': login, 'name': name, 'password': args.password,
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [ModelData.get_id(m, x) for m, x in groups])],
                'language': langs[LANGUAGES.get(login, 'en')],
                } for login, name, groups in STAFF])


def fill(args, pool, extras):
    "Master data and order history in one transaction"
    from trytond.transaction import Transaction

    from . import (
        accounts,
        affiliates,
        analytics,
        assistant,
        automation,
        b2b,
        carts,
        catalog,
        catalog_rules,
        content,
        customers,
        forecast,
        history,
        labels,
        marketing,
        promotions,
        recommendations,
        replenish,
        vat,
    )
    with Transaction().start(
            args.database, 0, context={}, **extras) as transaction:
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        company_id = pool.get('company.company').search([])[0].id
        with transaction.set_user(admin.id), transaction.set_context(
                company=company_id, companies=[company_id], language='en'):
            setup_staff(args)
            rng = history.make_rng(args.seed)
            shop = catalog.build(args, rng, log)
            shop['affiliate'] = affiliates.create(shop, log)
            history.build(args, rng, shop, log)
            affiliates.build(shop['affiliate'], args.today, log)
            recommendations.build(log)
            analytics.build(shop, args.seed, log)
            forecast.build(log)
            catalog_rules.build(rng, shop['shop'], shop['products'],
                shop['customers'], log)
            replenish.build(shop['shop'], log)
            customers.build(rng, shop['shop'], shop['customers'], log)
            marketing.build_spend(shop['shop'].company, log)
            # the benchmarks' and HTTP tests' databases have no history:
            # their app channel stays storefront-priced
            content.build(shop, promotions.build(
                    shop, log, orders=args.orders > 0), log)
            carts.build(shop, log)
            accounts.build(shop, log)
            automation.build(shop, log)
            assistant.build(shop, log)
            if args.orders > 0:
                vat.build(shop, log)
                b2b.build(shop, log)
                labels.build(shop, log)
            log("report figures")
            Company = pool.get('company.company')
            pool.get('ecom.report.refresh').refresh(
                Company.search([]), full=True)
        transaction.commit()
    log("committed")


def main(argv=None):
    args = parse_args(argv)
    log(f"creating database {args.database!r} and activating modules")
    create_database(args)
    if args.activate_only:
        return
    log("company, chart of accounts, fiscal years, taxes")
    apart(setup_accounting, args)

    from trytond.pool import Pool
    from trytond.transaction import TransactionError

    pool = Pool(args.database)
    pool.init()
    extras = {'_lock_tables': list(LOCKED_TABLES)}
    while True:
        try:
            fill(args, pool, extras)
            break
        except TransactionError as error:
            # What Tryton's RPC dispatcher does: restart with the lock taken.
            error.fix(extras)
            log(f"restarting with locks {extras}")
    if args.orders:
        from . import cards, webhooks
        # cards first: the webhooks' step refreshes the report summaries
        cards.build(args.database, pool, log)
        webhooks.build(args.database, pool, log)
    log(f"demo built in {time.monotonic() - STARTED:.0f}s")


if __name__ == '__main__':
    main()
