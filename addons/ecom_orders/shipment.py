"""Tracking of customer shipments: carrier, tracking number and link.

A carrier's *Tracking URL* holds ``{tracking_number}``; the shipment's link
is that URL with its number. When the channel requires it, a shipment of an
order delivered by carrier can not be shipped or done without its number.
"""
from urllib.parse import quote

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

PLACEHOLDER = '{tracking_number}'


class Carrier(metaclass=PoolMeta):
    __name__ = 'carrier'

    ecom_tracking_url = fields.Char(
        "Tracking URL",
        help="The carrier's tracking page with {tracking_number} where the "
        "number goes, e.g. https://track.example.com/?n={tracking_number}")

    @classmethod
    def validate_fields(cls, carriers, field_names):
        super().validate_fields(carriers, field_names)
        if 'ecom_tracking_url' in field_names or not field_names:
            for carrier in carriers:
                url = carrier.ecom_tracking_url
                if url and (not url.startswith(('https://', 'http://'))
                        or PLACEHOLDER not in url):
                    raise ValidationError(gettext(
                            'ecom_orders.msg_carrier_tracking_url',
                            carrier=carrier.rec_name, url=url))

    def ecom_tracking_link(self, number):
        if self.ecom_tracking_url and number:
            return self.ecom_tracking_url.replace(
                PLACEHOLDER, quote(number, safe=''))


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_carrier = fields.Many2One(
        'carrier', "Carrier", ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    ecom_tracking_number = fields.Char(
        "Tracking Number", strip=True,
        states={'readonly': Eval('state') == 'cancelled'})
    ecom_tracking_url = fields.Function(fields.Char(
            "Tracking Link",
            states={'invisible': ~Eval('ecom_tracking_url')}),
        'on_change_with_ecom_tracking_url')

    @fields.depends('ecom_carrier', 'ecom_tracking_number')
    def on_change_with_ecom_tracking_url(self, name=None):
        if self.ecom_carrier:
            return self.ecom_carrier.ecom_tracking_link(
                self.ecom_tracking_number)

    def ecom_sales(self):
        return {m.sale for m in self.outgoing_moves if m.sale}

    @classmethod
    def ecom_check_tracking(cls, shipments):
        for shipment in shipments:
            if shipment.ecom_tracking_number:
                continue
            with without_check_access():
                sales = shipment.ecom_sales()
            for sale in sales:
                if sale.ecom_needs_tracking():
                    raise ValidationError(gettext(
                            'ecom_orders.msg_shipment_tracking_required',
                            shipment=shipment.rec_name,
                            sale=sale.rec_name))

    @classmethod
    @ModelView.button
    def ship(cls, shipments):
        cls.ecom_check_tracking(shipments)
        super().ship(shipments)
        cls._ecom_shipped(shipments)

    @classmethod
    @ModelView.button
    def do(cls, shipments):
        cls.ecom_check_tracking(shipments)
        super().do(shipments)
        cls._ecom_shipped(shipments)

    @classmethod
    def _ecom_shipped(cls, shipments):
        Sale = Pool().get('sale.sale')
        with without_check_access():
            sales = {s for shipment in cls.browse(shipments)
                for s in shipment.ecom_sales()}
            Sale.ecom_mark_shipped(Sale.browse(list(sales)))
