"""Gateway payments of online orders, reconciled with their invoices.

The storefront reports each gateway transaction (a capture or a refund, its
amount and reference). It is recorded once per channel and reference and
matched with the order's posted invoice (or credit note) of the same amount:
the payment is booked with the gateway's payment method and reconciled. A
transaction whose invoice is not posted yet waits for it; one that does not
match (amount, currency, unknown order) goes to the accountants' *To
Reconcile* list with the reason.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class Gateway(ModelSQL, ModelView):
    "A payment gateway a channel takes payments with"
    __name__ = 'ecom.channel.gateway'
    __string__ = "Payment Gateway"

    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, ondelete='CASCADE')
    code = fields.Char(
        "Code", required=True, strip=True,
        help="How the storefront names the gateway (e.g. stripe, paypal).")
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method", required=True,
        domain=[('company', '=', Eval('company', -1))],
        help="The journal and account the gateway's payments are booked "
        "on.")
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.channel, t.code),
                'ecom_orders.msg_gateway_code_unique'),
            ]

    @fields.depends('channel', '_parent_channel.company')
    def on_change_with_company(self, name=None):
        return self.channel.company if self.channel else None

    @classmethod
    def search_company(cls, name, clause):
        return [('channel.company',) + tuple(clause[1:])]


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    gateways = fields.One2Many(
        'ecom.channel.gateway', 'channel', "Payment Gateways")

    def gateway(self, code):
        for gateway in self.gateways:
            if gateway.code == code:
                return gateway


class PaymentTransaction(Workflow, ModelSQL, ModelView):
    "A capture or refund reported by the storefront's payment gateway"
    __name__ = 'ecom.payment.transaction'
    __string__ = "Gateway Transaction"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    reference = fields.Char(
        "Reference", required=True, readonly=True,
        help="The gateway's transaction id.")
    order_reference = fields.Char(
        "External Order ID", readonly=True)
    sale = fields.Many2One(
        'sale.sale', "Order", readonly=True, ondelete='RESTRICT')
    kind = fields.Selection([
            ('capture', "Capture"),
            ('refund', "Refund"),
            ], "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    gateway = fields.Many2One(
        'ecom.channel.gateway', "Gateway", readonly=True,
        ondelete='RESTRICT')
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True)
    state = fields.Selection([
            ('waiting', "Waiting for Invoice"),
            ('to_reconcile', "To Reconcile"),
            ('reconciled', "Reconciled"),
            ('manual', "Reconciled Manually"),
            ], "State", required=True, readonly=True, sort=False)
    note = fields.Text("Note", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('reference_unique', Unique(t, t.channel, t.kind, t.reference),
                'ecom_orders.msg_transaction_reference_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['waiting', 'to_reconcile'])),
                Index(t, (t.sale, Index.Range())),
                })
        cls._order.insert(0, ('date', 'DESC'))
        cls._transitions |= {
            ('waiting', 'reconciled'), ('to_reconcile', 'reconciled'),
            ('waiting', 'to_reconcile'), ('to_reconcile', 'waiting'),
            ('waiting', 'manual'), ('to_reconcile', 'manual'),
            }
        cls._buttons.update({
                'retry': {
                    'invisible': ~Eval('state').in_(
                        ['waiting', 'to_reconcile']),
                    'depends': ['state'],
                    },
                'mark_manual': {
                    'invisible': Eval('state') != 'to_reconcile',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'waiting'

    @classmethod
    @ModelView.button
    def retry(cls, transactions):
        "Match again (after the invoice was posted or the order fixed)"
        cls.reconcile(transactions)

    @classmethod
    @ModelView.button
    @Workflow.transition('manual')
    def mark_manual(cls, transactions):
        "The accountant reconciled it by hand"

    @classmethod
    def record(cls, channel, values):
        """Record one reported transaction and reconcile it; returns it and
        whether it was already recorded"""
        existing = cls.search([
                ('channel', '=', channel.id), ('kind', '=', values['kind']),
                ('reference', '=', values['reference'])], limit=1)
        if existing:
            return existing[0], True
        transaction, = cls.create([dict(values,
                    company=channel.company.id, channel=channel.id)])
        cls.reconcile([transaction])
        return transaction, False

    @classmethod
    def reconcile(cls, transactions):
        "Match each open transaction with its order's invoice and pay it"
        pool = Pool()
        Sale = pool.get('sale.sale')
        results = defaultdict(list)
        sales = set()
        # Posting an invoice here must not start another reconciliation.
        with without_check_access(), Transaction().set_context(
                _ecom_reconciling=True):
            for transaction in cls.browse(transactions):
                if transaction.state not in {'waiting', 'to_reconcile'}:
                    continue
                state, note = transaction._reconcile()
                results[(state, note)].append(transaction)
                if transaction.sale:
                    sales.add(transaction.sale)
            for (state, note), records in results.items():
                cls.write(records, {'note': note})
                # The transition keeps only the records that change state.
                getattr(cls, '_to_' + state)(records)
            Sale.ecom_update_payment_state(list(sales))

    @classmethod
    @Workflow.transition('reconciled')
    def _to_reconciled(cls, transactions):
        pass

    @classmethod
    @Workflow.transition('to_reconcile')
    def _to_to_reconcile(cls, transactions):
        pass

    @classmethod
    @Workflow.transition('waiting')
    def _to_waiting(cls, transactions):
        pass

    def _reconcile(self):
        "Try to pay the matching invoice; return the new state and why"
        pool = Pool()
        Sale = pool.get('sale.sale')
        MoveLine = pool.get('account.move.line')
        Invoice = pool.get('account.invoice')
        lang = pool.get('ir.lang').get()
        if not self.sale:
            sales = Sale.search([
                    ('ecom_channel', '=', self.channel.id),
                    ('ecom_external_id', '=', self.order_reference)], limit=1)
            if not sales:
                return 'to_reconcile', gettext(
                    'ecom_orders.msg_transaction_no_order',
                    order=self.order_reference)
            self.sale, = sales
            self.save()
        sale = self.sale
        if not self.gateway:
            return 'to_reconcile', gettext(
                'ecom_orders.msg_transaction_no_gateway')
        if self.currency != sale.currency:
            return 'to_reconcile', gettext(
                'ecom_orders.msg_transaction_currency',
                currency=self.currency.code, sale=sale.rec_name,
                sale_currency=sale.currency.code)
        if self.kind == 'capture' and sale.ecom_channel.invoice_policy == (
                'paid'):
            # A paid order's invoice is posted at once (Post When Paid).
            drafts = [i for i in sale.invoices
                if i.state in {'draft', 'validated'} and i.total_amount > 0]
            if drafts:
                Invoice.post(drafts)
        sign = 1 if self.kind == 'capture' else -1
        posted = [i for i in sale.invoices if i.state == 'posted'
            and sign * i.total_amount > 0]
        to_pay = sign * self.amount
        for invoice in posted:
            if invoice.amount_to_pay == to_pay:
                lines, remainder = invoice.get_reconcile_lines_for_amount(
                    to_pay, invoice.currency)
                if remainder:
                    continue
                paid = invoice.pay_invoice(
                    to_pay, self.gateway.payment_method,
                    self.date.date(),
                    f"{self.gateway.code} {self.reference}")
                MoveLine.reconcile(lines + paid)
                self.invoice = invoice
                self.save()
                return 'reconciled', None
        pending = [i for i in sale.invoices
            if i.state in {'draft', 'validated'}
            and sign * i.total_amount > 0]
        if not posted or (pending and not any(
                    i.amount_to_pay for i in posted)):
            return 'waiting', gettext(
                'ecom_orders.msg_transaction_waiting', sale=sale.rec_name)
        due = sum((i.amount_to_pay for i in posted), Decimal(0))
        return 'to_reconcile', gettext(
            'ecom_orders.msg_transaction_amount',
            amount=lang.currency(self.amount, self.currency),
            due=lang.currency(abs(due), self.currency),
            kind=self.kind_string.lower(), sale=sale.rec_name)

    @classmethod
    def reconcile_waiting(cls, sales):
        "The invoices of these sales were posted: match what waited for them"
        transactions = cls.search([
                ('sale', 'in', [s.id for s in sales]),
                ('state', '=', 'waiting'),
                ])
        if transactions:
            cls.reconcile(transactions)


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        Transaction_ = pool.get('ecom.payment.transaction')
        super()._post(invoices)
        if Transaction().context.get('_ecom_reconciling'):
            return
        sales = {s for i in invoices if i.type == 'out' for s in i.sales
            if s.ecom_channel}
        if sales:
            Transaction_.reconcile_waiting(list(sales))


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
        "Paid, (partially) refunded from the recorded gateway transactions"
        to_write = defaultdict(list)
        for sale in sales:
            captured = refunded = Decimal(0)
            for transaction in sale.ecom_payments:
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

