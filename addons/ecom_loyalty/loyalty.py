"""Loyalty points: earned per amount spent (a program per company, or per
web shop), redeemed as a discount, expiring after the program's days.

Every change is an entry of the customer's account (earn, redeem, expire,
adjust): the balance history. The balance never goes below zero: a
redemption is one conditional UPDATE (``balance >= points``) that only one
of two concurrent redemptions can pass (the other waits for the row, then
finds too few points or fails to serialize and is retried), and a CHECK
constraint guards the column. Points are consumed from the earliest
expiring earn entries first (FIFO), which is what expiry looks at.
"""
import datetime as dt
import math
from collections import defaultdict

from sql import Null
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Check, ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_base.records import forget
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import LoyaltyError


class Program(ModelSQL, ModelView):
    "Loyalty Program"
    __name__ = 'ecom.loyalty.program'
    __string__ = "Loyalty Program"
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    shop = fields.Many2One(
        'web.shop', "Web Shop",
        domain=[('company', '=', Eval('company', -1))],
        help="The shop whose orders earn points; empty for every shop.")
    earn_rate = fields.Numeric(
        "Points per Unit Spent", digits=(16, 2), required=True,
        help="Points for one unit of currency spent on goods (untaxed).")
    point_value = fields.Numeric(
        "Value of a Point", digits=(16, 4), required=True,
        help="The discount one point gives, in the company's currency.")
    expiry_days = fields.Integer(
        "Points Expire After (days)", required=True)
    minimum_redeem = fields.Integer("Minimum Points to Redeem", required=True)
    discount_product = fields.Many2One(
        'product.product', "Discount Product", required=True,
        domain=[('type', '=', 'service')],
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The service product of the discount line of a redemption.")
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('earn_rate_positive', Check(t, t.earn_rate >= 0),
                'ecom_loyalty.msg_loyalty_program_negative'),
            ('point_value_positive', Check(t, t.point_value >= 0),
                'ecom_loyalty.msg_loyalty_program_negative'),
            ('expiry_days_positive', Check(t, t.expiry_days > 0),
                'ecom_loyalty.msg_loyalty_program_negative'),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_active(cls):
        return True

    @classmethod
    def default_expiry_days(cls):
        return 365

    @classmethod
    def default_minimum_redeem(cls):
        return 0

    @classmethod
    def find(cls, company, shop=None):
        "The shop's program, else the company's program for every shop"
        programs = cls.search([
                ('company', '=', company),
                ('shop', 'in', [shop.id if shop else None, None]),
                ], order=[('shop', 'ASC NULLS LAST'), ('id', 'ASC')])
        return programs[0] if programs else None

    def points_for(self, amount):
        return max(math.floor(amount * self.earn_rate), 0)


class Account(ModelSQL, ModelView):
    "Loyalty Account"
    __name__ = 'ecom.loyalty.account'
    __string__ = "Loyalty Account"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    party = fields.Many2One('party.party', "Customer", required=True,
        readonly=True, ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    balance = fields.Integer("Balance", readonly=True)
    entries = fields.One2Many(
        'ecom.loyalty.entry', 'account', "History", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_unique', Unique(t, t.company, t.party),
                'ecom_loyalty.msg_loyalty_account_unique'),
            ('balance_positive', Check(t, t.balance >= 0),
                'ecom_loyalty.msg_loyalty_negative'),
            ]

    @classmethod
    def default_balance(cls):
        return 0

    def get_rec_name(self, name):
        return self.party.rec_name

    @classmethod
    def of(cls, company, party):
        "The customer's account in the company (created when missing)"
        accounts = cls.search([
                ('company', '=', company), ('party', '=', party.id)])
        if accounts:
            return accounts[0]
        with without_check_access():
            account, = cls.create([{'company': company, 'party': party.id}])
        return account

    @classmethod
    def of_parties(cls, company, party_ids):
        """{party id: account} of the company's customers, the missing
        accounts created in one go"""
        accounts = {}
        for chunk in grouped_slice(sorted(set(party_ids)), backend.MAX_QUERY_PARAMS):
            for account in cls.search([
                        ('company', '=', company),
                        ('party', 'in', list(chunk))]):
                accounts[account.party.id] = account
        missing = sorted(set(party_ids) - set(accounts))
        if missing:
            with without_check_access():
                for account in cls.create([
                            {'company': company, 'party': p}
                            for p in missing]):
                    accounts[account.party.id] = account
        return accounts

    @classmethod
    def earn_many(cls, earnings, date=None):
        """Credit [(account, points, program, sale, note)] at once: one
        UPDATE per account, one create of the entries"""
        Entry = Pool().get('ecom.loyalty.entry')
        date = date or Pool().get('ir.date').today()
        totals = defaultdict(int)
        for account, points, *_ in earnings:
            totals[account.id] += points
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for account_id, points in totals.items():
            cursor.execute(*table.update([table.balance],
                    [table.balance + points], where=table.id == account_id))
        forget(cls, list(totals))
        with without_check_access():
            return Entry.create([{
                        'account': account.id, 'kind': 'earn',
                        'points': points, 'remaining': points, 'date': date,
                        'expires_on': date + dt.timedelta(
                            days=program.expiry_days),
                        'sale': sale.id if sale else None, 'note': note}
                    for account, points, program, sale, note in earnings])

    def _add(self, points):
        table = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.balance], [table.balance + points],
                where=(table.id == self.id)
                & (table.balance + points >= 0)))
        done = cursor.rowcount == 1
        forget(self.__class__, [self.id])
        return done

    def earn(self, points, program, sale=None, note=None, date=None):
        entry, = self.earn_many([(self, points, program, sale, note)], date)
        return entry

    def redeem(self, points, program=None, sale=None, note=None):
        "Take points: LoyaltyError when fewer are left (nothing changes)"
        pool = Pool()
        Entry = pool.get('ecom.loyalty.entry')
        if points <= 0:
            raise LoyaltyError(gettext('ecom_loyalty.msg_loyalty_points',
                    points=points))
        if program and points < program.minimum_redeem:
            raise LoyaltyError(gettext('ecom_loyalty.msg_loyalty_minimum',
                    points=points, minimum=program.minimum_redeem))
        Entry.expire(accounts=[self])
        if not self._add(-points):
            balance = self.__class__(self.id).balance
            raise LoyaltyError(gettext('ecom_loyalty.msg_loyalty_short',
                    party=self.party.rec_name, balance=balance,
                    points=points))
        Entry.consume(self, points)
        with without_check_access():
            entry, = Entry.create([{
                    'account': self.id, 'kind': 'redeem', 'points': -points,
                    'sale': sale.id if sale else None, 'note': note}])
        return entry


    def take_back(self, points, sale=None, note=None):
        """Take back up to points (those of a returned order), never below
        zero: the entry of what was taken, or None when nothing was left"""
        Entry = Pool().get('ecom.loyalty.entry')
        Entry.expire(accounts=[self])
        for _ in range(3):  # the balance may move meanwhile
            taken = min(points, self.__class__(self.id).balance)
            if taken <= 0:
                return None
            if self._add(-taken):
                break
        else:
            return None
        Entry.consume(self, taken)
        with without_check_access():
            entry, = Entry.create([{
                    'account': self.id, 'kind': 'reverse', 'points': -taken,
                    'sale': sale.id if sale else None, 'note': note}])
        return entry


class Entry(ModelSQL, ModelView):
    "Loyalty Entry"
    __name__ = 'ecom.loyalty.entry'
    __string__ = "Loyalty Entry"
    account = fields.Many2One('ecom.loyalty.account', "Account",
        required=True, ondelete='CASCADE', readonly=True)
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    date = fields.Date("Date", required=True, readonly=True)
    kind = fields.Selection([
            ('earn', "Earned"),
            ('redeem', "Redeemed"),
            ('expire', "Expired"),
            ('reverse', "Taken Back"),
            ], "Kind", required=True, readonly=True)
    points = fields.Integer("Points", required=True, readonly=True)
    remaining = fields.Integer(
        "Remaining", readonly=True,
        help="The earned points not redeemed or expired yet.")
    expires_on = fields.Date("Expires On", readonly=True)
    sale = fields.Many2One('sale.sale', "Order", readonly=True)
    note = fields.Char("Note", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('account', '_parent_account.company')
    def on_change_with_company(self, name=None):
        return self.account.company if self.account else None

    @classmethod
    def search_company(cls, name, clause):
        return [('account.company',) + tuple(clause[1:])]

    @classmethod
    def consume(cls, account, points):
        "Take points from the earliest expiring earn entries"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.remaining,
                where=(table.account == account.id) & (table.kind == 'earn')
                & (table.remaining > 0),
                order_by=[table.expires_on.asc, table.id.asc]))
        for entry_id, remaining in cursor.fetchall():
            if points <= 0:
                break
            taken = min(points, remaining)
            cursor.execute(*table.update([table.remaining],
                    [table.remaining - taken], where=table.id == entry_id))
            forget(cls, [entry_id])
            points -= taken

    @classmethod
    def expire(cls, date=None, accounts=None):
        "Expire what is left of the earn entries past their date (cron)"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        date = date or pool.get('ir.date').today()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = ((table.kind == 'earn') & (table.remaining > 0)
            & (table.expires_on != Null) & (table.expires_on < date))
        if accounts is not None:
            where &= table.account.in_([a.id for a in accounts] or [-1])
        cursor.execute(*table.select(
                table.id, table.account, table.remaining, where=where))
        expired = cursor.fetchall()
        entries = []
        for entry_id, account_id, remaining in expired:
            cursor.execute(*table.update([table.remaining], [0],
                    where=table.id == entry_id))
            forget(cls, [entry_id])
            Account(account_id)._add(-remaining)
            entries.append({'account': account_id, 'kind': 'expire',
                    'points': -remaining, 'date': date,
                    'note': gettext('ecom_loyalty.msg_loyalty_expired_note',
                        entry=entry_id)})
        with without_check_access():
            cls.create(entries)
        return len(entries)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            raise LoyaltyError(gettext('ecom_loyalty.msg_loyalty_ledger'))

