"""What a storefront's later report of an order changes on its sale.

WooCommerce sends the whole order on ``order.updated`` (status pending,
on-hold, processing, completed, cancelled, refunded, failed); Shopify on
``orders/updated``, ``orders/paid``, ``orders/cancelled`` and ``refunds/create``
(``financial_status``, ``cancelled_at``). Both carry the order's
modification time (``date_modified_gmt``, ``updated_at``), which orders the
events. A shipping address edited in the storefront moves the sale and its
open shipments to it while nothing is packed (``apply_address``).
"""
import datetime

from trytond.pool import Pool

from .intake_format import IntakeError

WOO_STATUSES = {
    'pending': 'pending', 'on-hold': 'pending', 'failed': 'pending',
    'processing': 'paid', 'completed': 'paid',
    'cancelled': 'cancelled', 'trash': 'cancelled',
    'refunded': 'refunded',
    }
SHOPIFY_FINANCIAL = {
    'pending': 'pending', 'authorized': 'pending',
    'partially_paid': 'pending', 'paid': 'paid',
    'partially_refunded': 'refunded', 'refunded': 'refunded',
    'voided': 'cancelled',
    }
# The topics each receiver stores; any other is answered 200 and ignored.
TOPICS = {
    'woocommerce': ('X-WC-Webhook-Topic', 'order.created',
        {'order.created', 'order.updated', 'order.restored'}),
    'shopify': ('X-Shopify-Topic', 'orders/create',
        {'orders/create', 'orders/updated', 'orders/paid',
            'orders/cancelled', 'refunds/create'}),
    }


def is_refund(kind, data):
    "A Shopify refunds/create body: a refund of order_id, not an order"
    return (kind == 'shopify' and isinstance(data, dict)
        and 'order_id' in data and 'refund_line_items' in data)


def modified_at(kind, data):
    "The storefront's modification time of the order, naive UTC, or None"
    value = data.get('date_modified_gmt' if kind == 'woocommerce'
        else 'updated_at')
    if is_refund(kind, data):
        value = data.get('processed_at') or data.get('created_at')
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:  # WooCommerce's *_gmt has no offset
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def storefront_status(kind, topic, data):
    "pending, paid, cancelled or refunded, as the storefront reports it"
    if not isinstance(data, dict):
        return None
    if kind == 'woocommerce':
        status = WOO_STATUSES.get(data.get('status'))
        if status == 'pending' and data.get('date_paid'):
            status = 'paid'
        return status
    if topic == 'refunds/create' or is_refund(kind, data):
        return 'refunded'
    if topic == 'orders/cancelled' or data.get('cancelled_at'):
        return 'cancelled'
    return SHOPIFY_FINANCIAL.get(data.get('financial_status'))


def apply_status(sale, status, order=None):
    "Bring the sale to the storefront's status; a note of what was done"
    if sale.state == 'cancelled':
        if status == 'cancelled':
            return "already cancelled"
        raise IntakeError(409, [('status', (
                        f"the storefront reports the order {status} but "
                        f"sale {sale.number} is cancelled"))], 'cancelled')
    if status == 'cancelled':
        return cancel(sale)
    if status == 'paid' and sale.ecom_payment_state in {
            None, 'pending', 'authorized'}:
        return mark_paid(sale, order)
    if status == 'refunded' and sale.ecom_payment_state not in {
            'refunded', 'partially_refunded'}:
        raise IntakeError(409, [('status', (
                        "refunded in the storefront: record the refund "
                        "(Returns, or the gateway's refund) so that the "
                        "credit note and the stock follow"))], 'refunded')
    return f"no change (payment {sale.ecom_payment_state or 'unknown'})"


def mark_paid(sale, order):
    pool = Pool()
    Sale = pool.get('sale.sale')
    Transaction_ = pool.get('ecom.payment.transaction')
    Sale.write([sale], {'ecom_payment_state': 'paid',
            'ecom_payment_reference': (order.payment_reference
                or sale.ecom_payment_reference)})
    if order.payment_reference:
        order.payment_state = 'paid'
        Transaction_.from_orders(sale.ecom_channel, [(sale, order)])
    if sale.state in {'processing', 'done'}:
        # posts the invoice where the channel posts paid orders
        Sale.process([sale])
    return "paid"


def cancel(sale):
    """Cancel the sale and what it started: shipments (the stock is free
    again) and draft invoices; a posted invoice is credited (the
    storefront's refund then reconciles with the credit note)"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Shipment = pool.get('stock.shipment.out')
    Invoice = pool.get('account.invoice')
    Line = pool.get('sale.line')
    shipped = [s for s in sale.shipments if s.state in {'shipped', 'done'}]
    if shipped:
        raise IntakeError(409, [('status', (
                        "cancelled in the storefront, but shipment "
                        f"{shipped[0].number} has left: open a return "
                        "(Returns) instead"))], 'already_shipped')
    if sale.state in {'draft', 'quotation'}:
        Sale.cancel([sale])
        return "cancelled"
    notes = []
    shipments = [s for s in sale.shipments if s.state != 'cancelled']
    if shipments:
        Shipment.cancel(shipments)
        notes.append("shipment " + ', '.join(s.number for s in shipments)
            + " cancelled")
    drafts = [i for i in sale.invoices if i.state in {'draft', 'validated'}]
    if drafts:
        Invoice.cancel(drafts)
        notes.append("draft invoice cancelled")
    posted = [i for i in sale.invoices if i.state in {'posted', 'paid'}]
    if posted:
        credits = Invoice.credit(posted)
        Invoice.post(credits)
        notes.append("invoice " + ', '.join(i.number for i in posted)
            + " credited")
    else:
        credits = []
    sale = Sale(sale.id)
    lines = [l for l in sale.lines if l.type == 'line']
    for line in lines:
        line.moves_ignored = list(line.moves_ignored) + [
            m for m in line.moves if m.state == 'cancelled'
            and m not in line.moves_ignored]
    Line.save(lines)
    ignored = [i for i in sale.invoices
        if i.state == 'cancelled' or i in credits]
    # No workflow transition leaves processing for cancelled: as upstream's
    # connectors do, the state is written once the documents are settled.
    Sale.write([sale], {
            'state': 'cancelled',
            'invoices_ignored': [('add', [i.id for i in ignored])],
            })
    return "cancelled: " + '; '.join(notes or ["nothing had started"])


# Shipments that may still change where they go
READDRESSABLE = {'draft', 'waiting', 'assigned', 'picked'}


def apply_address(sale, order):
    """Send the sale and its open shipments to the storefront's edited
    shipping address; a note, or None when it is the same"""
    pool = Pool()
    Sale = pool.get('sale.sale')
    Shipment = pool.get('stock.shipment.out')
    wanted = order.shipping
    current = sale.shipment_address
    if current is not None and address_key(current) == wanted.key():
        return None
    shipments = [s for s in sale.shipments if s.state != 'cancelled']
    late = [s for s in shipments if s.state not in READDRESSABLE]
    if late:
        raise IntakeError(409, [('shipping_address', (
                        f"edited in the storefront, but shipment "
                        f"{late[0].number} is {late[0].state} for the old "
                        "address: change it on the shipment or the "
                        "carrier"))], 'already_shipped')
    address = _party_address(sale.party, wanted)
    Sale.write([sale], {'shipment_address': address.id})
    if shipments:
        Shipment.write(shipments, {'delivery_address': address.id})
    return "shipping address changed to " + ', '.join(filter(None, [
                wanted.name, wanted.street.replace('\n', ' '),
                wanted.postal_code, wanted.city, wanted.country]))


def address_key(address):
    "The fields that tell two addresses apart, as Address.key() gives them"
    return tuple((v or '').strip().lower() for v in (
            address.party_name, address.street_unstructured, address.city,
            address.postal_code,
            address.country.code if address.country else None))


def _party_address(party, wanted):
    "The customer's address equal to wanted, created when new"
    pool = Pool()
    Address = pool.get('party.address')
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    for address in party.addresses:
        if address_key(address) == wanted.key():
            return address
    countries = Country.search([('code', '=', wanted.country)], limit=1)
    if not countries:
        raise IntakeError(422, [('shipping_address.country',
                    f"unknown country {wanted.country!r}")])
    subdivisions = Subdivision.search([
            ('code', '=', f'{wanted.country}-{wanted.subdivision}')],
        limit=1) if wanted.subdivision else []
    address, = Address.create([{'party': party.id,
                'party_name': wanted.name,
                'street_unstructured': wanted.street, 'city': wanted.city,
                'postal_code': wanted.postal_code, 'country': countries[0].id,
                'subdivision': subdivisions[0].id if subdivisions else None,
                }])
    return address
