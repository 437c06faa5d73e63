"""What a storefront's account page shows of an order (GET, API key).

GET /<db>/ecom/v1/channels/<id>/orders/<external id>
    200 the sale's state, payment, fulfilment, due time, shipments with
    carrier and tracking link (and, with ecom_returns, its returns); an
    order the storefront reported that is not a sale yet answers its event
    state (received, needs_attention); 404 unknown to the channel.
"""
from trytond.protocols.wrappers import with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from .api import authenticate, json_errors, response
from .intake_format import IntakeError, without_nul

EVENT_STATES = {'received': 'received', 'exception': 'needs_attention',
    'ignored': 'ignored', 'done': 'received'}


@app.route('/<database_name>/ecom/v1/channels/<int:channel_id>/orders/'
    '<path:external_id>', methods={'GET'})
@with_pool
def order_status(request, pool, channel_id, external_id):
    def answer():
        with Transaction().start(pool.database_name, 0, readonly=True):
            channel = authenticate(
                pool, channel_id, 'generic', request, b'', signed=False)
            with Transaction().set_context(company=channel.company.id):
                return response(200, _status(
                        pool, channel, without_nul(external_id)))
    return json_errors('order', channel_id, answer)


def _status(pool, channel, external_id):
    Sale = pool.get('sale.sale')
    Event = pool.get('ecom.storefront.event')
    sales = Sale.search([
            ('ecom_channel', '=', channel.id),
            ('ecom_external_id', '=', external_id),
            ], limit=1)
    if sales:
        return sales[0].ecom_status()
    events = Event.search([
            ('channel', '=', channel.id), ('external_id', '=', external_id),
            ], order=[('id', 'DESC')], limit=1)
    if events:
        return {'external_id': external_id, 'sale': None,
            'state': EVENT_STATES[events[0].state]}
    raise IntakeError(404, [('external_id', (
                f"the channel has no order {external_id!r}"))], 'not_found')
