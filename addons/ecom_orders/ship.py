"""Ship online orders in one step (Orders to Prepare > Action > Ship):
carrier and tracking number asked once, then each order's customer
shipments go through upstream's workflow (wait, assign, pick, pack, done).
All or nothing: an order that cannot be shipped is named and nothing is
written. Print > Picking List gives the orders' open shipments on upstream's
picking list."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.stock.shipment import PickingList
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

OPEN = {'draft', 'waiting', 'assigned', 'picked', 'packed'}


class ShipStart(ModelView):
    "Ship online orders"
    __name__ = 'ecom.sale.ship.start'
    __string__ = "Ship Orders"

    sales = fields.Many2Many(
        'sale.sale', None, None, "Orders", readonly=True)
    carrier = fields.Many2One('carrier', "Carrier")
    single = fields.Boolean("One Order", readonly=True)
    tracking_required = fields.Boolean("Tracking Required", readonly=True)
    tracking_number = fields.Char(
        "Tracking Number", strip=True,
        states={
            'invisible': ~Eval('single', True),
            'required': Bool(Eval('single')) & Bool(
                Eval('tracking_required')),
            },
        help="Scan or type the carrier's number of the parcel.")
    tracking_numbers = fields.Text(
        "Tracking Numbers",
        states={
            'invisible': Bool(Eval('single', True)),
            'required': ~Eval('single', True) & Bool(
                Eval('tracking_required')),
            },
        help="One per line, in the order of the list above.")


class Ship(Wizard):
    "Ship online orders with their carrier and tracking number"
    __name__ = 'ecom.sale.ship'
    __string__ = "Ship Orders"

    start = StateView('ecom.sale.ship.start',
        'ecom_orders.sale_ship_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Ship", 'ship', 'tryton-ok', default=True),
            ])
    ship = StateTransition()

    def default_start(self, fields):
        sales = self.records
        for sale in sales:
            if not sale.ecom_channel or sale.ecom_is_return:
                raise ValidationError(gettext(
                        'ecom_orders.msg_ship_not_online', sale=sale.rec_name))
            if not self._shipments(sale):
                raise ValidationError(gettext(
                        'ecom_orders.msg_ship_nothing', sale=sale.rec_name))
        carriers = {s.ecom_channel.carrier for s in sales}
        carrier = carriers.pop() if len(carriers) == 1 else None
        return {
            'sales': [s.id for s in sales],
            'carrier': carrier.id if carrier else None,
            'single': len(sales) == 1,
            'tracking_required': any(s.ecom_needs_tracking() for s in sales),
            }

    @staticmethod
    def _shipments(sale):
        return [s for s in sale.shipments if s.state in OPEN]

    def _numbers(self, sales):
        "{sale: tracking number}, or ValidationError naming the field"
        start = self.start
        if len(sales) == 1:
            numbers = [start.tracking_number or None]
            field = 'tracking_number'
        else:
            numbers = [n.strip() or None
                for n in (start.tracking_numbers or '').splitlines()]
            while numbers and numbers[-1] is None:
                numbers.pop()
            field = 'tracking_numbers'
            if numbers and len(numbers) != len(sales):
                raise ValidationError(gettext(
                        'ecom_orders.msg_ship_tracking_count',
                        field=self.start.__class__._fields[field].string,
                        lines=len(numbers), orders=len(sales)))
            numbers += [None] * (len(sales) - len(numbers))
        for sale, number in zip(sales, numbers):
            if not number and sale.ecom_needs_tracking():
                raise ValidationError(gettext(
                        'ecom_orders.msg_ship_tracking_required',
                        field=self.start.__class__._fields[field].string,
                        sale=sale.rec_name))
        return dict(zip(sales, numbers))

    def transition_ship(self):
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        sales = list(self.records)
        numbers = self._numbers(sales)
        carrier = self.start.carrier
        to_write = []
        shipments = []
        for sale in sales:
            todo = self._shipments(sale)
            shipments.extend(todo)
            to_write.extend([todo, {
                        'ecom_carrier': carrier.id if carrier else None,
                        'ecom_tracking_number': numbers[sale]}])
        Shipment.write(*to_write)

        def in_state(*states):
            return [s for s in Shipment.browse(shipments) if s.state in states]
        Shipment.wait(in_state('draft'))
        Shipment.assign_try(in_state('waiting'))
        waiting = in_state('waiting')
        if waiting:
            raise ValidationError(gettext('ecom_orders.msg_ship_no_stock',
                    sales=", ".join(sorted({sale.rec_name
                                for s in waiting
                                for sale in s.ecom_sales()}))))
        Shipment.pick(in_state('assigned'))
        Shipment.pack(in_state('picked'))
        Shipment.do(in_state('packed'))
        return 'end'


class SalePickingList(PickingList):
    "Upstream's picking list of the orders' shipments still to ship"
    __name__ = 'ecom.sale.picking_list'

    @classmethod
    def _get_records(cls, ids, model, data):
        Sale = Pool().get('sale.sale')
        shipments = {s for sale in Sale.browse(ids) for s in sale.shipments
            if s.state in OPEN}
        return sorted(shipments, key=lambda s: s.id)
