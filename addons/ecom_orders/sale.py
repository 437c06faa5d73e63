from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .posting_locks import lock_posting_sequences
from .queue import queue_of

# Set by the storefront's reports and the workflow, never by an RPC write
# (readonly is only the client's hint): a forged payment state ships the
# order and posts its invoice.
WORKFLOW_FIELDS = {'ecom_payment_state', 'ecom_payment_reference',
    'ecom_storefront_total', 'ecom_storefront_modified', 'ecom_hold_reason',
    'ecom_coupons', 'ecom_referrer', 'ecom_landing_page'}
# The idempotency key: writable from RPC only while the sale is a draft
DRAFT_FIELDS = {'ecom_channel', 'ecom_external_id'}


def refuse_rpc_write(records, values, names, reason_of=None):
    """AccessError naming the first field of names that values write on
    records (reason_of(record) True: that record may have it written)"""
    for name in sorted(set(values or {}) & set(names)):
        for record in records:
            if reason_of is None or not reason_of(record):
                field = record.__class__._fields[name]
                raise AccessError(gettext(
                        'ecom_orders.msg_rpc_workflow_field',
                        field=field.string, record=record.rec_name,
                        model=record.__names__()['model']))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_channel = fields.Many2One(
        'ecom.channel', "Channel", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    ecom_external_id = fields.Char(
        "External Order ID", strip=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The order number in the storefront; one sale per channel.")
    ecom_payment_state = fields.Selection([
            (None, ""),
            ('pending', "Pending"),
            ('authorized', "Authorized"),
            ('paid', "Paid"),
            ], "Payment", readonly=True,
        help="The payment status the storefront reported.")
    ecom_payment_reference = fields.Char(
        "Payment Reference", readonly=True)
    ecom_coupons = fields.Char("Coupon Codes", readonly=True)
    ecom_referrer = fields.Char("Referrer", readonly=True,
        help="The page the customer came from, as the storefront recorded.")
    ecom_landing_page = fields.Char("Landing Page", readonly=True,
        help="The storefront page where the customer's visit started.")
    ecom_storefront_total = Monetary(
        "Storefront Total", currency='currency', digits='currency',
        readonly=True)
    ecom_storefront_modified = fields.DateTime(
        "Modified in Storefront", readonly=True,
        help="The storefront's modification time of the last change "
        "applied (UTC); older reports are ignored.")
    ecom_events = fields.One2Many(
        'ecom.storefront.event', 'sale', "Storefront Events", readonly=True)
    ecom_hold_reason = fields.Text(
        "Hold Reason", readonly=True,
        states={'invisible': ~Eval('ecom_hold_reason')})
    ecom_is_return = fields.Function(fields.Boolean(
            "Return",
            help="Gives goods back: a line with a negative quantity."),
        'get_ecom_is_return', searcher='search_ecom_is_return')
    ecom_return_sales = fields.Function(fields.Many2Many(
            'sale.sale', None, None, "Returns", readonly=True,
            states={'invisible': ~Eval('ecom_return_sales')},
            help="The return sales of this order."),
        'get_ecom_return_sales')

    @classmethod
    def view_attributes(cls):
        # the online order's first page: hidden on sales entered by hand
        return super().view_attributes() + [
            ('/form/notebook/page[@id="ecom"]', 'states',
                {'invisible': ~Eval('ecom_channel')}),
            ]

    @classmethod
    def search_rec_name(cls, name, clause):
        "Scan-friendly: the storefront's number and a tracking number too"
        domain = super().search_rec_name(name, clause)
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op, domain,
            ('ecom_external_id', operator, value),
            ('shipments.ecom_tracking_number', operator, value),
            ]

    @classmethod
    def get_ecom_is_return(cls, sales, name):
        returns = {r.id for r in cls.search([
                    ('id', 'in', [s.id for s in sales]),
                    ('ecom_is_return', '=', True)])}
        return {s.id: s.id in returns for s in sales}

    @classmethod
    def search_ecom_is_return(cls, name, clause):
        _, operator, value = clause[:3]
        line = Pool().get('sale.line').__table__()
        query = line.select(line.sale, where=line.quantity < 0)
        positive = (operator == '=') == bool(value)
        return [('id', 'in' if positive else 'not in', query)]

    @classmethod
    def get_ecom_return_sales(cls, sales, name):
        "The sales whose origin is the order (ecom_returns adds its RMAs')"
        result = {s.id: [] for s in sales}
        for sale in cls.search([
                    ('origin', 'in', [str(s) for s in sales]),
                    ('ecom_is_return', '=', True)],
                order=[('id', 'ASC')]):
            result[sale.origin.id].append(sale.id)
        return result

    def ecom_intake_lines(self, order, lines, batch):
        """Extra lines of an order the intake builds (after its goods and
        shipping lines): none here; raise exceptions.OrderRefused to refuse the
        order.
        batch is a dict shared by the orders of one intake batch."""
        return []

    def ecom_intake_hold(self, order, refuse, batch):
        """A reason to hold this new sale of order (left a quotation that
        reserves nothing, *On Hold* for staff to confirm), or None; when
        refuse (the orders API: the storefront can tell its customer; a
        webhook's order is held instead) raise exceptions.OrderRefused.
        None here; ecom_b2b holds orders over the customer's credit limit.
        batch is a dict shared by the orders of one intake batch."""

    @classmethod
    def ecom_intake_saved(cls, pairs):
        """Called with the [(sale, order)] of an intake batch once saved and
        confirmed; raise exceptions.ConcurrentChange to run the batch again"""

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_external_unique',
                Unique(t, t.ecom_channel, t.ecom_external_id),
                'ecom_orders.msg_sale_external_unique'),
            ]

    @classmethod
    def check_modification(cls, mode, sales, values=None, external=False):
        super().check_modification(
            mode, sales, values=values, external=external)
        if external and mode == 'write':
            refuse_rpc_write(sales, values, WORKFLOW_FIELDS)
            refuse_rpc_write(sales, values, DRAFT_FIELDS,
                lambda sale: sale.state == 'draft')
        elif external and mode == 'create':
            for sale in sales:
                refuse_rpc_write([sale], {n: True for n in WORKFLOW_FIELDS
                        if getattr(sale, n, None) not in (None, '')},
                    WORKFLOW_FIELDS)

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ecom_external_id', 'ecom_payment_state',
                'ecom_payment_reference', 'ecom_storefront_total',
                'ecom_hold_reason', 'ecom_storefront_modified',
                'ecom_events']:
            default.setdefault(name, None)
        return super().copy(sales, default=default)

    @classmethod
    def store_cache(cls, sales):
        # The intake computed the amounts from the same lines moments
        # before (Sale.on_change_lines) and filled the caches in.
        if Transaction().context.get('ecom_amounts_cached'):
            sales = [s for s in sales if s.total_amount_cache is None]
        super().store_cache(sales)

    @property
    def _ecom_post_when_processed(self):
        "Whether processing posts this order's invoices (paid online)"
        return bool(self.ecom_channel and self.ecom_payment_state == 'paid'
            and self.ecom_channel.invoice_policy == 'paid')

    @classmethod
    @ModelView.button
    def process(cls, sales):
        """Post the invoices of orders the storefront reported paid; an
        order whose invoice is paid is paid, whatever the storefront said"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        post_queued = bool(queue_of('account.invoice', 'ecom_post', None)
            and config.getboolean('queue', 'worker', default=False))
        sales = cls.browse(sales)
        if not post_queued:
            # before the work, not when the posting numbers (posting_locks)
            lock_posting_sequences((s.company, None) for s in sales
                if s._ecom_post_when_processed)
        super().process(sales)
        sales = cls.browse(sales)
        settled = [s for s in sales if s.ecom_channel
            and s.invoice_state == 'paid' and s.total_amount >= 0
            and s.ecom_payment_state in {None, 'pending', 'authorized'}]
        if settled:
            cls.write(settled, {'ecom_payment_state': 'paid'})
        invoices = [i for s in sales if s._ecom_post_when_processed
            for i in s.invoices if i.state in {'draft', 'validated'}]
        if not invoices:
            return
        if post_queued:
            # An invoice's number comes from a strict sequence, locked until
            # the posting commits: posted here, two workers processing
            # orders would wait on (and retry after) each other for whole
            # batches. The production profile posts in a queue of its own
            # with one worker (queue.py, docs/production.md).
            Invoice.__queue__.ecom_post(invoices)
        else:
            Invoice.post(invoices)


RETURN_REASONS = [
    (None, ""),
    ('damaged', "Arrived Damaged"),
    ('defective', "Defective"),
    ('wrong_item', "Wrong Item Sent"),
    ('not_as_described', "Not as Described"),
    ('size_fit', "Size or Fit"),
    ('changed_mind', "Changed Mind"),
    ('late', "Arrived Too Late"),
    ('other', "Other"),
    ]


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    ecom_return_reason = fields.Selection(
        RETURN_REASONS, "Return Reason",
        states={
            'invisible': (Eval('type') != 'line')
            | (Eval('quantity', 0) >= 0),
            'readonly': Eval('sale_state') != 'draft',
            },
        help="Why the customer sent the goods back (returned lines have a "
        "negative quantity).")


class SalePromotion(metaclass=PoolMeta):
    "With sale_promotion: a storefront order keeps the storefront's prices"
    __name__ = 'sale.sale'

    def apply_promotion(self):
        # The customer paid what the storefront priced (its discounts
        # included); applying the ERP's promotions again would change the
        # total after the intake checked it against the storefront's.
        if self.ecom_channel:
            return
        super().apply_promotion()
