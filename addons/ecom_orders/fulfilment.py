"""Fulfilment of online orders: the service level of each order.

Every confirmed online order gets a *due* time: when it was ordered plus the
channel's preparation time, counted in hours or in (business) days in the
company's time zone. It is *late* while it is not shipped after that time,
or when it was shipped after it. Orders to prepare are listed by due time.
"""
import datetime as dt

from sql import Null
from sql.functions import CurrentTimestamp
from trytond.model import Index, ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import without_check_access

DELIVERIES = [
    (None, ""),
    ('carrier', "Carrier Delivery"),
    ('pickup', "Store Pickup"),
    ]


def add_days(start, days, business_days, zone):
    """``start`` (naive UTC) plus ``days`` days; with ``business_days``,
    Saturdays and Sundays of ``zone`` are not counted"""
    local = start.replace(tzinfo=dt.UTC).astimezone(zone)
    if not business_days:
        local += dt.timedelta(days=days)
    else:
        for _ in range(days):
            local += dt.timedelta(days=1)
            while local.weekday() >= 5:
                local += dt.timedelta(days=1)
        # An order placed at the weekend with no day to count: Monday.
        while local.weekday() >= 5:
            local += dt.timedelta(days=1)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_delivery = fields.Selection(
        DELIVERIES, "Delivery",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('ecom_channel'),
            })
    ecom_ordered_at = fields.DateTime(
        "Ordered At", readonly=True,
        states={'invisible': ~Eval('ecom_channel')})
    ecom_due = fields.DateTime(
        "Ship By", readonly=True,
        states={'invisible': ~Eval('ecom_channel')},
        help="The service level: ordered at plus the channel's "
        "preparation time.")
    ecom_shipped_at = fields.DateTime(
        "Shipped At", readonly=True,
        states={'invisible': ~Eval('ecom_channel')},
        help="When the first customer shipment was done.")
    ecom_late = fields.Function(fields.Boolean(
            "Late",
            states={'invisible': ~Eval('ecom_channel')},
            help="Not shipped by the due time."),
        'get_ecom_late', searcher='search_ecom_late')
    ecom_fulfilment = fields.Function(fields.Selection([
                (None, ""),
                ('held', "On Hold"),
                # a shipment not assigned yet (upstream's "waiting": it
                # does not mean that the stock is missing)
                ('to_prepare', "To Assign"),
                ('to_pick', "To Pick"),
                ('to_pack', "To Pack"),
                ('packed', "Packed"),
                ('ready', "Ready for Pickup"),
                ('shipped', "Shipped"),
                ('delivered', "Delivered"),
                ('cancelled', "Cancelled"),
                ], "Fulfilment"),
        'get_ecom_fulfilment')
    ecom_tracking = fields.Function(fields.Char(
            "Tracking Numbers",
            states={'invisible': ~Eval('ecom_channel')}),
        'get_ecom_tracking')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.ecom_due, Index.Range()),
                where=t.ecom_channel != Null))

    @classmethod
    def view_attributes(cls):
        # Lists that show the late flag show late orders in red.
        return super().view_attributes() + [
            ('/tree[field[@name="ecom_late"]]', 'visual',
                If(Eval('state') == 'cancelled', 'muted',
                    If(Eval('ecom_late', False), 'danger', ''))),
            ]

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ecom_ordered_at', 'ecom_due', 'ecom_shipped_at']:
            default.setdefault(name, None)
        return super().copy(sales, default=default)

    def ecom_needs_tracking(self):
        """Whether its carrier shipments leave only with a tracking number
        (the channel requires it; a pickup needs none)"""
        channel = self.ecom_channel
        return bool(channel and channel.require_tracking
            and self.ecom_delivery != 'pickup')

    def get_ecom_late(self, name):
        if not self.ecom_due:
            return False
        return (self.ecom_shipped_at or dt.datetime.now()) > self.ecom_due

    @classmethod
    def search_ecom_late(cls, name, clause):
        _, operator, value = clause[:3]
        t = cls.__table__()
        now = CurrentTimestamp()
        late = (t.ecom_due != Null) & (
            ((t.ecom_shipped_at == Null) & (t.ecom_due < now))
            | (t.ecom_shipped_at > t.ecom_due))
        positive = (operator == '=') == bool(value)
        query = t.select(t.id, where=late)
        return [('id', 'in' if positive else 'not in', query)]

    def get_ecom_fulfilment(self, name):
        if not self.ecom_channel:
            return None
        if self.ecom_hold_reason and self.state in {'draft', 'quotation'}:
            return 'held'
        if self.state == 'cancelled':
            return 'cancelled'
        shipments = [s for s in self.shipments if s.state != 'cancelled']
        if not shipments:
            return None
        pickup = self.ecom_delivery == 'pickup'
        states = {s.state for s in shipments}
        for state, value in [
                ('draft', 'to_prepare'), ('waiting', 'to_prepare'),
                ('assigned', 'to_pick'), ('picked', 'to_pack'),
                ('packed', 'ready' if pickup else 'packed'),
                ('shipped', 'shipped')]:
            if state in states:
                return value
        return 'delivered' if pickup else 'shipped'

    def ecom_status(self):
        "The order as its storefront's account page shows it (JSON)"
        due = self.ecom_due
        return {
            'external_id': self.ecom_external_id,
            'sale': {'id': self.id, 'number': self.number},
            'state': self.state,
            'payment': self.ecom_payment_state,
            'fulfilment': self.ecom_fulfilment,
            'due': f'{due.isoformat()}Z' if due else None,
            'late': self.ecom_late,
            'total': str(self.total_amount),
            'currency': self.currency.code,
            'shipments': [{
                    'number': s.number, 'state': s.state,
                    'carrier': s.ecom_carrier.rec_name
                    if s.ecom_carrier else None,
                    'tracking_number': s.ecom_tracking_number,
                    'tracking_url': s.ecom_tracking_url,
                    } for s in self.shipments if s.state != 'cancelled'],
            }

    def get_ecom_tracking(self, name):
        return ', '.join(s.ecom_tracking_number for s in self.shipments
            if s.ecom_tracking_number and s.state != 'cancelled') or None

    @classmethod
    @ModelView.button
    def confirm(cls, sales):
        now = dt.datetime.now()
        to_write = []
        for sale in sales:
            if sale.ecom_channel and not sale.ecom_due:
                ordered_at = sale.ecom_ordered_at or now
                to_write.extend([[sale], {
                            'ecom_ordered_at': ordered_at,
                            'ecom_due': sale.ecom_channel.sla_due(
                                ordered_at),
                            }])
        if to_write:
            cls.write(*to_write)
        super().confirm(sales)

    def _get_shipment_sale(self, Shipment, key):
        shipment = super()._get_shipment_sale(Shipment, key)
        if (Shipment.__name__ == 'stock.shipment.out' and self.ecom_channel
                and self.ecom_delivery != 'pickup'):
            shipment.ecom_carrier = self.ecom_channel.carrier
        return shipment

    @classmethod
    def ecom_mark_shipped(cls, sales):
        "Record the time the first shipment of each sale was done"
        sales = [s for s in sales if s.ecom_channel and not s.ecom_shipped_at]
        if sales:
            with without_check_access():
                cls.write(sales, {'ecom_shipped_at': dt.datetime.now()})

