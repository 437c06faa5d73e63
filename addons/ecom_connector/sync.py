"""The sync log: one entry per run of a connector task and channel."""
import datetime

from sql.aggregate import Max
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_base.records import date_or_time
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('pull', "Order Pull"),
    ('stock', "Stock Push"),
    ('fulfilment', "Fulfilment Push"),
    ('catalogue', "Catalogue Import"),
    ]


class Sync(ModelSQL, ModelView):
    "A run of the storefront connector"
    __name__ = 'ecom.channel.sync'
    __string__ = "Storefront Sync"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    state = fields.Selection([
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    started_at = fields.DateTime("Started", readonly=True)
    date = fields.Function(fields.Date("Date"), 'get_when')
    time = fields.Function(fields.Time("Time"), 'get_when')
    records = fields.Integer(
        "Records", readonly=True,
        help="Orders pulled, listings or shipments pushed, storefront "
        "products listed.")
    calls = fields.Integer(
        "API Calls", readonly=True,
        help="Requests sent to the storefront, retries included.")
    seconds = fields.Float("Seconds", digits=(16, 2), readonly=True)
    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('started_at', 'DESC'), ('id', 'DESC')]

    def get_when(self, name):
        return date_or_time(self.started_at, name)

    @classmethod
    def record(cls, channel, kind, started_at, state, records, calls,
            message=None):
        with without_check_access():
            sync, = cls.create([{
                        'company': channel.company.id, 'channel': channel.id,
                        'kind': kind, 'state': state,
                        'started_at': started_at, 'records': records,
                        'calls': calls, 'message': message,
                        'seconds': round((datetime.datetime.now()
                                - started_at).total_seconds(), 2),
                        }])
        return sync

    @classmethod
    def last_done(cls, channels, kind):
        "{channel id: started_at of its last successful run of kind}"
        table = cls.__table__()
        ids = [c.id for c in channels]
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.channel, Max(table.started_at),
                where=table.channel.in_(ids) & (table.kind == kind)
                & (table.state == 'done'),
                group_by=[table.channel]))
        result = dict.fromkeys(ids)
        result.update(cursor)
        return result
