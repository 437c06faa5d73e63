"""The storefront opens returns: POST /<db>/ecom/v1/channels/<id>/returns.

Body::

    {"reference": "R-77", "order": "1001", "note": "too small",
     "lines": [{"sku": "SHOE-42", "quantity": 1, "reason": "size_fit"}]}

201 a return submitted for approval (state *waiting*) with its number; 200
the same reference was opened already (same return); 422 every bad field
named (unknown order, SKU not on the order, reason, quantity above what
is left to return), nothing written. Same API key as orders.
"""
from trytond.exceptions import UserError
from trytond.modules.ecom_orders.api import (
    Checker,
    IntakeError,
    channel_endpoint,
    response,
    write,
)
from trytond.modules.ecom_orders.sale import RETURN_REASONS

from .returns import _return_type

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
    SaleLine = pool.get('sale.line')
    Complaint = pool.get('sale.complaint')
    sales = Sale.search([
            ('ecom_channel', '=', channel_id),
            ('ecom_external_id', '=', values['order']),
            ], limit=1)
    if not sales:
        raise IntakeError(422, [('order', (
                        f"no order {values['order']!r} in this channel"))])
    sale, = sales
    existing = Complaint.search([
            ('origin', '=', str(sale)),
            ('reference', '=', values['reference']),
            ], limit=1)
    if existing:
        return _answer(200, 'duplicate', existing[0])
    lines, errors = [], []
    for i, (sku, quantity, reason) in enumerate(values['lines']):
        matches = [l for l in sale.lines if l.type == 'line'
            and l.product and l.product.code == sku and l.quantity > 0]
        if not matches:
            errors.append((f'lines[{i}].sku',
                    f"{sku!r} is not on order {values['order']!r}"))
            continue
        lines.append({'line': matches[0].id, 'quantity': float(quantity),
                'ecom_reason': reason})
    if errors:
        raise IntakeError(422, errors)
    # Quantities above what is left to return, named by their position.
    ActionLine = pool.get('sale.complaint.action-sale.line')
    sale_lines = {l['line']: l for l in lines}
    left = {l.id: sold - returned for l, (sold, returned) in
        ActionLine.returned(SaleLine.browse(list(sale_lines))).items()}
    asked = {}
    for i, line in enumerate(lines):
        asked[line['line']] = asked.get(line['line'], 0) + line['quantity']
        if asked[line['line']] > left[line['line']] + 1e-9:
            errors.append((f'lines[{i}].quantity', (
                        f"{line['quantity']:g} is more than the "
                        f"{max(left[line['line']], 0):g} left to return")))
    if errors:
        raise IntakeError(422, errors)
    if sale.state not in {'confirmed', 'processing', 'done'}:
        raise IntakeError(422, [('order', (
                        f"order {values['order']!r} is {sale.state}, "
                        "not confirmed"))])
    try:
        complaint, = Complaint.create([{
                    'type': _return_type(), 'company': sale.company.id,
                    'customer': sale.party.id, 'origin': str(sale),
                    'reference': values['reference'],
                    'description': values['note'],
                    'actions': [('create', [{
                                    'action': 'sale_return',
                                    'sale_lines': [('create', lines)],
                                    }])],
                    }])
        Complaint.wait([complaint])
    except UserError as error:
        # The quantity check names the line; the storefront knows it by
        # its position.
        raise IntakeError(422, [('lines', error.message)]) from None
    return _answer(201, 'opened', complaint)


def _answer(status, result, complaint):
    return response(status, {
            'status': result, 'return': complaint.id,
            'number': complaint.number, 'state': complaint.state,
            })
