"""The strict sequences a batch will post with, locked before it starts.

Tryton 8 numbers posted invoices and moves from strict sequences
(``ir.sequence.strict``) and locks the sequence's row first. A transaction
may lock only what it started with (``Transaction.lock_records``): anything
else raises, and whoever runs the transaction (the RPC dispatcher, a queue
worker, the demo builder, the benchmarks) rolls back and starts it again
with that lock taken. A batch that processes paid orders reaches the
invoice numbering after creating the shipments and invoices, rolls back,
reaches the moves' numbering after numbering the invoices and building
their moves, rolls back again and only then runs whole: for 99 paid orders
on PostgreSQL the two lost attempts were 22 of 38 s (bench/README.md).

``lock_posting_sequences`` asks for those locks at the start of the batch,
so that the restarts come before any work. It locks what upstream would
lock anyway, for the whole transaction as upstream then does (a retry runs
whole with them), and only where this transaction posts.
"""
from trytond.modules.account.exceptions import PeriodNotFoundError
from trytond.pool import Pool


def posting_sequences(companies_dates):
    """The strict sequences that numbering customer invoices, credit notes
    and moves takes for each (company, date; None: the company's today):
    the period's move sequence, the invoice sequences of the fiscal year
    that match the period"""
    pool = Pool()
    Period = pool.get('account.period')
    sequences = {}
    for company, date in sorted(set(companies_dates),
            key=lambda k: (int(k[0]), str(k[1]))):
        try:
            period = Period.find(company, date=date)
        except PeriodNotFoundError:
            # upstream's posting raises the clear error later
            continue
        fiscalyear = period.fiscalyear
        sequence = period.move_sequence_used
        sequences[sequence.id] = sequence
        pattern = {'company': int(company), 'fiscalyear': fiscalyear.id,
            'period': period.id}
        for invoice_sequence in fiscalyear.invoice_sequences:
            if invoice_sequence.match(pattern):
                for sequence in [invoice_sequence.out_invoice_sequence,
                        invoice_sequence.out_credit_note_sequence]:
                    sequences[sequence.id] = sequence
                break
    return [sequences[i] for i in sorted(sequences)]


def lock_posting_sequences(companies_dates):
    "Lock the posting_sequences of (company, date) pairs now"
    Sequence = Pool().get('ir.sequence.strict')
    sequences = posting_sequences(companies_dates)
    if sequences:
        Sequence.lock(sequences)
