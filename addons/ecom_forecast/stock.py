"""The stock rules and low-stock alerts take the forecast's daily rate
where a product has a forecast in the warehouse; the 30/90-day sales rate
of ecom_catalog otherwise."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

FORECAST = ('forecast', "Demand forecast")


class SafetyStock(metaclass=PoolMeta):
    __name__ = 'ecom.safety_stock'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.rate_basis.selection.append(FORECAST)

    @classmethod
    def ecom_daily_rates(cls, warehouse, product_ids):
        "the forecast's rate where there is one, the sales rate elsewhere"
        company = Transaction().context.get('company')
        forecast = {}
        if company is not None:
            forecast = Pool().get('ecom.forecast').rates(
                company, warehouse, product_ids)
        rates = super().ecom_daily_rates(warehouse,
            [p for p in product_ids if p not in forecast])
        rates.update((p, (r, FORECAST[0])) for p, r in forecast.items())
        return rates


class StockAlert(metaclass=PoolMeta):
    __name__ = 'ecom.stock.alert'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.rate_basis.selection.append(FORECAST)
