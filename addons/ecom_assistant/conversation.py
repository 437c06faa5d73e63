"""Conversations of the customer assistant, their messages and the FAQ
entries staff edit. What the assistant answers is in dialog.py."""
import datetime as dt
import secrets

from sql.aggregate import Count
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_base.records import date_or_time
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

LANGUAGES = [('en', "English"), ('es', "Spanish")]
AWAITING = [
    (None, ""),
    ('order', "Order Number and Email"),
    ('return_lines', "Items to Return"),
    ('return_reason', "Return Reason"),
    ('contact', "Contact Email"),
    ]


class Faq(ModelSQL, ModelView):
    "A question the assistant answers by itself"
    __name__ = 'ecom.assistant.faq'
    __string__ = "Assistant FAQ Entry"
    company = fields.Many2One('company.company', "Company", required=True)
    question = fields.Char("Question", required=True, translate=True)
    phrasings = fields.Text("Other Phrasings", translate=True,
        help="Other ways shoppers ask it, one per line (in each language: "
        "switch the language to translate them).")
    answer = fields.Text("Answer", required=True, translate=True)
    active = fields.Boolean("Active")
    hits = fields.Function(fields.Integer("Times Answered"), 'get_hits')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_active(cls):
        return True

    def examples(self):
        "The question and its other phrasings (this context's language)"
        return [self.question, *(self.phrasings or '').splitlines()]

    @classmethod
    def get_hits(cls, faqs, name):
        Message = Pool().get('ecom.assistant.message')
        hits = {f.id: 0 for f in faqs}
        for faq_id, count in Message.count_by_faq(list(hits)):
            hits[faq_id] = count
        return hits


class Conversation(ModelSQL, ModelView):
    "A shopper's conversation with the assistant of a sales channel"
    __name__ = 'ecom.assistant.conversation'
    __string__ = "Assistant Conversation"
    _rec_name = 'token'
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One('ecom.channel', "Channel", required=True,
        readonly=True, ondelete='CASCADE')
    token = fields.Char("Token", required=True, readonly=True,
        help="The conversation's id the chat sends with each message.")
    language = fields.Selection(LANGUAGES, "Language", required=True,
        readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('handed_over', "Handed Over"),
            ], "State", required=True, readonly=True, sort=False)
    started_date = fields.Function(fields.Date("Date"), 'get_started')
    started_time = fields.Function(fields.Time("Time"), 'get_started')
    awaiting = fields.Selection(AWAITING, "Waiting For", readonly=True)
    next_intent = fields.Char("Then", readonly=True)
    pending_order = fields.Char("Order Number Given", readonly=True)
    email = fields.Char("Email Given", readonly=True)
    sale = fields.Many2One('sale.sale', "Verified Order", readonly=True,
        help="The order whose number and email the shopper gave.")
    return_lines = fields.Char("Lines Chosen", readonly=True)
    complaint = fields.Many2One('sale.complaint', "Handed Over As",
        readonly=True,
        help="The complaint opened for staff when the assistant was unsure "
        "or the shopper asked for a person.")
    return_ = fields.Many2One('sale.complaint', "Return Opened",
        readonly=True)
    messages = fields.One2Many('ecom.assistant.message', 'conversation',
        "Messages", readonly=True)
    message_count = fields.Function(
        fields.Integer("Messages"), 'get_message_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('token_unique', Unique(table, table.token),
                'ecom_assistant.msg_token_unique'),
            ]
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'open'

    def get_started(self, name):
        return date_or_time(self.create_date, name)

    @classmethod
    def get_message_count(cls, conversations, name):
        Message = Pool().get('ecom.assistant.message')
        counts = {c.id: 0 for c in conversations}
        for conversation_id, count in Message.count_by_conversation(
                list(counts)):
            counts[conversation_id] = count
        return counts

    @classmethod
    def start(cls, channel, language):
        conversation, = cls.create([{
                    'company': channel.company.id, 'channel': channel.id,
                    'token': secrets.token_urlsafe(18),
                    'language': language,
                    }])
        return conversation

    def transcript(self):
        "The conversation as text, for the staff who take it over"
        return '\n'.join(
            f"[{m.create_date:%Y-%m-%d %H:%M}] {m.sender}: {m.text}"
            for m in sorted(self.messages, key=lambda m: m.id))


class Message(ModelSQL, ModelView):
    "A message of an assistant conversation"
    __name__ = 'ecom.assistant.message'
    __string__ = "Assistant Message"
    conversation = fields.Many2One('ecom.assistant.conversation',
        "Conversation", required=True, readonly=True, ondelete='CASCADE')
    sender = fields.Selection([
            ('shopper', "Shopper"),
            ('assistant', "Assistant"),
            ], "From", required=True, readonly=True)
    text = fields.Text("Text", required=True, readonly=True)
    intent = fields.Char("Understood As", readonly=True)
    faq = fields.Many2One('ecom.assistant.faq', "FAQ Entry", readonly=True,
        ondelete='SET NULL')
    confidence = fields.Float("Confidence", digits=(1, 2), readonly=True,
        states={'invisible': Eval('sender') != 'shopper'})
    network = fields.Char("Network", readonly=True,
        help="The shopper's network (/24 or /48), not the address.")
    failed_check = fields.Boolean("Failed Order Check", readonly=True,
        help="An order number and email that did not match an order.")
    sent_date = fields.Function(fields.Date("Date"), 'get_sent')
    sent_time = fields.Function(fields.Time("Time"), 'get_sent')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    def get_sent(self, name):
        return date_or_time(self.create_date, name)

    @classmethod
    def _grouped_count(cls, column_name, ids):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        column = getattr(table, column_name)
        for start in range(0, len(ids), 1000):
            cursor.execute(*table.select(column, Count(table.id),
                    where=column.in_(ids[start:start + 1000]),
                    group_by=[column]))
            yield from cursor

    @classmethod
    def count_by_faq(cls, ids):
        return cls._grouped_count('faq', ids)

    @classmethod
    def count_by_conversation(cls, ids):
        return cls._grouped_count('conversation', ids)

    @classmethod
    def recent(cls, domain, minutes):
        "How many messages match domain in the last minutes"
        # create_date is naive UTC
        since = (dt.datetime.now(dt.UTC).replace(tzinfo=None)
            - dt.timedelta(minutes=minutes))
        return cls.search_count(domain + [('create_date', '>=', since)])
