"""How long the back office's busiest lists take to load over JSON-RPC, on
a built demo (``make demo`` or ``python -m demo.build_demo -d NAME``):
login, then for each list the search of its first page (80 rows) and the
read of its list view's fields, as sao does. Median of --runs.

    python -m bench.lists -d demotime
"""
import argparse
import os
import statistics
import time

from tests.server import Server

LISTS = ['product.template', 'product.product', 'ecom.safety_stock',
    'sale.sale', 'ecom.payment.transaction', 'party.party']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument('--login', default='admin')
    parser.add_argument('--password', default=os.environ.get(
            'DEMO_PASSWORD', 'backoffice'))
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    server = Server(args.database, dict(os.environ))
    try:
        times = []
        for _ in range(args.runs):
            started = time.monotonic()
            session = server.login(args.login, args.password)
            times.append(time.monotonic() - started)
        print(f"login: {statistics.median(times) * 1000:.0f} ms")
        for model in LISTS:
            view = server.rpc(f'model.{model}.fields_view_get', None,
                'tree', {}, session=session)
            names = list(view['fields'])
            times = []
            for _ in range(args.runs):
                started = time.monotonic()
                ids = server.rpc(f'model.{model}.search', [], 0, 80, None,
                    {}, session=session)
                server.rpc(f'model.{model}.read', ids, names, {},
                    session=session)
                times.append(time.monotonic() - started)
            print(f"{model}: {len(ids)} rows, {len(names)} fields, "
                f"{statistics.median(times) * 1000:.0f} ms")
    finally:
        server.stop()


if __name__ == '__main__':
    main()
