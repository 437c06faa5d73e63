"""A batch that posts asks for its strict sequences' locks before any work
(posting_locks): the transaction restarts once, at once, instead of after
the numbering of the invoices and again after that of their moves."""
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ecom_orders.posting_locks import posting_sequences
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, TransactionError

from .test_payment_moves import _books, customer, invoice_values

# the restarts of a test that with_transaction runs again
_ATTEMPTS = []


class PostingLocksMixin:

    @with_transaction()
    def test_posting_sequences(self):
        "The move sequence and the customer invoice sequences of the period"
        pool = Pool()
        Date = pool.get('ir.date')
        FiscalYear = pool.get('account.fiscalyear')
        company = create_company()
        with set_company(company):
            _books(company)
            fiscalyear, = FiscalYear.search([])
            invoice_sequence, = fiscalyear.invoice_sequences
            expected = sorted({fiscalyear.move_sequence.id,
                    invoice_sequence.out_invoice_sequence.id,
                    invoice_sequence.out_credit_note_sequence.id})
            self.assertEqual(
                [s.id for s in posting_sequences([(company, None)])],
                expected)
            self.assertEqual([s.id for s in posting_sequences(
                        [(company, Date.today()), (company.id, None)])],
                expected)
            # no period: nothing to lock (upstream's posting says why)
            self.assertEqual(posting_sequences(
                    [(company, fiscalyear.start_date.replace(year=1990))]),
                [])

    @with_transaction()
    def test_ecom_post_restarts_before_any_work(self):
        """The queued posting of paid orders' invoices restarts once,
        before it posts anything, and then posts them all"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Journal = pool.get('account.journal')
        company = create_company()
        with set_company(company):
            revenue, receivable = _books(company)
            journal, = Journal.search([('type', '=', 'revenue')])
            party = customer(receivable)
            invoices = Invoice.create([invoice_values(company, party,
                        journal, revenue, receivable, price)
                    for price in ['10', '-4']])
            sequences = [s.id for s in posting_sequences([(company, None)])]
            if not _ATTEMPTS:
                # A transaction locks nothing it created: the books of a
                # shop exist before the orders come. (Only the first time:
                # on PostgreSQL each attempt creates them with new ids.)
                Transaction().create_records['ir.sequence.strict'].clear()
            try:
                Invoice.ecom_post(invoices)
            except TransactionError as error:
                # with_transaction starts again with the locks asked for
                _ATTEMPTS.append((error._table,
                        sorted(getattr(error, '_ids', None) or []), sequences,
                        [(i.state, i.number, i.move)
                            for i in Invoice.browse(invoices)]))
                raise
            first, *others = _ATTEMPTS
            _ATTEMPTS.clear()
            table, ids, expected, states = first
            self.assertEqual((table, ids), ('ir_sequence_strict', expected))
            self.assertEqual(states, [('draft', None, None)] * 2)
            # the first moves of a journal in a period lock the journal
            # periods' table: once a month, left to upstream
            self.assertEqual([a[0] for a in others],
                ['account_journal_period'] * len(others))
            self.assertEqual([i.state for i in Invoice.browse(invoices)],
                ['posted', 'posted'])
