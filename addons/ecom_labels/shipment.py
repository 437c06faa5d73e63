"""The customer shipment's label: one carrier field, the tracking number
from the label, the carrier's own tracking page, and buying labels.

ecom_orders' *Carrier* (``ecom_carrier``, set from the sales channel) and
upstream's (``carrier``, which the label services read) are kept equal: a
write of one writes the other. The label's tracking number (upstream's
``shipping_reference``) becomes the shipment's *Tracking Number*, which the
tracking email, the status webhook and the storefront push send."""
import requests
from sql import Null
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import LabelError

LABEL_STATES = {'packed', 'done'}


def _same_carrier(values):
    values = values.copy()
    if 'ecom_carrier' in values and 'carrier' not in values:
        values['carrier'] = values['ecom_carrier']
    elif 'carrier' in values and 'ecom_carrier' not in values:
        values['ecom_carrier'] = values['carrier']
    if values.get('shipping_reference'):
        values.setdefault('ecom_tracking_number', values['shipping_reference'])
        values.setdefault('ecom_label_error', None)
    return values


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_label_error = fields.Char(
        "Label Refused", readonly=True,
        states={'invisible': ~Eval('ecom_label_error')},
        help="Why the carrier refused the last label bought for it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ecom_buy_label': {
                    'invisible': (Eval('shipping_reference', False)
                        | ~Eval('has_shipping_service', False)),
                    'readonly': ~Eval('state').in_(list(LABEL_STATES)),
                    'depends': ['shipping_reference', 'has_shipping_service',
                        'state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # shipments made before this module: upstream's carrier from ours
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.carrier], [table.ecom_carrier],
                where=(table.carrier == Null)
                & (table.ecom_carrier != Null)))

    @classmethod
    def create(cls, vlist):
        return super().create([_same_carrier(v) for v in vlist])

    @classmethod
    def write(cls, *args):
        args = list(args)
        args[1::2] = [_same_carrier(v) for v in args[1::2]]
        super().write(*args)

    @fields.depends('shipping_reference', 'root_packages')
    def on_change_with_ecom_tracking_url(self, name=None):
        "The carrier's page for the label's number, else the carrier's link"
        if (self.shipping_reference and self.id is not None and self.id >= 0
                and self.ecom_tracking_number == self.shipping_reference):
            for package in self.root_packages or []:
                if package.shipping_tracking_url:
                    return package.shipping_tracking_url
        return super().on_change_with_ecom_tracking_url(name)

    @classmethod
    def check_no_carrier(cls, shipments):
        "Orders picked up at the shop need no carrier"
        def pickup_only(shipment):
            sales = shipment.ecom_sales()
            return bool(sales) and all(
                sale.ecom_delivery == 'pickup' for sale in sales)
        with without_check_access():
            shipments = [s for s in cls.browse(shipments)
                if not pickup_only(s)]
        super().check_no_carrier(shipments)

    @classmethod
    @ModelView.button_action('ecom_labels.wizard_buy_labels')
    def ecom_buy_label(cls, shipments):
        pass

    def ecom_label_problem(self):
        "Why no label can be bought for the shipment (None: it can)"
        if self.state not in LABEL_STATES:
            states = dict(self.fields_get(['state'])['state']['selection'])
            return gettext('ecom_labels.msg_label_state',
                state=states.get(self.state, self.state))
        if self.shipping_reference:
            return gettext('ecom_labels.msg_label_bought',
                reference=self.shipping_reference)
        if not self.carrier:
            return gettext('ecom_labels.msg_label_no_carrier')
        if not self.carrier.shipping_service:
            return gettext('ecom_labels.msg_label_no_service',
                carrier=self.carrier.rec_name)
        if not self.root_packages and not self.carrier.ecom_package_type:
            return gettext('ecom_labels.msg_label_no_package',
                carrier=self.carrier.rec_name)
        address = self.delivery_address
        if not address or not address.country:
            return gettext('ecom_labels.msg_label_no_country')

    @classmethod
    def ecom_check_labels(cls, shipments):
        "Refuse, naming every shipment and why, before anything is bought"
        problems = [(s, s.ecom_label_problem()) for s in shipments]
        problems = [gettext('ecom_labels.msg_label_problem',
                shipment=s.rec_name, reason=p) for s, p in problems if p]
        if problems:
            raise LabelError(gettext('ecom_labels.msg_label_refused'),
                '\n'.join(problems))

    def ecom_pack_all(self):
        "One package of the carrier's default type with all the goods"
        Package = Pool().get('stock.package')
        package = Package(company=self.company, shipment=self,
            type=self.carrier.ecom_package_type,
            moves=self.packages_moves)
        package.save()

    def ecom_buy(self):
        "Buy the label through the carrier's upstream service"
        service = self.carrier.shipping_service
        Wizard = Pool().get(
            f'stock.shipment.create_shipping.{service}', type='wizard')
        if not self.root_packages:
            self.ecom_pack_all()
        with Transaction().set_context(active_model=self.__name__,
                active_id=self.id, active_ids=[self.id]):
            session_id, _, _ = Wizard.create()
            try:
                Wizard(session_id).transition_start()
            finally:
                Wizard.delete(session_id)

    @classmethod
    def ecom_buy_labels(cls, shipments):
        """Buy each shipment's label; return the references bought and the
        carrier's refusals (kept on the shipments). One shipment alone:
        a refusal is raised and nothing is kept."""
        cls.ecom_check_labels(shipments)
        bought, refused = [], []
        for shipment in shipments:
            try:
                shipment.ecom_buy()
            except (UserError, requests.RequestException) as error:
                if len(shipments) == 1:
                    raise
                reason = str(error.message
                    if isinstance(error, UserError) else error)
                refused.append((shipment, ' '.join(reason.split())))
            else:
                bought.append(shipment)
        if refused:
            cls.write(*[a for shipment, reason in refused
                    for a in ([shipment], {'ecom_label_error': reason[:500]})])
        return cls.browse(bought), refused
