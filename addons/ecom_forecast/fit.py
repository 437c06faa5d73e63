"""Weekly demand forecasts of one series, with statsforecast.

The demand pattern decides the model (Syntetos-Boylan classes, from the
average interval between weeks with sales, ADI, and the squared
coefficient of variation of the quantities sold in those weeks, CV²):

- smooth (ADI < 1.32, CV² < 0.49) and erratic (ADI < 1.32): a product that
  sells nearly every week. **AutoETS** (exponential smoothing, error,
  trend and damping chosen by AICc; no season: the history holds one or
  two years of weeks, too few seasons to estimate 52 weekly indices).
- intermittent (ADI >= 1.32) and lumpy (ADI >= 1.32, CV² >= 0.49): weeks
  without sales are frequent. **TSB** (Teunter-Syntetos-Babai: smooths
  the probability of a sale and the size of a sale apart, so a product
  that stopped selling sees its forecast decay, which Croston's method
  never does); its two smoothing constants are chosen from a small grid
  by the in-sample error.

Nothing here touches the database: the module, the tests and the
backtest in bench/ call ``forecast`` on plain lists.
"""
import math
import statistics
import warnings

ADI_CUT = 1.32
CV2_CUT = 0.49
MIN_WEEKS = 8  # fewer weeks of history: no forecast
MIN_SALES = 2  # fewer weeks with sales: no forecast
TSB_GRID = [0.05, 0.1, 0.2, 0.3]


def pattern(series):
    """Syntetos-Boylan class of a weekly series: 'smooth', 'erratic',
    'intermittent' or 'lumpy'; None with fewer than two selling weeks"""
    sizes = [q for q in series if q > 0]
    if len(sizes) < MIN_SALES:
        return None
    adi = len(series) / len(sizes)
    mean = statistics.fmean(sizes)
    cv2 = (statistics.pstdev(sizes) / mean) ** 2
    if adi < ADI_CUT:
        return 'smooth' if cv2 < CV2_CUT else 'erratic'
    return 'intermittent' if cv2 < CV2_CUT else 'lumpy'


def _tsb(y, horizon):
    from statsforecast.models import TSB
    best = None
    for alpha_d in TSB_GRID:
        for alpha_p in TSB_GRID:
            result = TSB(alpha_d=alpha_d, alpha_p=alpha_p).forecast(
                y=y, h=horizon, fitted=True)
            fitted = result['fitted']
            error = sum((a - f) ** 2 for a, f in zip(y, fitted)
                if not math.isnan(f))  # the first fitted value is NaN
            if best is None or error < best[0]:
                best = (error, result)
    return best[1]


def _ets(y, horizon):
    from statsforecast.models import AutoETS
    return AutoETS(season_length=1).forecast(y=y, h=horizon, fitted=True)


def forecast(series, horizon):
    """Forecast of a weekly series (oldest week first) for the next
    horizon weeks: a dict with 'pattern', 'method' ('ets' or 'tsb'),
    'forecast' (horizon values), 'fitted' (one-step in-sample values, None
    where the model has none); None when the history is too short or
    holds fewer than two selling weeks"""
    kind = pattern(series)
    if kind is None or len(series) < MIN_WEEKS:
        return None
    import numpy as np
    y = np.asarray(series, dtype=float)
    method = 'ets' if kind in {'smooth', 'erratic'} else 'tsb'
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = (_ets if method == 'ets' else _tsb)(y, horizon)
    return {
        'pattern': kind,
        'method': method,
        'forecast': [max(0.0, float(v)) for v in result['mean']],
        'fitted': [None if math.isnan(v) else max(0.0, float(v))
            for v in result['fitted']],
        }
