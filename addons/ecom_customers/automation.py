"""Marketing automation on upstream ``marketing_automation``: our records
as scenario triggers, two more actions, and the rules of our shop.

* Triggers (``MarketingAutomationMixin``): a consent entry (newsletter
  confirmed), a customer shipment (delivered), a segment membership
  (segment entered), a kept cart (abandoned); upstream already has sales.
* Actions: *Give Coupon Code* (a new code of a coupon, for the record's
  later emails: ``${coupon}``) and *Add to Newsletter List*.
* Rules: an email goes only to an address whose latest consent entry is a
  grant (checked when it is sent; the others are skipped); a *Send email*
  template must carry the unsubscribe link (``href="unsubscribe"``), and
  following it records a withdrawal in the consent ledger; a customer is
  never in the same scenario twice at once (an entry while another of the
  same customer still has activities waiting is blocked).
"""
import logging

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, dualmethod, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_base.customers import customer_for
from trytond.modules.ecom_promotions.coupon import new_codes
from trytond.modules.marketing_automation.mixin import (
    MarketingAutomationMixin,
)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools.email_ import format_address
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)

COUPON_LENGTH = 8


def address_of(record):
    "The email address a scenario's record writes to"
    email = getattr(record, 'email', None) or getattr(record, 'address', None)
    if email:
        return email
    party = record.marketing_party
    return party.email if party else None


def company_of(record):
    company = getattr(record, 'company', None)
    return company.id if company else None


class _PartyOf(MarketingAutomationMixin):
    "marketing_party is the record's field _party_field"
    __slots__ = ()
    _party_field = 'party'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if isinstance(getattr(cls, 'company', None), fields.Field):
            cls.marketing_party.context = {'company': Eval('company', -1)}
            cls.marketing_party.depends = {'company'}

    def get_marketing_party(self, name):
        party = getattr(self, self._party_field)
        return party.id if party else None

    @classmethod
    def search_marketing_party(cls, name, clause):
        nested = clause[0][len(name):]
        return [(cls._party_field + nested, *clause[1:])]

    @property
    def marketing_access_context(self):
        ModelData = Pool().get('ir.model.data')
        context = super().marketing_access_context
        context['_groups'].append(
            ModelData.get_id('ecom_base.group_ecom_user'))
        if company_of(self):
            context['_companies'] = [company_of(self)]
        return context


class Cart(_PartyOf, metaclass=PoolMeta):
    __name__ = 'ecom.cart'

    @classmethod
    def record(cls, channel_id, company_id, request, answer):
        """A cart whose shopper accepted marketing records the grant and,
        for a guest, the customer (a lead: reminders need one)"""
        Consent = Pool().get('ecom.customer.consent')
        cart = super().record(channel_id, company_id, request, answer)
        if not (cart and cart.accepts_marketing and cart.email
                and cart.state == 'open'):
            return cart
        if cart.party is None:
            cls.write([cart], {'party': customer_for(cart.email).id})
        Consent.record(company_id, 'email', cart.email, 'grant', 'checkout',
            text_version=f'checkout:{cart.channel.code}', party=cart.party)
        return cart


class Consent(_PartyOf, metaclass=PoolMeta):
    __name__ = 'ecom.customer.consent'


class SegmentMember(_PartyOf, metaclass=PoolMeta):
    __name__ = 'ecom.customer.segment.member'


class Sale(metaclass=PoolMeta):
    "Upstream's trigger on orders: its party read in the sale's company"
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.marketing_party.context = {'company': Eval('company', -1)}
        cls.marketing_party.depends = {'company'}


class ShipmentOut(_PartyOf, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'
    _party_field = 'customer'


class Activity(metaclass=PoolMeta):
    __name__ = 'marketing.automation.activity'

    ecom_coupon = fields.Many2One(
        'sale.promotion.coupon', "Coupon",
        states={
            'invisible': Eval('action') != 'ecom_coupon',
            },
        help="A new code of this coupon is made for the record; the "
        "emails after it show it with ${coupon}. Required to run the "
        "scenario.")
    ecom_list = fields.Many2One(
        'marketing.email.list', "Newsletter List",
        states={
            'invisible': Eval('action') != 'ecom_add_to_list',
            },
        help="Required to run the scenario.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection = cls.action.selection + [
            ('ecom_coupon', "Give Coupon Code"),
            ('ecom_add_to_list', "Add to Newsletter List"),
            ]

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        for activity in activities:
            if (activity.action == 'send_email' and activity.email_template
                    and 'href="unsubscribe' not in activity.email_template):
                raise ValidationError(gettext(
                        'ecom_customers.msg_automation_unsubscribe',
                        activity=activity.rec_name,
                        field=cls.__names__('email_template')['field']))

    def _email_recipient(self, record):
        "None (nothing sent) unless the address's latest consent grants"
        Consent = Pool().get('ecom.customer.consent')
        address = address_of(record)
        company = company_of(record)
        if not address or not company or not Consent.consenting(
                company, 'email', [address]):
            logger.info("automation %s: %s of %s skipped (no consent)",
                self.id, record, company)
            return None
        party = record.marketing_party
        return format_address(address, party.rec_name if party else '')

    def _email(self, sender, to, subject, content):
        "No recipient, no To header (upstream would write 'None' there)"
        msg = super()._email(sender, to, subject, content)
        if not to:
            del msg['To']
        return msg

    def email_context(self, record):
        context = super().email_context(record)
        context['coupon'] = record.ecom_coupon_code or ''
        return context

    def execute_ecom_coupon(self, record_activity, **kwargs):
        pool = Pool()
        Number = pool.get('sale.promotion.coupon.number')
        Record = pool.get('marketing.automation.record')
        record = record_activity.record
        coupon = self.ecom_coupon
        with Transaction().set_context(active_test=False):
            taken = {n.number for n in Number.search([
                        ('company', '=', coupon.company.id),
                        ('number', 'like', 'AUTO-%')])}
        code, = new_codes('AUTO-', COUPON_LENGTH, 1, taken)
        number = Number(coupon=coupon, company=coupon.company, number=code)
        number.on_change_coupon()
        with without_check_access():
            number.save()
        Record.write([record], {'ecom_coupon_code': code})

    def execute_ecom_add_to_list(self, record_activity, **kwargs):
        pool = Pool()
        Email = pool.get('marketing.email')
        Consent = pool.get('ecom.customer.consent')
        target = record_activity.record.record
        address = address_of(target)
        if not address or not Consent.consenting(
                company_of(target), 'email', [address]):
            return
        address = address.lower()
        existing = Email.search([('list_', '=', self.ecom_list.id),
                ('email', '=', address), ('active', 'in', [True, False])])
        with without_check_access():
            if existing:
                Email.write(existing, {'active': True})
            else:
                Email.create([{'list_': self.ecom_list.id, 'email': address,
                            'active': True}])


class Record(metaclass=PoolMeta):
    __name__ = 'marketing.automation.record'

    ecom_coupon_code = fields.Char("Coupon Code", readonly=True)

    @dualmethod
    @ModelView.button
    def block(cls, records):
        """The unsubscribe link (upstream's route calls record.block()):
        also a withdrawal in the consent ledger"""
        Consent = Pool().get('ecom.customer.consent')
        super().block(records)
        for record in records:
            target = record.record
            address = target and address_of(target)
            if address and company_of(target):
                Consent.record(company_of(target), 'email', address,
                    'withdraw', 'unsubscribe',
                    party=target.marketing_party,
                    note=gettext('ecom_customers.msg_automation_unsubscribed',
                        scenario=record.scenario.rec_name))


class Scenario(metaclass=PoolMeta):
    __name__ = 'marketing.automation.scenario'

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, scenarios):
        "Refused while an activity lacks what its action needs"
        Activity = Pool().get('marketing.automation.activity')
        for scenario in scenarios:
            todo = list(scenario.activities)
            while todo:
                activity = todo.pop()
                todo.extend(activity.children)
                for action, name in [('ecom_coupon', 'ecom_coupon'),
                        ('ecom_add_to_list', 'ecom_list')]:
                    if activity.action == action and not getattr(
                            activity, name):
                        raise ValidationError(gettext(
                                'ecom_customers.msg_automation_missing',
                                scenario=scenario.rec_name,
                                activity=activity.rec_name,
                                field=Activity.__names__(name)['field']))
        super().run(scenarios)

    @classmethod
    def trigger(cls, scenarios=None):
        "Upstream's, then the entries of customers already in: blocked"
        Record = Pool().get('marketing.automation.record')
        last = Record.search([], order=[('id', 'DESC')], limit=1)
        super().trigger(scenarios)
        new = Record.search([('id', '>', last[0].id if last else 0)],
            order=[('id', 'ASC')])
        if new:
            cls._block_second_entries(new)

    @classmethod
    def _block_second_entries(cls, new):
        pool = Pool()
        Record = pool.get('marketing.automation.record')
        RecordActivity = pool.get('marketing.automation.record.activity')
        by_scenario = {}
        for record in new:
            by_scenario.setdefault(record.scenario.id, []).append(record)
        blocked = []
        for scenario_id, records in by_scenario.items():
            waiting = RecordActivity.search([
                    ('state', '=', 'waiting'),
                    ('record.scenario', '=', scenario_id),
                    ('record.blocked', '!=', True),
                    ('record', 'not in', [r.id for r in records])])
            inside = set(_parties(list({a.record for a in waiting})).values())
            parties = _parties(records)
            for record in records:
                party = parties.get(record.id)
                if party is None:
                    continue
                if party in inside:
                    blocked.append(record)
                inside.add(party)
        if blocked:
            Record.write(blocked, {'blocked': True})
            RecordActivity.cancel(RecordActivity.search([
                        ('record', 'in', [r.id for r in blocked]),
                        ('state', '=', 'waiting')]))


def _parties(records):
    "{automation record id: party id} read once per model (no loop reads)"
    by_model = {}
    for record in records:
        if record.record:
            by_model.setdefault(record.record.__name__, {})[
                record.record.id] = record.id
    result = {}
    for model, ids in by_model.items():
        for row in Pool().get(model).read(
                list(ids), ['marketing_party']):
            result[ids[row['id']]] = row['marketing_party']
    return result
