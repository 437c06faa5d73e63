"""Demo: B2B customers (ecom_b2b). Bergsport GmbH (demo/vat.py) buys on
*Net 30* terms with a credit limit of 5,000 and the *Reminders* procedure;
its phone order of 45 days ago is overdue, so *E-commerce > Orders >
Overdue Reminders* has a reminder to process (which blocks its credit), and
a quick order from a CSV waits as a quotation."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

from .vat import B2B

CREDIT_LIMIT = Decimal(5000)
QUICK_ORDER = "sku;quantity\n{0};4\n{1};2\n"


def build(data, log):
    from trytond.modules.ecom_b2b.quick_order import make_sale, parse
    pool = Pool()
    Party = pool.get('party.party')
    Term = pool.get('account.invoice.payment_term')
    Procedure = pool.get('account.dunning.procedure')
    Dunning = pool.get('account.dunning')
    company = data['company']
    net30, = Term.create([{'name': "Net 30", 'lines': [('create', [{
                            'type': 'remainder', 'relativedeltas': [
                                ('create', [{'days': 30}])]}])]}])
    procedure, = Procedure.create([{'name': "Reminders", 'levels': [
                    ('create', [
                            {'sequence': 1, 'overdue': dt.timedelta(days=5),
                                'send_email': True, 'credit_limit': True},
                            {'sequence': 2,
                                'overdue': dt.timedelta(days=20),
                                'send_email': True}])]}])
    business, = Party.search([('name', '=', B2B[0])])
    Party.write([business], {'customer_payment_term': net30.id,
            'credit_limit_amount': CREDIT_LIMIT,
            'dunning_procedure': procedure.id})
    _overdue_order(data, business, net30)
    Dunning.generate_dunnings(dt.date.today())
    products = [p.code for p in data['products'][1:3]]
    make_sale(business, company, parse(
            QUICK_ORDER.format(*products).encode()))
    log(f"B2B: {business.name} on Net 30 with a credit limit of "
        f"{CREDIT_LIMIT}, {len(Dunning.search([]))} overdue reminder, "
        "a quick order quotation")


def _overdue_order(data, party, term):
    "A phone order of 45 days ago on account, unpaid (due 15 days ago)"
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    day = dt.date.today() - dt.timedelta(days=45)
    product = data['products'][0]
    address = party.addresses[0]
    sale = Sale(company=data['company'], party=party, sale_date=day,
        invoice_address=address, shipment_address=address,
        currency=data['company'].currency, payment_term=term,
        warehouse=data['shop'].warehouse)
    line = Line(sale=sale, type='line', product=product, quantity=10,
        unit=product.sale_uom, unit_price=data['prices'][product.id],
        warehouse=sale.warehouse)
    line.taxes = line.compute_taxes(party)
    sale.lines = [line]
    sale.save()
    Sale.quote([sale])
    Sale.confirm([sale])
    Sale.process([sale])
    invoices = Sale(sale.id).invoices
    Invoice.post(invoices)
    # invoices are numbered in date order, so it is posted today with its
    # due date moved back to what 45 days ago on Net 30 gives (a posted
    # line's due date may change)
    MoveLine.write([l for i in invoices for l in i.lines_to_pay],
        {'maturity_date': day + dt.timedelta(days=30)})
