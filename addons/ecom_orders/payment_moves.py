"""Gateway payments of many invoices at once.

For one invoice, account_invoice's ``Invoice.pay_invoice`` builds a move of
the payment method's journal (the invoice account's line and its
counterpart), saves and posts it and adds the line to the invoice's
payments; the caller then reconciles. Paying a batch of orders that way
costs a save, a post, a write and a reconciliation (and so a queued
``Invoice.process``) per order. ``pay_invoices`` builds the same moves
(``payment_move``, the no-overpayment case of ``pay_invoice``) and writes
them for the whole batch: one save, one post, one write of the payment
lines, one reconciliation call. The ORM runs every hook of these models
as for one invoice; ``test_payment_moves`` checks that the moves, lines
and reconciliations are the ones ``pay_invoice`` makes.
"""
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = ['pay_invoices', 'payment_move']


def payment_move(invoice, amount, payment_method, date, description,
        periods=None):
    """The unsaved move paying amount (in the invoice's currency) of
    invoice with payment_method at date; periods caches Period.find"""
    pool = Pool()
    Currency = pool.get('currency.currency')
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    company = invoice.company
    pay_line = Line(account=invoice.account)
    counterpart = Line()
    second_amount = second_currency = None
    if invoice.currency != company.currency:
        second_amount, second_currency = amount, invoice.currency
        with Transaction().set_context(date=date):
            amount = Currency.compute(invoice.currency, amount,
                company.currency)
    outgoing = invoice.type == 'out'
    if (amount >= 0) == outgoing:
        pay_line.debit, pay_line.credit = 0, abs(amount)
    else:
        pay_line.debit, pay_line.credit = abs(amount), 0
    counterpart.debit = abs(amount) if pay_line.credit else 0
    counterpart.credit = abs(amount) if pay_line.debit else 0
    account = (payment_method.debit_account if counterpart.debit
        else payment_method.credit_account)
    counterpart.account = account.current(date=date)
    if second_amount is not None:
        for line in [pay_line, counterpart]:
            line.amount_second_currency = second_amount.copy_sign(
                line.debit - line.credit)
            line.second_currency = second_currency
    for line in [pay_line, counterpart]:
        if line.account.party_required:
            line.party = invoice.party
    if periods is None:
        periods = {}
    key = (company.id, date)
    if key not in periods:
        periods[key] = Period.find(company, date=date)
    return Move(journal=payment_method.journal, period=periods[key],
        date=date, origin=invoice, description=description,
        company=company, lines=[pay_line, counterpart])


def pay_invoices(payments):
    """Pay each (invoice, lines, amount, payment method, date,
    description) of payments and reconcile the payment with lines (the
    invoice's lines to pay that amount settles); returns the payment
    lines, in order"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    MoveLine = pool.get('account.move.line')
    periods = {}
    moves = [payment_move(invoice, amount, method, date, description,
            periods)
        for invoice, _, amount, method, date, description in payments]
    Move.save(moves)
    Move.post(moves)
    paid = []
    for (invoice, *_), move in zip(payments, moves):
        line, = [l for l in move.lines if l.account == invoice.account]
        paid.append(line)
    Invoice.add_payment_lines({invoice: [line]
            for (invoice, *_), line in zip(payments, paid)})
    MoveLine.reconcile(*[list(lines) + [line]
            for (_, lines, *_), line in zip(payments, paid)])
    return paid
