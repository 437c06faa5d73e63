"""Low-stock alerts become purchase requests.

*Request Purchase* (E-commerce Managers) turns each open alert's suggested
reorder into an upstream ``purchase.request`` to the product's first
supplier (``product_suppliers_used``), in the supplier's purchase unit,
with its lead time's supply date; the request's origin is the alert. The
purchase team then makes the purchase with upstream's *Create Purchase*.
With the company's *Request Purchases for Low Stock*, the daily alert
check does the same for every open alert that has no request yet.
*Replenishment* follows the requests: requested, ordered (a purchase
line), received (its moves done), or cancelled.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ReplenishError

REPLENISHMENT = [
    (None, ""),
    ('requested', "Requested"),
    ('ordered', "Ordered"),
    ('received', "Received"),
    ('cancelled', "Cancelled"),
    ]


class StockAlert(metaclass=PoolMeta):
    __name__ = 'ecom.stock.alert'
    purchase_requests = fields.One2Many('purchase.request', 'origin',
        "Purchase Requests", readonly=True)
    replenishment = fields.Function(fields.Selection(
            REPLENISHMENT, "Replenishment"), 'get_replenishment')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'request_purchase': {
                    # requested already: refused with the reason
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_replenishment(cls, alerts, name):
        result = {}
        for alert in alerts:
            requests = [r for r in alert.purchase_requests
                if r.state != 'cancelled']
            lines = [r.purchase_line for r in requests if r.purchase_line]
            if not requests:
                result[alert.id] = (
                    'cancelled' if alert.purchase_requests else None)
            elif lines and all(l.moves and all(m.state == 'done'
                        for m in l.moves) for l in lines):
                result[alert.id] = 'received'
            elif lines:
                result[alert.id] = 'ordered'
            else:
                result[alert.id] = 'requested'
        return result

    @classmethod
    @ModelView.button
    def request_purchase(cls, alerts):
        cls.ecom_request_purchases(alerts, strict=True)

    @classmethod
    def ecom_request_purchases(cls, alerts, strict=False):
        """The purchase requests of alerts' suggested reorders. Strict: an
        alert closed, with nothing to reorder or already requested refuses
        them all (naming the alert and the field), nothing created;
        otherwise those are skipped."""
        pool = Pool()
        Request = pool.get('purchase.request')
        errors, todo = [], []
        for alert in alerts:
            problem = cls._request_problem(alert)
            if problem:
                errors.append(problem)
            else:
                todo.append(alert)
        if errors and strict:
            raise ReplenishError('\n'.join(errors))
        return Request.create([a._purchase_request() for a in todo])

    @classmethod
    def _request_problem(cls, alert):
        "Why alert cannot become a purchase request, or None"
        def names(field):
            return cls.__names__(field)['field']
        name = f"{alert.product.rec_name} @ {alert.warehouse.rec_name}"
        if alert.state != 'open':
            return gettext('ecom_replenish.msg_alert_closed',
                alert=name, field=names('state'))
        if (alert.suggested_reorder or 0) <= 0:
            return gettext('ecom_replenish.msg_nothing_to_order',
                alert=name, field=names('suggested_reorder'))
        if not alert.product.purchasable:
            Template = Pool().get('product.template')
            return gettext('ecom_replenish.msg_not_purchasable',
                alert=name,
                field=Template.__names__('purchasable')['field'])
        if alert.replenishment in {'requested', 'ordered', 'received'}:
            return gettext('ecom_replenish.msg_already_requested',
                alert=name, field=names('purchase_requests'))
        return None

    def _purchase_request(self):
        "The values of the purchase request of this alert"
        pool = Pool()
        Date = pool.get('ir.date')
        Uom = pool.get('product.uom')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        product = self.product
        supplier = next(product.product_suppliers_used(
                company=self.company.id), None)
        unit = product.purchase_uom or product.default_uom
        quantity = Uom.compute_qty(product.default_uom,
            self.suggested_reorder, unit, round=True)
        return {
            'product': product.id,
            'party': supplier.party.id if supplier else None,
            'quantity': quantity, 'unit': unit.id,
            'computed_quantity': quantity, 'computed_unit': unit.id,
            'purchase_date': today,
            'supply_date': (supplier.compute_supply_date(today)
                if supplier else None),
            'stock_level': self.available,
            'warehouse': self.warehouse.id,
            'company': self.company.id,
            'origin': str(self),
            }

    @classmethod
    def _check_company(cls, company):
        new = super()._check_company(company)
        if company.ecom_auto_purchase_requests:
            cls.ecom_request_purchases(cls.search([
                        ('company', '=', company.id),
                        ('state', '=', 'open'),
                        ]))
        return new
