"""Gateway transactions reported by the storefront, and their matching.

A transaction is recorded once per channel, kind and reference, then matched
with the order's posted invoice (a refund with a credit note) of the same
amount: the payment is booked with the gateway's payment method and
reconciled. One whose invoice is not posted yet waits for it; one that does
not match (amount, currency, unknown order or gateway) goes to the
accountants' *To Reconcile* list with the reason.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .payment_moves import pay_invoices
from .posting_locks import lock_posting_sequences
from .sale import refuse_rpc_write


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
    external_order = fields.Char(
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
    gateway_code = fields.Char(
        "Gateway Code", readonly=True,
        help="How the storefront named the gateway.")
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
    def check_modification(cls, mode, transactions, values=None,
            external=False):
        super().check_modification(
            mode, transactions, values=values, external=external)
        if external and mode == 'write':
            # every field is the gateway's report or the matching's result;
            # states change through the buttons
            refuse_rpc_write(transactions, values,
                set(cls._fields) - {'id', 'write_uid', 'write_date'})
        elif external and mode == 'create':
            raise AccessError(gettext('ecom_orders.msg_transaction_rpc_create'))

    @classmethod
    @ModelView.button
    def retry(cls, transactions):
        "Match again (after the invoice was posted or the order fixed)"
        cls.reconcile(transactions)

    @classmethod
    @ModelView.button
    def mark_manual(cls, transactions):
        "The accountant reconciled it by hand: it counts for the order"
        Sale = Pool().get('sale.sale')
        cls._to_manual(transactions)
        sales = {t.sale for t in cls.browse(transactions) if t.sale}
        if sales:
            with without_check_access():
                Sale.ecom_update_payment_state(list(sales))

    @classmethod
    @Workflow.transition('manual')
    def _to_manual(cls, transactions):
        pass

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
    def from_orders(cls, channel, orders):
        """The capture of each paid (sale, storefront order) of the intake,
        waiting for the invoice; one reported earlier is linked instead"""
        if not channel.gateways:
            return
        paid = {o.payment_reference: (s, o) for s, o in orders
            if o.payment_state == 'paid' and o.payment_reference}
        if not paid:
            return
        known = cls.search([
                ('channel', '=', channel.id), ('kind', '=', 'capture'),
                ('reference', 'in', list(paid)),
                ])
        to_link = []
        for transaction in known:
            sale, order = paid.pop(transaction.reference)
            if (not transaction.sale
                    and transaction.state in {'waiting', 'to_reconcile'}
                    and transaction.external_order == order.external_id):
                to_link.append(transaction)
                transaction.sale = sale
        cls.save(to_link)
        cls.create([{
                    'company': channel.company.id, 'channel': channel.id,
                    'kind': 'capture', 'reference': reference,
                    'external_order': order.external_id, 'sale': sale.id,
                    'gateway': getattr(
                        channel.gateway(order.payment_method), 'id', None),
                    'gateway_code': order.payment_method,
                    'amount': order.total, 'currency': sale.currency.id,
                    'date': sale.ecom_ordered_at,
                    } for reference, (sale, order) in paid.items()])
        # Reconciled when the invoice is posted (Invoice._post).
        cls.write(to_link, {'state': 'waiting'})

    @classmethod
    def reconcile(cls, transactions):
        """Match each open transaction with its order's invoice and pay it,
        the whole batch at once (payment_moves.pay_invoices)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Invoice = pool.get('account.invoice')
        results = defaultdict(list)
        payments, again, claimed = [], [], set()
        # Posting an invoice here must not start another reconciliation.
        with without_check_access(), Transaction().set_context(
                _ecom_reconciling=True):
            todo = [t for t in cls.browse(transactions)
                if t.state in {'waiting', 'to_reconcile'}]
            # drafts posted, payments booked at the captures' dates
            lock_posting_sequences([(t.company, None) for t in todo]
                + [(t.company, t.date.date()) for t in todo])
            cls._link(todo)
            refused = {t: t._refusal() for t in todo}
            drafts = list(dict.fromkeys(d for t in todo if not refused[t]
                    for d in t._draft_to_post()))
            if drafts:
                Invoice.post(drafts)
            for transaction in cls.browse(todo):
                state, note, payment = (refused[transaction] + (None,)
                    if refused[transaction] else transaction._match())
                if payment:
                    invoice = payment[0]
                    if invoice in claimed:
                        # a second capture of the same invoice: matched
                        # once this batch's payments are known
                        again.append(transaction)
                        continue
                    claimed.add(invoice)
                    payments.append((transaction, payment))
                results[(state, note)].append(transaction)
            if payments:
                pay_invoices([p for _, p in payments])
                to_write = defaultdict(list)
                for transaction, (invoice, *_) in payments:
                    to_write[invoice.id].append(transaction)
                cls.write(*[a for invoice_id, records in to_write.items()
                        for a in (records, {'invoice': invoice_id})])
            for (state, note), records in results.items():
                cls.write(records, {'note': note})
                # The transition keeps only the records that change state.
                getattr(cls, '_to_' + state)(records)
            Sale.ecom_update_payment_state(list({t.sale for t in todo
                        if t.sale and t not in again}))
        if again:
            cls.reconcile(again)

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

    @classmethod
    def _link(cls, transactions):
        "The order and gateway of transactions reported without them"
        Sale = Pool().get('sale.sale')
        changed = []
        for transaction in transactions:
            if not transaction.sale:
                sales = Sale.search([
                        ('ecom_channel', '=', transaction.channel.id),
                        ('ecom_external_id', '=',
                            transaction.external_order)], limit=1)
                if sales:
                    transaction.sale, = sales
                    changed.append(transaction)
            if not transaction.gateway and transaction.gateway_code:
                gateway = transaction.channel.gateway(
                    transaction.gateway_code)
                if gateway:
                    transaction.gateway = gateway
                    changed.append(transaction)
        if changed:
            cls.save(list(dict.fromkeys(changed)))

    def _refusal(self):
        "(state, why) when no invoice of the order can be paid by it"
        if not self.sale:
            return 'to_reconcile', gettext(
                'ecom_orders.msg_transaction_no_order',
                order=self.external_order)
        if not self.gateway:
            return 'to_reconcile', gettext(
                'ecom_orders.msg_transaction_no_gateway',
                gateway=self.gateway_code or '')
        if self.currency != self.sale.currency:
            return 'to_reconcile', gettext(
                'ecom_orders.msg_transaction_currency',
                currency=self.currency.code, sale=self.sale.rec_name,
                sale_currency=self.sale.currency.code)

    def _draft_to_post(self):
        """A paid order's draft invoice of this capture's amount, posted at
        once (Post When Paid); an amount that does not match is for the
        accountant"""
        if self.kind != 'capture' or self.sale.ecom_channel.invoice_policy != (
                'paid'):
            return []
        return [i for i in self.sale.invoices
            if i.state in {'draft', 'validated'}
            and i.total_amount == self.amount][:1]

    def _match(self):
        """(state, why, payment): the payment (invoice, its lines to
        reconcile, amount, method, date, description) of the posted invoice
        this transaction pays, or why it waits or is for the accountant"""
        lang = Pool().get('ir.lang').get()
        sale = self.sale
        sign = 1 if self.kind == 'capture' else -1
        invoices = self._invoices()
        posted = [i for i in invoices if i.state == 'posted'
            and sign * i.total_amount > 0]
        to_pay = sign * self.amount
        for invoice in posted:
            if invoice.amount_to_pay == to_pay:
                lines, remainder = invoice.get_reconcile_lines_for_amount(
                    to_pay, invoice.currency)
                if remainder:
                    continue
                return 'reconciled', None, (invoice, lines, to_pay,
                    self.gateway.payment_method, self.date.date(),
                    f"{self.gateway.code} {self.reference}")
        pending = [i for i in invoices
            if i.state in {'draft', 'validated'}
            and sign * i.total_amount > 0]
        # Posted When Paid: a capture that matched no draft will not get
        # its invoice posted by itself.
        posts_itself = not (self.kind == 'capture'
            and sale.ecom_channel.invoice_policy == 'paid')
        if (not posted and not pending) or (posts_itself and (
                    not posted or (pending and not any(
                            i.amount_to_pay for i in posted)))):
            return 'waiting', gettext(
                'ecom_orders.msg_transaction_waiting',
                sale=sale.rec_name), None
        due = sum((i.amount_to_pay for i in posted), Decimal(0)) + sum(
            (i.total_amount for i in pending), Decimal(0))
        return 'to_reconcile', gettext(
            'ecom_orders.msg_transaction_amount',
            amount=lang.currency(self.amount, self.currency),
            due=lang.currency(abs(due), self.currency),
            kind=self.kind_string.lower(), sale=sale.rec_name), None

    def _invoices(self):
        """The order's invoices; for a refund also the credit notes of its
        returns and those crediting its invoices"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('account.invoice.line')
        invoices = set(self.sale.invoices)
        if self.kind == 'refund':
            for sale in Sale.search([('origin', '=', str(self.sale))]):
                invoices.update(sale.invoices)
            lines = [str(l) for i in self.sale.invoices for l in i.lines]
            if lines:
                invoices.update(
                    l.invoice for l in Line.search([('origin', 'in', lines)]))
        return sorted(invoices, key=lambda i: i.id)

    @classmethod
    def reconcile_waiting(cls, sales):
        "The invoices of these sales were posted: match what waited for them"
        transactions = cls.search([
                ('sale', 'in', [s.id for s in sales]),
                ('state', '=', 'waiting'),
                ])
        if transactions:
            cls.reconcile(transactions)
