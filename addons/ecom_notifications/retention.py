"""How long sent notifications keep who they went to and what they said.

Each company sets the days (default 365); the daily *Purge Expired
Notifications* task blanks the recipient, subject, body and error of the
notifications sent (or failed) before, with one UPDATE per company. The
entries stay, so an order still shows that its confirmation went out.
"""
import datetime as dt

from sql import Null
from trytond.model import fields
from trytond.modules.ecom_base.records import forget_all
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

DEFAULT_DAYS = 365
REMOVED = "[removed: retention period]"


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
        Company = Pool().get('company.company')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = dt.datetime.now()
        count = 0
        for company in Company.search([]):
            days = company.ecom_notification_retention_days or DEFAULT_DAYS
            cursor.execute(*table.update(
                    [table.recipient, table.subject, table.body, table.error],
                    [REMOVED, Null, Null, Null],
                    where=(table.company == company.id)
                    & table.state.in_(['sent', 'failed'])
                    & (table.create_date < now - dt.timedelta(days=days))
                    & (table.recipient != REMOVED)))
            count += max(cursor.rowcount, 0)
        forget_all(cls)
        return count
