"""How many weeks of orders the forecasts learn from and how far ahead
they look, per company."""
from trytond.model import fields
from trytond.pool import PoolMeta

from .exceptions import ForecastSettingError

LIMITS = {
    'forecast_history': (8, 260),
    'forecast_horizon': (1, 26),
    }


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    forecast_history = fields.Integer("Forecast History (weeks)",
        required=True,
        help="Weeks of orders the demand forecasts learn from (8 to 260).")
    forecast_horizon = fields.Integer("Forecast Horizon (weeks)",
        required=True,
        help="Weeks ahead the demand forecasts look; the stock rules use "
        "their mean (1 to 26).")

    @classmethod
    def default_forecast_history(cls):
        return 104

    @classmethod
    def default_forecast_horizon(cls):
        return 8

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        errors = []
        for company in companies:
            for name, (low, high) in LIMITS.items():
                value = getattr(company, name)
                if name in field_names and not (
                        value is not None and low <= value <= high):
                    errors.append((company, name, value, low, high))
        if errors:
            raise ForecastSettingError(cls, errors)
