"""Command line: import or export the catalog (CSV or XLSX, keyed on SKU).

    python -m trytond.modules.ecom_catalog.cli -c trytond.conf -d demo \\
        import catalog.csv [--images DIR] [--partial --rejects rejects.csv]
    python -m trytond.modules.ecom_catalog.cli -c trytond.conf -d demo \\
        export catalog.xlsx [--lang es]

The import checks every row before it writes anything; the exit status is
1 when rows were refused (their errors are printed on stderr).
"""
import sys
import time

from trytond.modules.ecom_base.cli import company_transaction, database_parser

from .catalog_file import file_format


class Progress:
    "A progress bar on stderr: step [#####.....] done/total"

    def __init__(self, stream=sys.stderr, width=30):
        self.stream, self.width = stream, width
        self.last = 0

    def __call__(self, step, done, total):
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        filled = self.width * done // total if total else self.width
        bar = '#' * filled + '.' * (self.width - filled)
        end = '\n' if done >= total else ''
        self.stream.write(f'\r{step:<6} [{bar}] {done}/{total}{end}')
        self.stream.flush()


def parse(argv):
    parser = database_parser(
        'python -m trytond.modules.ecom_catalog.cli', __doc__.splitlines()[0])
    parser.add_argument('--warehouse', type=int,
        help="warehouse id for the column 'stock' (default: the first)")
    commands = parser.add_subparsers(dest='command', required=True)
    import_ = commands.add_parser('import', help="create or update products")
    import_.add_argument('file')
    import_.add_argument('--images', help="folder of the image files")
    import_.add_argument('--partial', action='store_true',
        help="write the valid rows even when others are refused")
    import_.add_argument('--rejects',
        help="write the refused rows and their errors to this file")
    export = commands.add_parser('export', help="write the catalog")
    export.add_argument('file')
    export.add_argument('--lang', action='append', default=[],
        help="add the texts translated in this language (repeatable)")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse(argv if argv is not None else sys.argv[1:])
    try:
        format_ = file_format(options.file)
    except ValueError as error:
        sys.exit(str(error))
    with company_transaction(options) as (pool, transaction, _):
        Location = pool.get('stock.location')
        warehouse_id = options.warehouse or Location.get_default_warehouse()
        warehouse = Location(warehouse_id) if warehouse_id else None
        if options.command == 'import':
            return run_import(options, format_, warehouse, transaction)
        from .catalog_export import export_file
        started = time.monotonic()
        data, count = export_file(
            format_, warehouse, options.lang, Progress())
        with open(options.file, 'wb') as file:
            file.write(data)
        print(f"{count} products written to {options.file} in "
            f"{time.monotonic() - started:.1f} s")
        return 0


def run_import(options, format_, warehouse, transaction):
    from .catalog_wizard import import_catalog, rejects_file
    with open(options.file, 'rb') as file:
        data = file.read()
    started = time.monotonic()
    result = import_catalog(data, options.file, options.partial,
        warehouse, options.images, Progress())
    for line in result.error_lines():
        print(line, file=sys.stderr)
    if options.rejects and result.rejected:
        with open(options.rejects, 'wb') as file:
            file.write(rejects_file(result, file_format(options.rejects)))
    if result.errors and not options.partial:
        transaction.rollback()
        print(f"{len(result.errors)} errors: nothing was imported",
            file=sys.stderr)
        return 1
    transaction.commit()
    print(f"{result.created} created, {result.updated} updated, "
        f"{len(result.rejected)} rejected in "
        f"{time.monotonic() - started:.1f} s")
    return 1 if result.errors else 0


if __name__ == '__main__':
    sys.exit(main())
