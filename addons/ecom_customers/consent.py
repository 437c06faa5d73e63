"""Marketing consent as a ledger: every grant or withdrawal is a new entry
(channel, source, time, the text version agreed to); entries are never
changed or deleted. The latest entry of an address decides."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.ecom_base.bulk import in_, lookups
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

CHANNELS = [('email', "Email"), ('sms', "SMS")]
SOURCES = [
    ('checkout', "Checkout"),
    ('form', "Sign-up Form"),
    ('staff', "Staff"),
    ('unsubscribe', "Unsubscribe Link"),
    ]


def normalize(channel, address):
    address = (address or '').strip()
    if channel == 'email':
        return address.lower()
    return ''.join(c for c in address if c.isdigit() or c == '+')


class Consent(ModelSQL, ModelView):
    "Marketing Consent"
    __name__ = 'ecom.customer.consent'
    __string__ = "Marketing Consent"

    company = fields.Many2One('company.company', "Company", required=True)
    party = fields.Many2One(
        'party.party', "Customer", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The customer, when the address is known as one of theirs.")
    channel = fields.Selection(CHANNELS, "Channel", required=True)
    address = fields.Char(
        "Address", required=True,
        help="The email address or phone number the consent is about.")
    action = fields.Selection([
            ('grant', "Granted"),
            ('withdraw', "Withdrawn"),
            ], "Action", required=True)
    source = fields.Selection(SOURCES, "Source", required=True)
    recorded_at = fields.Timestamp("Recorded At", required=True)
    text_version = fields.Char(
        "Text Version",
        states={'required': Eval('action') == 'grant'},
        help="The version of the consent wording the customer agreed to.")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('recorded_at', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t,
                (t.company, Index.Equality()),
                (t.channel, Index.Equality()),
                (t.address, Index.Equality(cardinality='high'))))
        for name in ['company', 'party', 'channel', 'address', 'action',
                'source', 'recorded_at', 'text_version']:
            field = getattr(cls, name)
            field.states = {**field.states, 'readonly': Eval('id', -1) >= 0}

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_source(cls):
        return 'staff'

    @classmethod
    def default_recorded_at(cls):
        return dt.datetime.now()

    @fields.depends('party', 'channel', 'address')
    def on_change_party(self):
        if self.party and not self.address:
            mechanism = self.party.contact_mechanism_get(
                'email' if self.channel == 'email' else {'mobile', 'phone'})
            if mechanism:
                self.address = mechanism.value

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'address' in values:
            values['address'] = normalize(
                values.get('channel', 'email'), values['address'])
        return values

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            # from RPC: a staff entry, recorded now, whatever was sent
            now = dt.datetime.now()
            vlist = [{**v, 'source': 'staff', 'recorded_at': now}
                for v in vlist]
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        # No context key opens the ledger (a client may send any key that
        # does not start with "_"): the erasure blanks entries with SQL.
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('ecom_customers.msg_consent_ledger'))

    @classmethod
    def status(cls, company, channel, addresses):
        """{address: latest action} of the addresses (normalized) that have
        an entry; the others have never consented"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        addresses = sorted({normalize(channel, a) for a in addresses})
        for sub in lookups(addresses):
            cursor.execute(*table.select(
                    table.address, table.action,
                    where=(table.company == company)
                    & (table.channel == channel) & in_(table.address, sub),
                    order_by=[table.recorded_at.asc, table.id.asc]))
            result.update(cursor)
        return result

    @classmethod
    def consenting(cls, company, channel, addresses):
        "The addresses whose latest entry grants consent"
        status = cls.status(company, channel, addresses)
        return {a for a in addresses
            if status.get(normalize(channel, a)) == 'grant'}

    @classmethod
    def record(cls, company, channel, address, action, source,
            text_version=None, party=None, note=None):
        "Append an entry unless it repeats the latest one"
        address = normalize(channel, address)
        latest = cls.search([
                ('company', '=', company), ('channel', '=', channel),
                ('address', '=', address)], limit=1)
        if latest and latest[0].action == action and (
                action == 'withdraw'
                or latest[0].text_version == text_version):
            return latest[0]
        entry, = cls.create([{
                    'company': company, 'channel': channel,
                    'address': address, 'action': action, 'source': source,
                    'text_version': text_version,
                    'party': party.id if party else None, 'note': note}])
        return entry


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ecom_consents = fields.One2Many(
        'ecom.customer.consent', 'party', "Marketing Consents",
        readonly=True)
    ecom_email_consent = fields.Function(fields.Selection([
                (None, "Never asked"),
                ('grant', "Granted"),
                ('withdraw', "Withdrawn"),
                ], "Email Marketing"), 'get_ecom_email_consent')

    @classmethod
    def get_ecom_email_consent(cls, parties, name):
        Consent = Pool().get('ecom.customer.consent')
        company = Transaction().context.get('company')
        emails = defaultdict(list)
        for party in parties:
            for mechanism in party.contact_mechanisms:
                if mechanism.type == 'email' and mechanism.value:
                    emails[party.id].append(mechanism.value)
        status = Consent.status(
            company, 'email', [e for v in emails.values() for e in v])
        result = {}
        for party in parties:
            actions = [status.get(normalize('email', e))
                for e in emails[party.id]]
            result[party.id] = next(
                (a for a in actions if a == 'grant'),
                next(filter(None, actions), None))
        return result
