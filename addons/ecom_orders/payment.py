"""Payment gateways of the channels; orders and invoices see their
gateway transactions (see payment_transaction.py)."""
from collections import defaultdict
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .channel import ChannelRecordMixin
from .posting_locks import lock_posting_sequences


class Gateway(ChannelRecordMixin, ModelSQL, ModelView):
    "A payment gateway a channel takes payments with"
    __name__ = 'ecom.channel.gateway'
    __string__ = "Payment Gateway"

    code = fields.Char(
        "Code", required=True, strip=True,
        help="How the storefront names the gateway (e.g. stripe, paypal).")
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method", required=True,
        domain=[('company', '=', Eval('company', -1))],
        help="The journal and account the gateway's payments are booked "
        "on.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.channel, t.code),
                'ecom_orders.msg_gateway_code_unique'),
            ]

    def get_rec_name(self, name):
        return f"{self.code} ({self.channel.rec_name})"

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('code',) + tuple(clause[1:])]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    ecom_payments = fields.One2Many(
        'ecom.payment.transaction', 'invoice', "Gateway Transactions",
        readonly=True)

    @classmethod
    def ecom_post(cls, invoices):
        """Queued by Sale.process: post the invoices of paid orders that
        are still to post (staff may have posted or cancelled one since)"""
        invoices = [i for i in cls.browse(invoices)
            if i.state in {'draft', 'validated'}]
        if invoices:
            lock_posting_sequences((i.company, i.accounting_date
                    or i.invoice_date) for i in invoices)
            cls.post(invoices)

    @classmethod
    def _check_taxes(cls, invoices):
        # Upstream's check only raises a user warning, which can't be raised
        # without a user or with warnings skipped (queue workers, cron):
        # then it would recompute every line's default taxes for nothing
        # (12% of a paid order's processing, bench/README.md).
        if not _warnings_skipped():
            super()._check_taxes(invoices)

    @classmethod
    def _check_similar(cls, invoices, type='in'):
        # The same: a warning only (upstream searches similar invoices).
        if not _warnings_skipped():
            super()._check_similar(invoices, type=type)

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        Transaction_ = pool.get('ecom.payment.transaction')
        super()._post(invoices)
        if Transaction().context.get('_ecom_reconciling'):
            return
        sales = cls._ecom_sales(invoices)
        if sales:
            Transaction_.reconcile_waiting(list(sales))


    @classmethod
    def _ecom_sales(cls, invoices):
        "The online orders these invoices (or credit notes) settle"
        pool = Pool()
        Sale = pool.get('sale.sale')
        InvoiceLine = pool.get('account.invoice.line')
        sales = set()
        for invoice in invoices:
            if invoice.type != 'out':
                continue
            for sale in invoice.sales:
                sales.add(sale)
                if isinstance(sale.origin, Sale):
                    sales.add(sale.origin)
            if invoice.total_amount < 0:
                for line in invoice.lines:
                    if isinstance(line.origin, InvoiceLine):
                        sales.update(line.origin.invoice.sales)
        return [s for s in sales if s.ecom_channel]


def _warnings_skipped():
    "What makes res.user.warning's check return False"
    transaction = Transaction()
    return (not transaction.user
        or bool(transaction.context.get('_skip_warnings')))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_payments = fields.One2Many(
        'ecom.payment.transaction', 'sale', "Gateway Transactions",
        readonly=True,
        states={'invisible': ~Eval('ecom_channel')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.ecom_payment_state.selection += [
            ('partially_refunded', "Partially Refunded"),
            ('refunded', "Refunded"),
            ]

    @classmethod
    def ecom_update_payment_state(cls, sales):
        """Paid, (partially) refunded from the recorded gateway transactions
        that were reconciled (or settled by hand) in the order's currency: a
        capture waiting in To Reconcile does not make the order paid"""
        to_write = defaultdict(list)
        for sale in sales:
            captured = refunded = Decimal(0)
            for transaction in sale.ecom_payments:
                if (transaction.state not in {'reconciled', 'manual'}
                        or transaction.currency != sale.currency):
                    continue
                if transaction.kind == 'capture':
                    captured += transaction.amount
                else:
                    refunded += transaction.amount
            state = sale.ecom_payment_state
            if refunded and refunded >= captured:
                state = 'refunded'
            elif refunded:
                state = 'partially_refunded'
            elif captured and captured >= sale.total_amount:
                state = 'paid'
            if state != sale.ecom_payment_state:
                to_write[state].append(sale)
        for state, records in to_write.items():
            cls.write(records, {'ecom_payment_state': state})

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_payments', None)
        return super().copy(sales, default=default)

