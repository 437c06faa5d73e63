"""The storefront opens returns: POST /<db>/ecom/v1/channels/<id>/returns.

Body::

    {"reference": "R-77", "order": "1001", "note": "too small",
     "lines": [{"sku": "SHOE-42", "quantity": 1, "reason": "size_fit"}]}

201 a return submitted for approval (state *waiting*) with its number; 200
the same reference was opened already (same return); 422 every bad field
named (unknown order, SKU not on the order, reason, quantity above what
is left to return), nothing written. Same API key as orders. The return
itself is opened by ``sale.complaint.ecom_open`` (returns.py).
"""
from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    channel_endpoint,
    contribute,
    response,
    write,
)
from trytond.modules.ecom_orders.sale import RETURN_REASONS

contribute(__file__)  # its routes are documented in openapi.json beside it

REASONS = [r for r, _ in RETURN_REASONS if r]
MAX_LINES = 100


def parse_return(data):
    chk = Checker()
    if chk.obj(data, 'return') is None:
        raise IntakeError(422, chk.errors)
    values = {
        'reference': chk.text(data, 'reference', '', max_length=100),
        'order': chk.text(data, 'order', '', max_length=100),
        'note': chk.text(data, 'note', '', required=False,
            max_length=2000),
        'lines': [],
        }
    for path, raw in chk.objects(data, 'lines', MAX_LINES):
        sku = chk.text(raw, 'sku', path, max_length=100)
        quantity = chk.amount(raw, 'quantity', path, positive=True)
        reason = chk.text(raw, 'reason', path)
        if reason and reason not in REASONS:
            chk.error(f'{path}reason',
                f"{reason!r} is not one of " + ', '.join(REASONS))
        values['lines'].append((sku, quantity, reason))
    if chk.errors:
        raise IntakeError(422, chk.errors)
    return values


@channel_endpoint('returns', 'return')
def returns(pool, channel_id, company_id, data):
    values = parse_return(data)
    return write(pool, company_id, _open, pool, channel_id, values)


def _open(pool, channel_id, values):
    Sale = pool.get('sale.sale')
    Complaint = pool.get('sale.complaint')
    sales = Sale.search([
            ('ecom_channel', '=', channel_id),
            ('ecom_external_id', '=', values['order']),
            ], limit=1)
    if not sales:
        raise IntakeError(422, [('order', (
                        f"no order {values['order']!r} in this channel"))])
    complaint, opened = Complaint.ecom_open(sales[0], values['reference'],
        values['note'], values['lines'])
    if opened:
        return _answer(201, 'opened', complaint)
    return _answer(200, 'duplicate', complaint)


def _answer(status, result, complaint):
    return response(status, {
            'status': result, 'return': complaint.id,
            'number': complaint.number, 'state': complaint.state,
            })
