"""Returns (RMA) of online orders: sale_complaint's *Create Sale Return*
with a reason per line, returned quantities never above what was sold,
shipping refunded by the channel's policy, and on receipt the credit note.

The flow: staff (or the storefront through the API) open a return for some
lines of an order with their reason (draft), submit it (waiting), a manager
approves it: the return sale is created, quoted and confirmed, which
creates the customer return shipment and the draft credit note. When the
warehouse receives the parcel the credit note is posted; the gateway's
refund is then reconciled with it (ecom_orders' payments).
"""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, Unique, fields
from trytond.modules.ecom_orders.sale import RETURN_REASONS
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ReturnRefused

# Reasons that are the shop's fault: shipping is refunded under "When
# Faulty".
FAULTY = {'damaged', 'defective', 'wrong_item', 'not_as_described'}
CLOSED = {'rejected', 'cancelled'}


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    return_shipping = fields.Selection([
            ('never', "Never"),
            ('faulty', "When Faulty"),
            ('always', "Always"),
            ], "Refund Shipping on Returns", required=True,
        help="Whether a return also credits the order's shipping: never, "
        "when a returned line is damaged, defective, wrong or not as "
        "described, or always.")

    return_credit = fields.Selection([
            ('received', "When Received"),
            ('approved', "When Approved"),
            ], "Credit Returns", required=True,
        help="When a return's credit note is posted (and, for a gateway "
        "the back office operates, refunded): when the warehouse receives "
        "the parcel, or as soon as the return is approved.")

    @staticmethod
    def default_return_shipping():
        return 'faulty'

    @staticmethod
    def default_return_credit():
        return 'received'


def return_type():
    "The id of the complaint type *Return* of online orders"
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('ecom_returns', 'complaint_type_return')


class Complaint(metaclass=PoolMeta):
    __name__ = 'sale.complaint'

    ecom_channel = fields.Function(
        fields.Many2One('ecom.channel', "Channel"),
        'get_ecom_channel', searcher='search_ecom_channel')
    ecom_return_sales = fields.Function(
        fields.Many2Many('sale.sale', None, None, "Return Sales"),
        'get_ecom_return_sales')
    ecom_refund_state = fields.Function(fields.Selection([
                (None, ""),
                ('to_receive', "To Receive"),
                ('to_refund', "To Refund"),
                ('refunded', "Refunded"),
                ], "Refund"), 'get_ecom_refund_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The storefront's return id opens one return per order.
        cls._sql_constraints += [
            ('ecom_reference_unique', Unique(t, t.origin, t.reference),
                'ecom_returns.msg_return_reference_unique'),
            ]

    @classmethod
    def default_type(cls):
        if Transaction().context.get('ecom_return'):
            return return_type()

    def get_ecom_channel(self, name):
        Sale = Pool().get('sale.sale')
        if isinstance(self.origin, Sale) and self.origin.ecom_channel:
            return self.origin.ecom_channel.id

    @classmethod
    def search_ecom_channel(cls, name, clause):
        return [('origin.ecom_channel' + clause[0][len(name):],
                *clause[1:3], 'sale.sale', *clause[3:])]

    def get_ecom_return_sales(self, name):
        Sale = Pool().get('sale.sale')
        return [a.result.id for a in self.actions
            if isinstance(a.result, Sale)]

    def get_ecom_refund_state(self, name):
        "From the return sales: parcel received, credit note paid"
        sales = [s for s in self.ecom_return_sales if s.state != 'cancelled']
        if not self.ecom_channel or not sales or self.state != 'done':
            return None
        if any(r.state not in {'received', 'done', 'cancelled'}
                for s in sales for r in s.shipment_returns):
            return 'to_receive'
        credit_notes = [i for s in sales for i in s.invoices
            if i.state != 'cancelled']
        if credit_notes and all(i.state == 'paid' for i in credit_notes):
            return 'refunded'
        return 'to_refund'

    @classmethod
    @ModelView.button
    def wait(cls, complaints):
        cls.check_returns(complaints)
        super().wait(complaints)

    @classmethod
    @ModelView.button
    def approve(cls, complaints):
        cls.check_returns(complaints)
        super().approve(complaints)

    @classmethod
    def check_returns(cls, complaints):
        "Each returned line of an online order has its reason and quantity"
        pool = Pool()
        Sale = pool.get('sale.sale')
        ActionLine = pool.get('sale.complaint.action-sale.line')
        lines = []
        for complaint in complaints:
            if not isinstance(complaint.origin, Sale):
                continue
            for action in complaint.actions:
                if action.action != 'sale_return':
                    continue
                for line in action.sale_lines:
                    if complaint.ecom_channel and not line.ecom_reason:
                        raise UserError(gettext(
                                'ecom_returns.msg_return_reason_required',
                                complaint=complaint.rec_name,
                                line=line.line.rec_name))
                    lines.append(line)
        if lines:
            # Two returns approved at once must not both pass the check.
            Sale.lock(list({l.line.sale for l in lines}))
            ActionLine.check_returnable(lines)

    @classmethod
    def ecom_open(cls, sale, reference, note, lines):
        """The return the storefront opens for lines [(sku, quantity,
        reason)] of sale, submitted for approval: (complaint, True), or
        (complaint, False) when reference was opened already. ReturnRefused
        names each bad line by its position, nothing written."""
        pool = Pool()
        SaleLine = pool.get('sale.line')
        ActionLine = pool.get('sale.complaint.action-sale.line')
        existing = cls.search([
                ('origin', '=', str(sale)), ('reference', '=', reference),
                ], limit=1)
        if existing:
            return existing[0], False
        values, errors = [], []
        for i, (sku, quantity, reason) in enumerate(lines):
            matches = [l for l in sale.lines if l.type == 'line'
                and l.product and l.product.code == sku and l.quantity > 0]
            if not matches:
                errors.append((f'lines[{i}].sku', (
                            f"{sku!r} is not on order "
                            f"{sale.ecom_external_id!r}")))
                continue
            values.append({'line': matches[0].id, 'quantity': float(quantity),
                    'ecom_reason': reason})
        if errors:
            raise ReturnRefused(errors)
        # Quantities above what is left to return, named by their position.
        left = {l.id: q for l, q in ActionLine.left_to_return(
                SaleLine.browse(list({v['line'] for v in values}))).items()}
        asked = {}
        for i, value in enumerate(values):
            line = value['line']
            asked[line] = asked.get(line, 0) + value['quantity']
            if asked[line] > left[line] + 1e-9:
                errors.append((f'lines[{i}].quantity', (
                            f"{value['quantity']:g} is more than the "
                            f"{max(left[line], 0):g} left to return")))
        if errors:
            raise ReturnRefused(errors)
        if sale.state not in {'confirmed', 'processing', 'done'}:
            raise ReturnRefused([('order', (
                            f"order {sale.ecom_external_id!r} is "
                            f"{sale.state}, not confirmed"))])
        try:
            complaint, = cls.create([{
                        'type': return_type(), 'company': sale.company.id,
                        'customer': sale.party.id, 'origin': str(sale),
                        'reference': reference, 'description': note,
                        'actions': [('create', [{
                                        'action': 'sale_return',
                                        'sale_lines': [('create', values)],
                                        }])],
                        }])
            cls.wait([complaint])
        except UserError as error:
            # The quantity check names the line; the storefront knows it
            # by its position.
            raise ReturnRefused([('lines', error.message)]) from None
        return complaint, True

    @classmethod
    def process(cls, complaints):
        "The return sales of online orders go on: shipment and credit note"
        pool = Pool()
        Sale = pool.get('sale.sale')
        super().process(complaints)
        sales = [s for c in cls.browse(complaints)
            for s in c.ecom_return_sales
            if s.ecom_channel and s.state == 'draft']
        if sales:
            Sale.quote(sales)
            Sale.confirm(sales)


class Action(metaclass=PoolMeta):
    __name__ = 'sale.complaint.action'

    def do_sale_return(self):
        pool = Pool()
        Sale = pool.get('sale.sale')
        return_sale = super().do_sale_return()
        sale = self.complaint.origin
        if not return_sale or not isinstance(sale, Sale) or (
                not sale.ecom_channel):
            return return_sale
        reasons = {}
        for line in self.sale_lines:
            reasons.setdefault(line.line.product, line.ecom_reason)
        lines = list(return_sale.lines)
        for line in lines:
            if line.type == 'line':
                line.ecom_return_reason = reasons.get(line.product)
        shipping = self._ecom_shipping_refund(sale, set(reasons.values()))
        if shipping:
            lines.append(shipping)
        return_sale.lines = lines
        return return_sale

    def _ecom_shipping_refund(self, sale, reasons):
        "The shipping line to credit, by the channel's policy, at most once"
        pool = Pool()
        Line = pool.get('sale.line')
        Complaint = pool.get('sale.complaint')
        channel = sale.ecom_channel
        product = channel.shipping_product
        policy = channel.return_shipping
        if not product or policy == 'never' or (
                policy == 'faulty' and not reasons & FAULTY):
            return
        shipping = [l for l in sale.lines
            if l.type == 'line' and l.product == product and l.quantity > 0]
        if not shipping or any(
                l.line in shipping for l in self.sale_lines):
            return
        others = Complaint.search([
                ('origin', '=', str(sale)),
                ('state', '=', 'done'),
                ('id', '!=', self.complaint.id),
                ])
        if any(l.product == product and l.quantity < 0
                for c in others for s in c.ecom_return_sales
                if s.state != 'cancelled' for l in s.lines):
            return
        original = shipping[0]
        return Line(
            type='line', product=product, unit=original.unit,
            quantity=-original.quantity, unit_price=original.unit_price,
            description=original.description, taxes=original.taxes,
            ecom_return_reason=next(iter(sorted(reasons & FAULTY)), None))


class ActionSaleLine(metaclass=PoolMeta):
    __name__ = 'sale.complaint.action-sale.line'

    ecom_reason = fields.Selection(
        RETURN_REASONS, "Return Reason",
        states={
            'readonly': ((Eval('complaint_state') != 'draft')
                | Bool(Eval('_parent_action.result', True))),
            },
        help="Why the customer sends it back; required for online orders.")

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        cls.check_returnable(lines)

    @classmethod
    def check_returnable(cls, lines):
        """A line returns more than zero and, with the other open returns
        of the same sale line, never more than was sold"""
        sale_lines = set()
        for line in lines:
            quantity = line.get_quantity()
            if quantity is not None and quantity <= 0:
                raise UserError(gettext(
                        'ecom_returns.msg_return_quantity_positive',
                        line=line.line.rec_name))
            if line.action.action == 'sale_return':
                sale_lines.add(line.line)
        if not sale_lines:
            return
        for sale_line, (sold, returned) in cls.returned(sale_lines).items():
            if returned > sold + 1e-9:
                lang = Pool().get('ir.lang').get()
                raise UserError(gettext(
                        'ecom_returns.msg_return_quantity_exceeds',
                        line=sale_line.rec_name,
                        returned=lang.format_number(returned,
                            digits=sale_line.unit.digits),
                        sold=lang.format_number(sold,
                            digits=sale_line.unit.digits)))

    @classmethod
    def returned(cls, sale_lines):
        """{sale line: (sold, in returns not rejected or cancelled)}"""
        result = {l: (l.actual_quantity if l.actual_quantity is not None
                else l.quantity, 0.0) for l in sale_lines}
        for other in cls.search([
                    ('line', 'in', [l.id for l in sale_lines]),
                    ('action.action', '=', 'sale_return'),
                    ('action.complaint.state', 'not in', list(CLOSED)),
                    ]):
            sold, returned = result[other.line]
            result[other.line] = (
                sold, returned + (other.get_quantity() or 0))
        return result

    @classmethod
    def left_to_return(cls, sale_lines):
        "{sale line: sold less what open returns hold}"
        return {l: sold - returned
            for l, (sold, returned) in cls.returned(sale_lines).items()}


class ShipmentOutReturn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    @classmethod
    def receive(cls, shipments):
        "The parcel is back: post the credit notes of online returns"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Complaint = pool.get('sale.complaint')
        super().receive(shipments)
        sales = {m.origin.sale for s in cls.browse(shipments)
            for m in s.incoming_moves
            if m.origin and m.origin.__name__ == 'sale.line'}
        post_credit_notes([s for s in Sale.browse(sales)
                if s.ecom_channel and isinstance(s.origin, Complaint)])


def post_credit_notes(return_sales):
    "Post the draft credit notes of these return sales"
    Invoice = Pool().get('account.invoice')
    credit_notes = [i for s in return_sales for i in s.invoices
        if i.state in {'draft', 'validated'}
        and i.total_amount <= Decimal(0)]
    if credit_notes:
        # the shop's rule, not the warehouse user's accounting rights
        with without_check_access():
            Invoice.post(credit_notes)
