from trytond.i18n import gettext
from trytond.modules.ecom_orders.exceptions import FieldErrors


class ForecastSettingError(FieldErrors):
    "A forecast history or horizon outside its range"

    def __init__(self, Company, errors):
        super().__init__([(name, gettext('ecom_forecast.msg_setting_range',
                        company=company.rec_name,
                        field=Company.__names__(name)['field'],
                        value=value, low=low, high=high))
                for company, name, value, low, high in errors])
