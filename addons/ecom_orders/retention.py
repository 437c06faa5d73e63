"""How long what storefronts sent us is kept (GDPR storage limitation).

Each company sets, in days, how long the Intake Log keeps a delivery's
payload and client address and how long a processed storefront event keeps
its payload (default 90). The daily *Purge Expired Storefront Payloads*
task blanks them with one UPDATE per company and table; the entries stay
(channel, order id, status, errors, sale) so the log still tells what
happened. Payloads are stored without the storefront's client details,
which no replay reads.
"""
import datetime as dt
import json

from sql import Null
from sql.operators import NotIn
from trytond.model import fields
from trytond.modules.ecom_base.records import forget_all
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

DEFAULT_DAYS = 90
PURGED = "[removed after {days} days: retention period of the company]"
# top-level keys of storefront orders that no intake or replay reads
UNNEEDED = {
    'woocommerce': {'customer_ip_address', 'customer_user_agent', '_links'},
    # landing_site and referring_site are read: the order's attribution
    'shopify': {'browser_ip', 'client_details'},
    }


def minimise(kind, payload):
    "payload (JSON text) without the keys of UNNEEDED[kind]"
    drop = UNNEEDED.get(kind)
    if not drop or not payload or not any(k in payload for k in drop):
        return payload
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(data, dict):
        return payload
    return json.dumps({k: v for k, v in data.items() if k not in drop},
        ensure_ascii=False)


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    ecom_payload_retention_days = fields.Integer(
        "Storefront Payload Retention (days)",
        domain=['OR', ('ecom_payload_retention_days', '=', None),
            ('ecom_payload_retention_days', '>=', 1)],
        help="Days the Intake Log keeps an order's payload and client "
        "address, and a processed storefront event its payload. "
        f"Empty: {DEFAULT_DAYS}.")

    @classmethod
    def default_ecom_payload_retention_days(cls):
        return DEFAULT_DAYS


def purge(Model, date_column, values, where_extra=None,
        days_field='ecom_payload_retention_days', default=DEFAULT_DAYS):
    """Blank the columns of values in rows of Model older than their
    company's retention (days_field of the company, default when empty);
    rows of no company use the default"""
    Company = Pool().get('company.company')
    table = Model.__table__()
    company_column = table.company
    date_column = getattr(table, date_column)
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    by_days = {}
    for company in Company.search([]):
        days = getattr(company, days_field) or default
        by_days.setdefault(days, []).append(company.id)
    known = [c for ids in by_days.values() for c in ids]
    groups = list(by_days.items())
    groups.append((default, None))
    columns = [getattr(table, name) for name in values]
    count = 0
    for days, company_ids in groups:
        if company_ids is None:
            scope = (company_column == Null)
            if known:
                scope |= NotIn(company_column, known)
        else:
            scope = company_column.in_(company_ids)
        where = scope & (date_column < now - dt.timedelta(days=days))
        # rows purged already are left alone
        where &= (columns[0] == Null) | ~columns[0].like('[removed after %')
        if where_extra is not None:
            where &= where_extra(table)
        cursor.execute(*table.update(columns, [
                    v.format(days=days) if isinstance(v, str) else v
                    for v in values.values()], where=where))
        count += max(cursor.rowcount, 0)
    forget_all(Model)
    return count


class IntakeLog(metaclass=PoolMeta):
    __name__ = 'ecom.intake.log'

    @classmethod
    def purge_expired(cls):
        "Blank the payloads and addresses of entries past retention"
        return purge(cls, 'create_date',
            {'payload': PURGED, 'remote_addr': None},
            where_extra=lambda t: (t.payload != Null) | (t.remote_addr != Null))


class Event(metaclass=PoolMeta):
    __name__ = 'ecom.storefront.event'

    @classmethod
    def purge_expired(cls):
        "Blank the payloads of processed events past retention"
        return purge(cls, 'received_at', {'payload': PURGED},
            where_extra=lambda t: t.state.in_(['done', 'ignored'])
            & (t.payload != Null))

    @classmethod
    def purge_storefront_payloads(cls):
        "The daily task: intake log and storefront events"
        Pool().get('ecom.intake.log').purge_expired()
        cls.purge_expired()
