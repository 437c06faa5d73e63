from trytond.i18n import gettext
from trytond.modules.ecom_orders.exceptions import FieldErrors


class RetentionError(FieldErrors):
    "A retention outside 3 to 3650 days"

    def __init__(self, channel, days):
        super().__init__([('analytics_retention', gettext(
                        'ecom_analytics.msg_retention_range',
                        channel=channel, days=days))])

