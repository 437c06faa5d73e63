"""Batch payments (payment_moves.pay_invoices) write what account_invoice's
Invoice.pay_invoice writes, one invoice at a time; posting skips the
checks that can only warn where no warning can be raised."""
import datetime
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.exceptions import InvoiceTaxesWarning
from trytond.modules.account_invoice.tests import set_invoice_sequences
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_orders.payment_moves import pay_invoices
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def _shape(invoice):
    "What paying invoice wrote, without ids, numbers or times"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoice = Invoice(invoice.id)
    payments = []
    for line in invoice.payment_lines:
        move = line.move
        payments.append((move.journal.id, move.period.id, move.date,
                move.description, str(move.origin), move.state,
                sorted((l.account.id, l.debit, l.credit,
                        l.party.id if l.party else None,
                        l.second_currency, l.amount_second_currency,
                        bool(l.reconciliation)) for l in move.lines)))
    reconciled = sorted((l.debit, l.credit) for l in invoice.lines_to_pay
        if l.reconciliation)
    return invoice.state, payments, reconciled, invoice.amount_to_pay


def _books(company):
    """A chart, a fiscal year with invoice sequences and its periods; the
    revenue and receivable accounts"""
    Account = Pool().get('account.account')
    create_chart(company)
    fiscalyear = set_invoice_sequences(get_fiscalyear(company))
    fiscalyear.save()
    fiscalyear.create_period([fiscalyear])
    return tuple(Account.search([(f'type.{kind}', '=', True),
                ('closed', '!=', True)], limit=1)[0]
        for kind in ['revenue', 'receivable'])


def customer(receivable):
    "A customer party with an address, receivable on receivable"
    party, = Pool().get('party.party').create([{'name': "Customer",
                'account_receivable': receivable.id,
                'addresses': [('create', [{}])]}])
    return party


def invoice_values(company, party, journal, revenue, receivable, price):
    "A customer invoice of one line of goods at price"
    return {'company': company.id, 'type': 'out', 'party': party.id,
        'invoice_address': party.address_get().id,
        'currency': company.currency.id, 'account': receivable.id,
        'journal': journal.id, 'lines': [('create', [{
                        'company': company.id, 'account': revenue.id,
                        'description': "Goods", 'quantity': 1,
                        'unit_price': Decimal(price)}])]}


class PaymentMovesMixin:

    @with_transaction()
    def test_pay_invoices_as_pay_invoice(self):
        "Invoices and credit notes paid in one batch as pay_invoice pays each"
        pool = Pool()
        Account = pool.get('account.account')
        Invoice = pool.get('account.invoice')
        Journal = pool.get('account.journal')
        MoveLine = pool.get('account.move.line')
        Method = pool.get('account.invoice.payment.method')
        company = create_company()
        with set_company(company):
            revenue, receivable = _books(company)
            cash, = Account.search([('code', '=', '1.1.1')])
            journal, = Journal.search([('type', '=', 'cash')])
            journal_revenue, = Journal.search([('type', '=', 'revenue')])
            method, = Method.create([{'name': "Stripe", 'company': company.id,
                        'journal': journal.id, 'credit_account': cash.id,
                        'debit_account': cash.id}])
            party = customer(receivable)

            def invoice(price):
                return invoice_values(company, party, journal_revenue,
                    revenue, receivable, price)
            prices = [Decimal('121.00'), Decimal('60.50'), Decimal('-50.00')]
            one, batch = (Invoice.create([invoice(p) for p in prices])
                for _ in range(2))
            Invoice.post(one + batch)
            date = datetime.date.today()

            def payment(invoice):
                amount = invoice.total_amount
                lines, remainder = invoice.get_reconcile_lines_for_amount(
                    amount, invoice.currency)
                self.assertEqual(remainder, 0)
                return (invoice, lines, amount, method, date,
                    f"stripe ch_{invoice.id}")
            for invoice_ in one:
                invoice_, lines, amount, *args = payment(invoice_)
                paid = invoice_.pay_invoice(amount, *args)
                MoveLine.reconcile(lines + paid)
            paid = pay_invoices([payment(i) for i in batch])
            self.assertEqual(len(paid), 3)
            Invoice.process(one + batch)  # queued by the reconciliation

            for orm, ours in zip(one, batch):
                expected, got = _shape(orm), _shape(ours)
                # the descriptions name each invoice
                for shape in (expected, got):
                    for i, p in enumerate(shape[1]):
                        shape[1][i] = p[:3] + p[5:]
                self.assertEqual(got, expected)
                self.assertEqual(got[0], 'paid')
                self.assertEqual(got[3], Decimal(0))
            self.assertEqual(
                [Invoice(i.id).payment_lines[0].move.description
                    for i in batch],
                [f"stripe ch_{i.id}" for i in batch])
            self.assertEqual(sorted(l.credit - l.debit for l in paid),
                sorted([Decimal('-50.00'), Decimal('60.50'),
                        Decimal('121.00')]))

    @with_transaction()
    def test_warning_checks_only_where_a_warning_can_be_raised(self):
        """Posting checks each line's taxes against its product's (a user
        warning): staff still get it, a queue worker (warnings skipped)
        does not recompute the taxes; ecom_post posts only what is still
        to post"""
        pool = Pool()
        Account = pool.get('account.account')
        Category = pool.get('product.category')
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Journal = pool.get('account.journal')
        Tax = pool.get('account.tax')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company = create_company()
        with set_company(company):
            revenue, receivable = _books(company)
            tax_account, = Account.search([('code', '=', '6.3.6')])
            tax, = Tax.create([{'name': "VAT", 'description': "VAT",
                        'type': 'percentage', 'rate': Decimal('.21'),
                        'invoice_account': tax_account.id,
                        'credit_note_account': tax_account.id}])
            category, = Category.create([{'name': "Goods",
                        'accounting': True, 'account_revenue': revenue.id,
                        'customer_taxes': [('add', [tax.id])]}])
            unit, = Uom.search([('name', '=', "Unit")])
            template, = Template.create([{'name': "Mug",
                        'default_uom': unit.id, 'type': 'goods',
                        'account_category': category.id,
                        'products': [('create', [{}])]}])
            party = customer(receivable)
            journal, = Journal.search([('type', '=', 'revenue')])
            # the line carries no tax where the product has VAT
            invoices = Invoice.create([{'company': company.id,
                        'type': 'out', 'party': party.id,
                        'invoice_address': party.address_get().id,
                        'currency': company.currency.id,
                        'account': receivable.id, 'journal': journal.id,
                        'lines': [('create', [{'company': company.id,
                                        'product': template.products[0].id,
                                        'account': revenue.id,
                                        'unit': unit.id, 'quantity': 1,
                                        'unit_price': Decimal(10)}])],
                        } for _ in range(3)])

            with self.assertRaises(InvoiceTaxesWarning):
                Invoice.post(invoices[:1])
            self.assertEqual(Invoice(invoices[0].id).state, 'draft')

            computed = []
            on_change_product = InvoiceLine.on_change_product

            def counted(line):
                computed.append(line)
                return on_change_product(line)
            with patch.object(InvoiceLine, 'on_change_product', counted), \
                    Transaction().set_context(_skip_warnings=True):
                Invoice.post(invoices[:1])
                self.assertEqual(computed, [])
                Invoice.ecom_post(invoices)
            self.assertEqual([Invoice(i.id).state for i in invoices],
                ['posted'] * 3)
            self.assertEqual(len({Invoice(i.id).number for i in invoices}),
                3)
