"""What the e-commerce command lines share: the database options and a
transaction in a company.

    parser = database_parser('python -m ...', "What it does")
    with company_transaction(options) as (pool, transaction, company):
        ...
"""
import argparse
import contextlib
import sys


def database_parser(prog, description):
    "An argument parser with -c/--config, -d/--database and --company"
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument('-c', '--config', dest='config')
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--company', type=int,
        help="company id (default: the first company)")
    return parser


@contextlib.contextmanager
def company_transaction(options):
    """(pool, transaction, company) of the database of options, in a
    transaction whose context is the company (--company or the first)"""
    from trytond import config
    config.update_etc(options.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(options.database)
    pool.init()
    with Transaction().start(options.database, 0) as transaction:
        Company = pool.get('company.company')
        company = Company(options.company) if options.company else (
            Company.search([], limit=1, order=[('id', 'ASC')]) or [None])[0]
        if company is None:
            sys.exit("no company in the database")
        with transaction.set_context(company=company.id):
            yield pool, transaction, company
