"""Command line: refresh the report figures or export a report to XLSX.

    python -m trytond.modules.ecom_reports.cli -c trytond.conf -d demo refresh
    python -m trytond.modules.ecom_reports.cli -c trytond.conf -d demo \\
        export sales --from 2026-01-01 --to 2026-06-30 --period month \\
        -o sales.xlsx
"""
import datetime as dt
import sys

from trytond.modules.ecom_base.cli import company_transaction, database_parser

from .export import REPORTS


def parse(argv):
    parser = database_parser(
        'python -m trytond.modules.ecom_reports.cli', __doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    refresh = commands.add_parser('refresh', help="recompute the figures")
    refresh.add_argument('--full', action='store_true',
        help="recompute every day, not only the changed ones")
    export = commands.add_parser('export', help="write a report to XLSX")
    export.add_argument('report', choices=[k for k, _ in REPORTS])
    export.add_argument('--from', dest='from_date', type=dt.date.fromisoformat)
    export.add_argument('--to', dest='to_date', type=dt.date.fromisoformat)
    export.add_argument('--period', choices=['day', 'week', 'month', 'year'])
    for name in ['shop', 'channel', 'currency', 'limit']:
        export.add_argument('--' + name, type=int)
    export.add_argument('-o', '--output', required=True)
    return parser.parse_args(argv)


def main(argv=None):
    options = parse(argv if argv is not None else sys.argv[1:])
    with company_transaction(options) as (pool, transaction, company):
        if options.command == 'refresh':
            pool.get('ecom.report.refresh').refresh(
                [company], full=options.full)
            transaction.commit()
            print(f"figures of {company.rec_name} refreshed")
            return 0
        return run_export(pool, options, company)


def run_export(pool, options, company):
    from trytond.transaction import Transaction

    from .export import FILTERS, export
    Context = pool.get('ecom.report.context')
    with Transaction().set_context(company=company.id):
        context = Context.default_get(FILTERS, with_rec_name=False)
    context.update({n: getattr(options, n) for n in FILTERS
            if getattr(options, n, None) is not None})
    with Transaction().set_context(context, company=company.id):
        _, data = export(options.report)
    with open(options.output, 'wb') as file:
        file.write(data)
    print(f"{options.output}: {len(data)} bytes")
    return 0


if __name__ == '__main__':
    sys.exit(main())
