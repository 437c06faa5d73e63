"""Backtest of the weekly demand forecasts (ecom_forecast) on a built
demo's order history, against two baselines computed in the same run:

- the **seasonal naive**: each week sells what the same week sold a year
  (52 weeks) before;
- the **30-day rate**, the stock rules' method before the forecasts: the
  units ordered in the 30 days before the forecast (90 when none) / 30,
  times 7 a week.

Rolling origin: at each of the ``--origins`` last Mondays whose next
``--horizon`` weeks are over, each method forecasts those weeks from the
orders before the origin only (the forecast: ``fit.forecast`` on the
weekly series, as the daily task computes it). Error: MASE, the mean
absolute error over the horizon scaled by the in-sample mean absolute
error of the one-week naive forecast of the same series (the same scale
for every method, so their ratios compare them); and RMSSE (M5's measure:
root mean squared error scaled the same way), because the absolute error
of an intermittent series is smallest for a forecast of zero (its median),
which orders nothing: the ``zero`` column shows it. Series: every product
with at least 56 weeks of history at the first origin (the seasonal naive
needs a year) and two selling weeks. Also timed: one ``refresh`` of all
the forecasts (the daily task) on the database.

    python -m demo.build_demo -d demo2y --days 730 --orders 4000
    python -m bench.forecast -d demo2y
"""
import argparse
import datetime as dt
import itertools
import statistics
import time
from collections import defaultdict

SEASON = 52


def weekly(days, first, end):
    "weekly sums of {day: units} from monday first to monday end"
    weeks = [0.0] * ((end - first).days // 7)
    for day, quantity in days.items():
        if first <= day < end:
            weeks[(day - first).days // 7] += quantity
    return weeks


def rate_30(days, origin):
    "the stock rules' former daily rate at origin"
    for span in (30, 90):
        since = origin - dt.timedelta(days=span)
        total = sum(q for d, q in days.items() if since <= d < origin)
        if total:
            return total / span
    return 0.0


def mase(actual, forecast, scale):
    return statistics.fmean(
        abs(a - f) for a, f in zip(actual, forecast)) / scale


def rmsse(actual, forecast, scale):
    return (statistics.fmean(
            (a - f) ** 2 for a, f in zip(actual, forecast)) / scale) ** 0.5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument('--origins', type=int, default=13)
    parser.add_argument('--horizon', type=int, default=4)
    parser.add_argument('--history', type=int, default=104,
        help="weeks the forecast learns from (the company's default)")
    args = parser.parse_args()
    from trytond.config import update_etc
    from trytond.modules.ecom_forecast import fit
    from trytond.modules.ecom_forecast.forecast import demand as daily
    from trytond.modules.ecom_forecast.forecast import monday
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    update_etc('trytond.conf')
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0) as transaction:
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Forecast = pool.get('ecom.forecast')
        company, = Company.search([], limit=1)
        with transaction.set_context(company=company.id):
            started = time.monotonic()
            forecasts = Forecast.refresh([company])
            refreshed = time.monotonic() - started
            transaction.rollback()
            # by day, over the whole history (the demo has one warehouse)
            demand = {product: days for (product, _), days in daily(
                    company, dt.date.min, dt.date.max, lambda d: d).items()}
        end = monday(Date.today())
        origins = [end - dt.timedelta(weeks=args.horizon + i)
            for i in reversed(range(args.origins))]
        errors = defaultdict(lambda: defaultdict(list))
        squares = defaultdict(lambda: defaultdict(list))
        wins = defaultdict(int)
        series_count = 0
        fit_time = 0.0
        for days in demand.values():
            first_sale = monday(min(days))
            if (origins[0] - first_sale).days // 7 < SEASON + 4:
                continue
            counted = False
            for origin in origins:
                start = max(first_sale,
                    origin - dt.timedelta(weeks=args.history))
                history = weekly(days, start, origin)
                actual = weekly(days, origin,
                    origin + dt.timedelta(weeks=args.horizon))
                last_year = weekly(days,
                    origin - dt.timedelta(weeks=SEASON),
                    origin - dt.timedelta(weeks=SEASON - args.horizon))
                steps = [b - a for a, b in itertools.pairwise(history)]
                scale = statistics.fmean(abs(d) for d in steps) if steps else 0
                square = statistics.fmean(d * d for d in steps) if steps else 0
                t0 = time.perf_counter()
                result = fit.forecast(history, args.horizon)
                fit_time += time.perf_counter() - t0
                if result is None or not scale:
                    continue
                counted = True
                candidates = {
                    'forecast': result['forecast'],
                    'seasonal naive': last_year,
                    '30-day rate': [7 * rate_30(days, origin)] * args.horizon,
                    'zero': [0.0] * args.horizon,
                    }
                for name, values in candidates.items():
                    for group in ['all', result['pattern']]:
                        errors[group][name].append(
                            mase(actual, values, scale))
                        squares[group][name].append(
                            rmsse(actual, values, square))
                for baseline in ['seasonal naive', '30-day rate']:
                    wins[baseline] += (squares['all']['forecast'][-1]
                        < squares['all'][baseline][-1])
            series_count += counted
        fits = len(errors['all']['forecast'])
        print(f"database {args.database}: {len(demand)} products ordered, "
            f"{series_count} with a year of history; {args.origins} origins "
            f"from {origins[0]} to {origins[-1]}, horizon {args.horizon} "
            f"weeks: {fits} forecasts ({1000 * fit_time / max(fits, 1):.1f} "
            "ms each)")
        print(f"refresh of all forecasts (the daily task): {len(forecasts)} "
            f"forecasts in {refreshed:.2f} s")
        methods = ['forecast', 'seasonal naive', '30-day rate', 'zero']
        for title, table in [('MASE', errors), ('RMSSE', squares)]:
            print(f"{title + ' (mean)':<16}"
                + "".join(f"{m:>16}" for m in methods) + f"{'series':>9}")
            for group in ['all', 'smooth', 'erratic', 'intermittent',
                    'lumpy']:
                if not table[group]['forecast']:
                    continue
                print(f"{group:<16}" + "".join(
                        f"{statistics.fmean(table[group][m]):>16.3f}"
                        for m in methods)
                    + f"{len(table[group]['forecast']):>9}")
        for baseline in methods[1:3]:
            print(f"forecast better (RMSSE) than the {baseline} in "
                f"{wins[baseline]} of {fits} "
                f"({100 * wins[baseline] / max(fits, 1):.0f}%)")


if __name__ == '__main__':
    main()
