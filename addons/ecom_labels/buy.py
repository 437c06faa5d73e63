"""*Buy Labels*: the selected customer shipments' labels from their
carriers, in one click from the shipment or the list."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class BuyLabelsResult(ModelView):
    "Labels bought"
    __name__ = 'ecom.labels.buy.result'
    __string__ = "Labels Bought"

    summary = fields.Text("Summary", readonly=True)


class BuyLabels(Wizard):
    "Buy labels"
    __name__ = 'ecom.labels.buy'

    start = StateTransition()
    result = StateView('ecom.labels.buy.result',
        'ecom_labels.buy_labels_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        Shipment = Pool().get('stock.shipment.out')
        bought, refused = Shipment.ecom_buy_labels(list(self.records))
        lines = [gettext('ecom_labels.msg_labels_bought', count=len(bought))]
        lines += [gettext('ecom_labels.msg_label_bought_line',
                shipment=s.rec_name, reference=s.shipping_reference)
            for s in bought]
        if refused:
            lines.append(gettext('ecom_labels.msg_labels_refused',
                    count=len(refused)))
            lines += [gettext('ecom_labels.msg_label_problem',
                    shipment=s.rec_name, reason=reason)
                for s, reason in refused]
        self.result.summary = '\n'.join(lines)
        return 'result'

    def default_result(self, fields):
        return {'summary': self.result.summary}
