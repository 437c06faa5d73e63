"""When notifications are written: order confirmed, shipment done, refund
reconciled; what each channel sends."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import outbound


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    email_confirmation = fields.Boolean(
        "Email Order Confirmation",
        help="Email the customer when the order is confirmed (leave off "
        "when the storefront emails it already).")
    email_shipped = fields.Boolean(
        "Email Shipped", help="Email the customer the tracking link when "
        "the parcel leaves.")
    email_refund = fields.Boolean(
        "Email Refund", help="Email the customer when the refund is "
        "reconciled.")
    status_webhook_url = fields.Char(
        "Status Webhook URL",
        help="Called (POST, JSON, signed with the webhook secret) when an "
        "order ships, so that the storefront shows it shipped.")

    @classmethod
    def validate_fields(cls, channels, field_names):
        super().validate_fields(channels, field_names)
        if field_names and 'status_webhook_url' not in field_names:
            return
        for channel in channels:
            url = channel.status_webhook_url
            problem = url and outbound.url_problem(url)
            if problem:
                raise ValidationError(gettext(
                        'ecom_notifications.msg_webhook_url_' + problem,
                        url=url, channel=channel.rec_name))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.notification|send_pending', "Send E-commerce Notifications"))
        cls.method.selection.append(
            ('ecom.notification|purge_expired', "Purge Expired Notifications"))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_notifications = fields.One2Many(
        'ecom.notification', 'sale', "Notifications", readonly=True,
        states={'invisible': ~Eval('ecom_channel')})

    @classmethod
    @ModelView.button
    def confirm(cls, sales):
        pool = Pool()
        Notification = pool.get('ecom.notification')
        super().confirm(sales)
        Notification.queue(list(filter(None, (
                        Notification.email_values(s, 'order_confirmation')
                        for s in sales
                        if s.ecom_channel and s.ecom_channel.email_confirmation
                        and s.total_amount > 0))))

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_notifications', None)
        return super().copy(sales, default=default)


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    @ModelView.button
    def do(cls, shipments):
        pool = Pool()
        Notification = pool.get('ecom.notification')
        super().do(shipments)
        values = []
        for shipment in cls.browse(shipments):
            sales = {m.sale for m in shipment.outgoing_moves if m.sale}
            for sale in sales:
                channel = sale.ecom_channel
                if not channel or sale.ecom_delivery == 'pickup':
                    continue
                data = {
                    'carrier': (shipment.ecom_carrier.rec_name
                        if shipment.ecom_carrier else None),
                    'tracking_number': shipment.ecom_tracking_number,
                    'tracking_url': shipment.ecom_tracking_url,
                    }
                if channel.email_shipped:
                    values.append(Notification.email_values(
                            sale, 'shipped', data))
                values.append(Notification.webhook_values(
                        sale, 'shipped', dict(data,
                            shipment=shipment.number,
                            shipped_at=shipment.effective_date)))
        Notification.queue(list(filter(None, values)))


class PaymentTransaction(metaclass=PoolMeta):
    __name__ = 'ecom.payment.transaction'

    @classmethod
    def _to_reconciled(cls, transactions):
        pool = Pool()
        Notification = pool.get('ecom.notification')
        refunds = [t for t in cls.browse(transactions)
            if t.kind == 'refund' and t.state != 'reconciled' and t.sale
            and t.sale.ecom_channel and t.sale.ecom_channel.email_refund]
        super()._to_reconciled(transactions)
        Notification.queue(list(filter(None, (
                        Notification.email_values(t.sale, 'refund',
                            {'amount': t.amount})
                        for t in refunds))))
