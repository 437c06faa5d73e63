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
        rates = super().ecom_daily_rates(warehouse, product_ids)
        company = Transaction().context.get('company')
        if company is not None:
            Forecast = Pool().get('ecom.forecast')
            for product, rate in Forecast.rates(
                    company, warehouse, product_ids).items():
                rates[product] = (rate, FORECAST[0])
        return rates


class StockAlert(metaclass=PoolMeta):
    __name__ = 'ecom.stock.alert'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.rate_basis.selection.append(FORECAST)
