"Loyalty points: earn, redeem FIFO, expiry, orders, races (test_module)"
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_customers.tests.tools import draft_sale
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, USER, with_transaction
from trytond.transaction import Transaction

from ..exceptions import LoyaltyError


def _program(company, **values):
    pool = Pool()
    Program = pool.get('ecom.loyalty.program')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    discount, = Template.create([{'name': "Loyalty discount",
                'type': 'service', 'default_uom': unit.id, 'salable': True,
                'sale_uom': unit.id, 'products': [('create', [{}])]}])
    program, = Program.create([{
                'name': "Points", 'company': company.id,
                'earn_rate': Decimal(1), 'point_value': Decimal('0.01'),
                'expiry_days': 30, 'minimum_redeem': 0,
                'discount_product': discount.products[0].id, **values}])
    return program


def _customer(name="Ana"):
    return Pool().get('party.party').create([{'name': name,
                'addresses': [('create', [{'city': "Madrid"}])]}])[0]


class LoyaltyMixin:

    @with_transaction()
    def test_points_earn_redeem_expire(self):
        "Redemption takes the oldest points first; the rest expire on time"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        Entry = pool.get('ecom.loyalty.entry')
        D0 = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            program = _program(company)
            account = Account.of(company.id, _customer())
            account.earn(100, program, date=D0)
            account.earn(50, program, date=D0 + dt.timedelta(days=10))
            account.redeem(120, program)
            self.assertEqual(Account(account.id).balance, 30)
            self.assertEqual(
                [(e.kind, e.points, e.remaining) for e in Entry.search(
                        [('account', '=', account.id)],
                        order=[('id', 'ASC')])],
                [('earn', 100, 0), ('earn', 50, 30), ('redeem', -120, None)])

            with self.assertRaises(LoyaltyError) as cm:
                Account(account.id).redeem(40, program)
            self.assertEqual(cm.exception.message, (
                    'Customer "Ana" has 30 points: redeeming 40 is refused '
                    '(a balance never goes below zero).'))
            self.assertEqual(Account(account.id).balance, 30)

            # the 50 of D0+10 expire at D0+40; the 100 were used up
            self.assertEqual(Entry.expire(D0 + dt.timedelta(days=40)), 0)
            self.assertEqual(Entry.expire(D0 + dt.timedelta(days=41)), 1)
            self.assertEqual(Account(account.id).balance, 0)
            expired, = Entry.search([('kind', '=', 'expire')])
            self.assertEqual(expired.points, -30)
            self.assertEqual(sum(e.points for e in Entry.search(
                        [('account', '=', account.id)])), 0)

    @with_transaction()
    def test_redeem_bad_amounts(self):
        "Zero, negative or below the minimum: refused, nothing moves"
        Account = Pool().get('ecom.loyalty.account')
        company = create_company()
        with set_company(company):
            program = _program(company, minimum_redeem=50)
            account = Account.of(company.id, _customer())
            account.earn(100, program)
            for points, text in [
                    (0, "must be a positive number, not 0"),
                    (-5, "must be a positive number, not -5"),
                    (20, "At least 50 points are redeemed at once, not 20")]:
                with self.assertRaises(LoyaltyError) as cm:
                    account.redeem(points, program)
                self.assertIn(text, cm.exception.message)
            self.assertEqual(Account(account.id).balance, 100)
            self.assertFalse(account._add(-101))
            self.assertEqual(Account(account.id).balance, 100)

    @with_transaction()
    def test_order_earns_once_and_redeems(self):
        "A processed order earns once; a draft one redeems as a discount"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        Entry = pool.get('ecom.loyalty.entry')
        Sale = pool.get('sale.sale')
        company = create_company()
        with set_company(company):
            _program(company, earn_rate=Decimal('1.5'))
            ana = _customer()
            sale = draft_sale(company, ana, Decimal('80.00'))
            Sale.write([sale], {'state': 'processing'})
            Sale.ecom_earn_points([sale])
            Sale.ecom_earn_points([sale])
            account, = Account.search([('party', '=', ana.id)])
            self.assertEqual(account.balance, 120)  # 80 x 1.5

            draft = draft_sale(company, ana, Decimal('50.00'))
            line = draft.ecom_redeem_points(100)
            self.assertEqual(line.amount, Decimal('-1.00'))
            self.assertEqual(line.description, "Loyalty points: 100")
            self.assertEqual(Sale(draft.id).untaxed_amount, Decimal('49.00'))
            self.assertEqual(Account(account.id).balance, 20)
            with self.assertRaises(LoyaltyError) as cm:
                draft_sale(company, ana, Decimal('0.10')).ecom_redeem_points(20)
            self.assertIn("more than the goods of the order",
                cm.exception.message)

            Sale.cancel([Sale(draft.id)])
            self.assertEqual(Account(account.id).balance, 120)
            self.assertEqual(Entry.search([('sale', '=', draft.id)],
                    order=[('id', 'ASC')])[-1].points, 100)

    @with_transaction()
    def test_return_takes_back_points(self):
        "Returning half the goods takes back half the points, once"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        Entry = pool.get('ecom.loyalty.entry')
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        company = create_company()
        with set_company(company):
            _program(company)
            ana = _customer()
            sale = draft_sale(company, ana, Decimal('80.00'))  # 2 x 40
            Sale.write([sale], {'state': 'processing'})
            Sale.ecom_earn_points([sale])
            account, = Account.search([('party', '=', ana.id)])
            self.assertEqual(account.balance, 80)
            returned, = Sale.copy([sale], default={
                    'origin': str(sale), 'lines': [],
                    'sale_date': sale.sale_date})
            line, = sale.lines
            Line.copy([line], default={'sale': returned.id, 'quantity': -1})
            Sale.write([returned], {'state': 'processing'})
            for _ in range(2):
                Sale.ecom_reverse_points([Sale(returned.id)])
            self.assertEqual(Account(account.id).balance, 40)
            entry, = Entry.search([('kind', '=', 'reverse')])
            self.assertEqual((entry.points, entry.sale), (-40, returned))
            self.assertIn(sale.rec_name, entry.note)
            # never below zero: the rest was spent meanwhile
            Account(account.id).redeem(30)
            again, = Sale.copy([sale], default={
                    'origin': str(sale), 'lines': [],
                    'sale_date': sale.sale_date})
            Line.copy([line], default={'sale': again.id, 'quantity': -2})
            Sale.write([again], {'state': 'processing'})
            Sale.ecom_reverse_points([Sale(again.id)])
            self.assertEqual(Account(account.id).balance, 0)
            self.assertEqual(Entry.search([('kind', '=', 'reverse'),
                        ('sale', '=', again.id)])[0].points, -10)

    @unittest.skipUnless(backend.name == 'postgresql',
        "SQLite has one writer at a time: the race is on PostgreSQL")
    def test_redeem_race(self):
        "Two redemptions of 60 out of 100 at once: one passes, never below 0"
        pool = Pool(DB_NAME)
        with Transaction().start(DB_NAME, USER) as transaction:
            company = create_company()
            with set_company(company):
                program = _program(company)
                account = pool.get('ecom.loyalty.account').of(
                    company.id, _customer("Racer"))
                account.earn(100, program)
            ids = company.id, account.id, program.id
            transaction.commit()
        company_id, account_id, program_id = ids
        locked = threading.Event()
        results = {}

        def redeem(name, hold):
            context = {'company': company_id}
            try:
                with Transaction().start(
                        DB_NAME, USER, context=context) as transaction:
                    Account = pool.get('ecom.loyalty.account')
                    Program = pool.get('ecom.loyalty.program')
                    Account(account_id).redeem(60, Program(program_id))
                    if hold:
                        locked.set()
                        time.sleep(1)  # the other waits on the row
                    transaction.commit()
                results[name] = 'redeemed'
            except Exception as error:  # noqa: BLE001 (asserted below)
                results[name] = error

        first = threading.Thread(target=redeem, args=('first', True))
        first.start()
        locked.wait(30)
        second = threading.Thread(target=redeem, args=('second', False))
        second.start()
        first.join(60)
        second.join(60)
        self.assertEqual(results['first'], 'redeemed')
        self.assertIsInstance(results['second'],
            (LoyaltyError, backend.DatabaseOperationalError))
        with Transaction().start(DB_NAME, USER, context={
                    'company': company_id}):
            Account = pool.get('ecom.loyalty.account')
            Entry = pool.get('ecom.loyalty.entry')
            self.assertEqual(Account(account_id).balance, 40)
            self.assertEqual(Entry.search_count([
                        ('account', '=', account_id),
                        ('kind', '=', 'redeem')]), 1)
            # the retry sees the first one's work
            with self.assertRaises(LoyaltyError) as cm:
                Account(account_id).redeem(60)
            self.assertIn("has 40 points", cm.exception.message)
