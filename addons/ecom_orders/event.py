"""Storefront events: every signed webhook delivery, kept before it is read.

A WooCommerce or Shopify webhook is answered as soon as its raw body is
stored here (idempotent on the channel and a digest of topic + body, so a
redelivery is not stored twice); it becomes a sale, or changes one, after
the answer (event_process.py). An event the back office cannot turn into a
sale stays in *Needs Attention* with every reason until staff fix the cause
and retry it; nothing the storefront reported is ever dropped.
"""
import datetime
import hashlib

from trytond import config
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .event_process import drain
from .intake_format import without_nul
from .retention import minimise

STATES = [
    ('received', "Received"),
    ('done', "Done"),
    ('ignored', "Ignored"),
    ('exception', "Needs Attention"),
    ]


def digest(topic, body):
    return hashlib.sha256((topic or '').encode() + b'\n' + body).hexdigest()


class Event(ModelSQL, ModelView):
    "A storefront's report of an order (webhook or pull), kept as received"
    __name__ = 'ecom.storefront.event'
    __string__ = "Storefront Event"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    kind = fields.Selection([
            ('woocommerce', "WooCommerce"),
            ('shopify', "Shopify"),
            ], "Storefront", required=True, readonly=True)
    source = fields.Selection([
            ('webhook', "Webhook"),
            ('pull', "Pull"),
            ], "Source", required=True, readonly=True)
    topic = fields.Char("Topic", readonly=True)
    delivery = fields.Char(
        "Delivery ID", readonly=True,
        help="The storefront's id of the webhook delivery.")
    digest = fields.Char("Digest", required=True, readonly=True)
    external_id = fields.Char("Storefront Order ID", readonly=True)
    storefront_number = fields.Char(
        "Storefront Number", readonly=True,
        help="The order number the customer sees in the storefront.")
    modified_at = fields.DateTime(
        "Modified in Storefront", readonly=True,
        help="The storefront's modification time of the order (UTC): "
        "an event older than the last one applied is ignored.")
    received_at = fields.DateTime("Received", required=True, readonly=True)
    received_date = fields.Function(
        fields.Date("Received Date"), 'get_received')
    received_time = fields.Function(
        fields.Time("Received Time"), 'get_received')
    payload = fields.Text("Payload", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    code = fields.Char("Error Code", readonly=True)
    errors = fields.Text(
        "Reasons", readonly=True,
        states={'invisible': ~Eval('errors')})
    note = fields.Text("Result", readonly=True)
    sale = fields.Many2One(
        'sale.sale', "Sale", readonly=True, ondelete='SET NULL')
    attempts = fields.Integer("Attempts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('digest_unique', Unique(t, t.channel, t.digest),
                'ecom_orders.msg_event_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['received', 'exception'])),
                Index(t, (t.channel, Index.Equality()),
                    (t.external_id, Index.Equality())),
                })
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'retry': {
                    'invisible': ~Eval('state').in_(['exception', 'ignored']),
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': Eval('state') != 'exception',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'received'

    @staticmethod
    def default_attempts():
        return 0

    @staticmethod
    def default_source():
        return 'webhook'

    def get_received(self, name):
        if not self.received_at:
            return None
        at = self.received_at.replace(tzinfo=datetime.UTC)
        zone = self.company.timezone if self.company else None
        if zone:
            import zoneinfo
            at = at.astimezone(zoneinfo.ZoneInfo(zone))
        return at.date() if name == 'received_date' else at.time().replace(
            microsecond=0)

    def get_rec_name(self, name):
        return (f'{self.channel.rec_name} '
            f'{self.storefront_number or self.external_id or self.id}'
            f' ({self.topic})')

    @classmethod
    def receive(cls, channel, kind, topic, body, facts, delivery=None,
            source='webhook'):
        """Store one delivery; return (event, whether it was stored before).
        facts: external_id, number and modified_at read from the body."""
        key = digest(topic, body)
        existing = cls.search([
                ('channel', '=', channel.id), ('digest', '=', key)], limit=1)
        if existing:
            return existing[0], True
        with without_check_access():
            event, = cls.create([{
                        'company': channel.company.id,
                        'channel': channel.id,
                        'kind': kind, 'source': source, 'topic': topic,
                        'delivery': without_nul(delivery or '')[:100] or None,
                        'digest': key,
                        'external_id': without_nul(facts.get('external_id')),
                        'storefront_number': without_nul(facts.get('number')),
                        'modified_at': facts.get('modified_at'),
                        'received_at': datetime.datetime.now(),
                        'payload': without_nul(minimise(
                            kind, body.decode('utf-8', 'replace'))),
                        }])
        if config.getboolean('queue', 'worker', default=False):
            # else the receiver drains once it has answered
            cls.__queue__.process([event])
        return event, False

    @classmethod
    def queue(cls, events):
        """Have the events processed once committed: by a queue worker
        where the server has them, else by this process"""
        if config.getboolean('queue', 'worker', default=False):
            cls.__queue__.process(events)
        else:
            Transaction().atexit(drain, Pool().database_name)

    @classmethod
    @ModelView.button
    def retry(cls, events):
        "Process again, after the cause was fixed"
        cls.write(events, {'state': 'received', 'code': None, 'errors': None,
                'attempts': 0})
        cls.queue(events)

    @classmethod
    @ModelView.button
    def dismiss(cls, events):
        "Nothing to do in the back office (handled in the storefront)"
        user = Pool().get('res.user')(Transaction().user)
        cls.write(events, {'state': 'ignored',
                'note': f"dismissed by {user.rec_name}"})

    @classmethod
    def process(cls, events):
        "Queue task: turn the received events into sales, once committed"
        Transaction().atexit(drain, Pool().database_name)

    @classmethod
    def process_pending(cls):
        "Cron: the events still received (a crash, a busy database)"
        Transaction().atexit(drain, Pool().database_name, retry=True)
