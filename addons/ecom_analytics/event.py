"""Raw storefront events, as the beacon route received them.

Written in bulk with one SQL INSERT per slice (``ingest``): a storefront
sends thousands a second and each event is a row nobody edits. Kept
``retention_days`` of their channel (see channel.py), then purged by the
daily aggregation once their day is summarised (daily.py). No IP address is
stored, only its network (``ip_prefix``: /24 for IPv4, /48 for IPv6).
"""
import datetime as dt

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.ecom_base.network import ip_prefix
from trytond.modules.ecom_base.records import date_or_time
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

KINDS = [
    ('page_view', "Page View"),
    ('product_view', "Product View"),
    ('add_to_cart', "Add to Cart"),
    ('checkout_started', "Checkout Started"),
    ]


class Event(ModelSQL, ModelView):
    "A storefront event: a page or product viewed, a cart, a checkout"
    __name__ = 'ecom.analytics.event'
    __string__ = "Visit Event"
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    session = fields.Char("Session", required=True, readonly=True,
        help="The storefront's id of the visit (a cookie), not a person.")
    kind = fields.Selection(KINDS, "Event", required=True, readonly=True)
    occurred_at = fields.Timestamp("Occurred At", required=True,
        readonly=True, help="UTC.")
    occurred_date = fields.Function(fields.Date("Date"), 'get_occurred')
    occurred_time = fields.Function(fields.Time("Time"), 'get_occurred')
    path = fields.Char("Page", readonly=True,
        help="The page's path, without its query string.")
    referrer = fields.Char("Referrer", readonly=True,
        help="The host of the page the visitor came from.")
    product = fields.Many2One('product.product', "Product", readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    ip_prefix = fields.Char("Network", readonly=True,
        help="The visitor's network (/24 or /48): the address itself is "
        "never stored.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.channel, Index.Equality()),
                    (t.occurred_at, Index.Range())),
                Index(t, (t.occurred_at, Index.Range())),
                })
        cls._order = [('occurred_at', 'DESC'), ('id', 'DESC')]

    def get_occurred(self, name):
        return date_or_time(self.occurred_at, name)

    @classmethod
    def ingest(cls, channel, events, remote_addr=None):
        """Insert events (dicts of beacon.parse) of channel in bulk; the
        network of remote_addr is kept, not the address. Return how many"""
        pool = Pool()
        Product = pool.get('product.product')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        skus = sorted({e['sku'] for e in events if e.get('sku')})
        products = {}
        for sub in grouped_slice(skus, backend.MAX_QUERY_PARAMS):
            for product in Product.search([('code', 'in', list(sub))]):
                products.setdefault(product.code, product.id)
        network = ip_prefix(remote_addr)
        now = dt.datetime.now()
        columns = [table.company, table.channel, table.session, table.kind,
            table.occurred_at, table.path, table.referrer, table.product,
            table.ip_prefix, table.create_uid, table.create_date]
        rows = [[channel.company.id, channel.id, e['session'], e['kind'],
                e['at'], e.get('path'), e.get('referrer'),
                products.get(e.get('sku')), network, transaction.user, now]
            for e in events]
        size = max(1, backend.MAX_QUERY_PARAMS // len(columns))
        for sub in grouped_slice(rows, size):
            cursor.execute(*table.insert(columns, list(sub)))
        return len(rows)

    @classmethod
    def purge(cls, channel, before):
        "Delete the raw events of channel that occurred before the moment"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.delete(where=(table.channel == channel.id)
                & (table.occurred_at < before)))
