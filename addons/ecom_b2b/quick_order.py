"""Quick order: a B2B customer's CSV of SKUs and quantities becomes a sale
quotation (their addresses, terms and prices as on a staff sale), opened for
staff to check and confirm (where upstream's credit limit check runs).

The CSV (UTF-8, comma or semicolon) has a header with ``sku`` and
``quantity`` (other columns are ignored); the same SKU twice adds up. Every
bad row is named (row number as the spreadsheet shows it, column, reason)
and nothing is created."""
import csv
import io
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import QuickOrderError

COLUMNS = ('sku', 'quantity')


def refuse(errors):
    "Raise the QuickOrderError of errors [(row, column, message id, args)]"
    raise QuickOrderError('\n'.join(gettext('ecom_b2b.msg_quick_order_row',
                row=row, column=column,
                reason=gettext(message, **args))
            for row, column, message, args in errors))


def parse(data):
    """[(row, sku, quantity)] of the CSV bytes; raises QuickOrderError
    naming every bad row and column"""
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        refuse([(1, 'file', 'ecom_b2b.msg_quick_order_not_utf8', {})])
    try:
        dialect = csv.Sniffer().sniff(text.split('\n', 1)[0], ',;\t')
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(h or '').strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        refuse([(1, c, 'ecom_b2b.msg_quick_order_no_column', {})
                for c in missing])
    reader.fieldnames = header
    rows, errors = [], []
    for row in reader:
        row_number = reader.line_num
        sku = (row.get('sku') or '').strip()
        quantity = (row.get('quantity') or '').strip()
        if not sku and not quantity:
            continue
        if not sku:
            errors.append(
                (row_number, 'sku', 'ecom_b2b.msg_quick_order_empty', {}))
        try:
            value = Decimal(quantity.replace(',', '.'))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0:
            errors.append((row_number, 'quantity',
                    'ecom_b2b.msg_quick_order_quantity', {'value': quantity}))
            continue
        rows.append((row_number, sku, value))
    if not rows and not errors:
        errors.append((2, 'sku', 'ecom_b2b.msg_quick_order_no_rows', {}))
    if errors:
        refuse(errors)
    return rows


class QuickOrderStart(ModelView):
    "Quick order: the customer and the CSV"
    __name__ = 'ecom.b2b.quick_order.start'
    __string__ = "Quick Order"
    party = fields.Many2One('party.party', "Customer", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    file = fields.Binary("CSV File", filename='filename', required=True,
        help="UTF-8 CSV whose first row names the columns sku and quantity "
        "(comma or semicolon separated).")
    filename = fields.Char("File Name")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class QuickOrder(Wizard):
    "A B2B customer's CSV of SKUs and quantities to a sale quotation"
    __name__ = 'ecom.b2b.quick_order'
    start = StateView('ecom.b2b.quick_order.start',
        'ecom_b2b.quick_order_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create Quotation", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('sale.act_sale_form')

    def do_create_(self, action):
        sale = make_sale(self.start.party, self.start.company,
            parse(self.start.file))
        return action, {'res_id': [sale.id]}


def make_sale(party, company, rows):
    "The quotation of party for rows [(row, sku, quantity)]"
    pool = Pool()
    Product = pool.get('product.product')
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    skus = sorted({sku for _, sku, _ in rows})
    products = {p.code: p for p in Product.search([
                ('code', 'in', skus), ('salable', '=', True)])}
    errors = [
        (row, 'sku', 'ecom_b2b.msg_quick_order_unknown_sku', {'sku': sku})
        for row, sku, _ in rows if sku not in products]
    if errors:
        refuse(errors)
    quantities = {}
    for _, sku, quantity in rows:
        quantities[sku] = quantities.get(sku, 0) + quantity
    sale = Sale(company=company, party=party)
    sale.on_change_party()
    lines = []
    # in the file's order of first appearance
    for sku, quantity in quantities.items():
        line = Line(sale=sale, type='line', product=products[sku],
            quantity=float(quantity))
        line.on_change_product()
        line.on_change_quantity()
        lines.append(line)
    sale.lines = lines
    sale.save()
    Sale.quote([sale])
    return sale
