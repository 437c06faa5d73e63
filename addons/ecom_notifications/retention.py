"""How long sent notifications keep who they went to and what they said.

Each company sets the days (default 365); the daily *Purge Expired
Notifications* task blanks the recipient, subject, body and error of the
notifications sent (or failed) before, with ecom_orders' purge (one UPDATE
per retention). The entries stay, so an order still shows that its
confirmation went out.
"""
from trytond.model import fields
from trytond.modules.ecom_orders.retention import PURGED, purge
from trytond.pool import PoolMeta

DEFAULT_DAYS = 365
# the marker of ecom_orders' purge, which leaves marked rows alone
REMOVED = PURGED


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    ecom_notification_retention_days = fields.Integer(
        "Notification Retention (days)",
        domain=['OR', ('ecom_notification_retention_days', '=', None),
            ('ecom_notification_retention_days', '>=', 1)],
        help="Days a sent customer email or storefront webhook call keeps "
        f"its recipient and text. Empty: {DEFAULT_DAYS}.")

    @classmethod
    def default_ecom_notification_retention_days(cls):
        return DEFAULT_DAYS


class Notification(metaclass=PoolMeta):
    __name__ = 'ecom.notification'

    @classmethod
    def purge_expired(cls):
        "Blank what the notifications past retention said and to whom"
        return purge(cls, 'create_date', {'recipient': REMOVED,
                'subject': None, 'body': None, 'error': None},
            where_extra=lambda t: t.state.in_(['sent', 'failed']),
            days_field='ecom_notification_retention_days',
            default=DEFAULT_DAYS)
