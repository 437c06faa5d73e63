"""Demo: weekly demand forecasts from the year of orders (before the stock
rules, so their days of cover and low-stock alerts use them)."""
from collections import Counter

from trytond.pool import Pool


def build(log):
    forecasts = Pool().get('ecom.forecast').refresh()
    methods = Counter(f.method for f in forecasts)
    log(f"{len(forecasts)} demand forecasts: {methods['ets']} by exponential "
        f"smoothing, {methods['tsb']} by TSB (intermittent)")
