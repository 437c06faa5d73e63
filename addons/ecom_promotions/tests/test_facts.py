"""The cart API's cached facts: taxes computed from cached plans equal
Tryton's own computation; cached channels, currencies and countries follow
edits (mixed into test_module's test case)."""
from decimal import Decimal

from trytond.modules.account.tax import TaxableMixin
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .. import facts
from ..cart import _Taxes


class _Tryton(TaxableMixin):
    "Tryton's computation, line by line, as on a sale"

    def __init__(self, company, currency, date, lines):
        self.company, self.currency, self.date = company, currency, date
        self._lines = lines

    @property
    def taxable_lines(self):
        Tax = Pool().get('account.tax')
        return [(Tax.browse(list(t)), p, q, None) for t, p, q in self._lines]

    @property
    def tax_date(self):
        return self.date

    def amount(self):
        return sum((t.amount for t in self._get_taxes().values()),
            Decimal(0))


def _taxes(company):
    "21%; 10% raising the base of a 5%; a group of 4% and 1.4%; 0.50 fixed"
    pool = Pool()
    Account = pool.get('account.account')
    Tax = pool.get('account.tax')
    create_chart(company)
    account, = Account.search([('code', '=', '6.3.6')])
    accounts = {'invoice_account': account.id,
        'credit_note_account': account.id}

    def tax(name, **values):
        return Tax.create([{'name': name, 'description': name,
                    **accounts, **values}])[0]
    vat = tax("VAT 21", type='percentage', rate=Decimal('.21'))
    eco = tax("Eco 10", type='percentage', rate=Decimal('.1'),
        update_unit_price=True, sequence=10)
    low = tax("VAT 5", type='percentage', rate=Decimal('.05'), sequence=20)
    group = tax("Group", type='none', childs=[('create', [
                    {'name': n, 'description': n, 'type': 'percentage',
                        'rate': r, **accounts}
                    for n, r in [("G 4", Decimal('.04')),
                        ("G 1.4", Decimal('.014'))]])])
    fixed = tax("Fixed", type='fixed', amount=Decimal('.5'))
    return vat, eco, low, group, fixed


class CartFactsMixin:
    "The cart API's cached facts"

    @with_transaction()
    def test_cart_taxes_as_tryton(self):
        "Taxes from cached plans are Tryton's to the cent, either rounding"
        pool = Pool()
        Configuration = pool.get('account.configuration')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            vat, eco, low, group, fixed = _taxes(company)
            today = Date.today()
            store = facts.Store(None, company.id, None,
                facts.money_of(company.currency), None, None)
            plan = facts.tax_plan(company.id, (vat.id,), today)
            self.assertEqual(plan, ((vat.id, vat.invoice_account.id,
                        vat.credit_note_account.id, Decimal(1),
                        Decimal('.21')),))
            # a base of 1 raised by 10% before the 5%
            self.assertEqual([r[3:] for r in facts.tax_plan(
                        company.id, (eco.id, low.id), today)],
                [(Decimal(1), Decimal('.1')),
                    (Decimal('1.1'), Decimal('.055'))])
            self.assertEqual(len(facts.tax_plan(
                        company.id, (group.id,), today)), 2)
            self.assertIsNone(facts.tax_plan(
                    company.id, (vat.id, fixed.id), today))
            lines = []
            sets = [(vat.id,), (eco.id, low.id), (group.id,),
                (vat.id, fixed.id), (fixed.id,), ()]
            for i in range(60):
                taxes = sets[i % len(sets)]
                price = Decimal('0.0333') * (i + 1) + Decimal('.0049')
                quantity = Decimal(i % 4 + 1) / (2 if i % 5 else 1)
                lines.append((taxes, price if i % 7 else -price, quantity))
            for rounding in ['document', 'line']:
                Configuration.write([Configuration(1)],
                    {'tax_rounding': rounding})
                cart = _Taxes(store, store.currency, today, lines).amount()
                tryton = _Tryton(
                    company, company.currency, today, lines).amount()
                self.assertEqual(cart, tryton, rounding)
                self.assertNotEqual(cart, Decimal(0))
            # per line, the plans are not used
            self.assertIsNone(facts.tax_plan(company.id, (vat.id,), today))
            # a rate edited is seen at once
            Configuration.write([Configuration(1)],
                {'tax_rounding': 'document'})
            vat.rate = Decimal('.10')
            vat.save()
            self.assertEqual(facts.tax_plan(
                    company.id, (vat.id,), today)[0][4], Decimal('.1'))

    @with_transaction()
    def test_cart_records_follow_changes(self):
        "Cached channels, currencies and countries follow edits"
        pool = Pool()
        Channel = pool.get('ecom.channel')
        Shop = pool.get('web.shop')
        Currency = pool.get('currency.currency')
        Country = pool.get('country.country')
        company = create_company()
        with set_company(company):
            shop, other = Shop.create([{'name': n, 'company': company.id,
                        'currency': company.currency.id}
                    for n in ["Shop", "Other"]])
            channel, = Channel.create([{'name': "Store", 'code': 'web',
                        'shop': shop.id}])
            store = facts.store(channel.id)
            self.assertEqual((store.company, store.shop),
                (company.id, shop.id))
            self.assertEqual(store.currency.code, company.currency.code)
            Channel.write([channel], {'shop': other.id})
            self.assertEqual(facts.store(channel.id).shop, other.id)
            Company = pool.get('company.company')
            Company.write([company], {'timezone': 'Europe/Madrid'})
            self.assertEqual(facts.store(channel.id).timezone,
                'Europe/Madrid')

            self.assertIsNone(facts.money('XTS'))
            test, = Currency.create([{'name': "Test", 'code': 'XTS',
                        'symbol': 'T', 'digits': 3,
                        'rounding': Decimal('.005')}])
            money = facts.money('XTS')
            self.assertEqual((money.id, money.digits), (test.id, 3))
            # rounds as currency.currency does
            for amount in ['1.0024', '1.0025', '1.0075', '-2.0126']:
                self.assertEqual(money.round(Decimal(amount)),
                    test.round(Decimal(amount)), amount)
                self.assertEqual(
                    money.round(Decimal(amount), opposite=True),
                    test.round(Decimal(amount), opposite=True), amount)
            Currency.write([test], {'rounding': Decimal('.01')})
            self.assertEqual(facts.money('XTS').rounding, Decimal('.01'))

            self.assertIsNone(facts.country('XK'))
            kosovo, = Country.create([{'name': "Kosovo", 'code': 'XK'}])
            self.assertEqual(facts.country('XK'), kosovo.id)
            Country.write([kosovo], {'active': False})
            self.assertIsNone(facts.country('XK'))
