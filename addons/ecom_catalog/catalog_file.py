"Reading and writing catalog files: CSV (UTF-8) and XLSX"
import csv
import io
from decimal import Decimal

FORMATS = ('csv', 'xlsx')
# column -> product.template field of the texts, translatable by
# "<column>:<language code>" columns
TEXTS = {
    'name': 'name',
    'meta_title': 'ecom_meta_title',
    'meta_description': 'ecom_meta_description',
    'short_description': 'ecom_short_description',
    'description': 'ecom_description',
    }
COLUMNS = ['sku', *TEXTS, 'slug', 'category', 'list_price', 'cost_price',
    'stock', 'shops', 'image', 'image_alt', 'attribute_set', 'attributes']


class FileError(ValueError):
    "The file as a whole cannot be read (from row on)"

    def __init__(self, message, row=1):
        super().__init__(message)
        self.row = row


def file_format(filename):
    name = (filename or '').lower()
    if name.endswith('.xlsx'):
        return 'xlsx'
    if name.endswith(('.csv', '.txt')):
        return 'csv'
    raise FileError(
        f"{filename!r}: the file name must end with .csv or .xlsx")


def read_table(data, filename):
    """The header and the rows of a file: (header, [(row number, cells)]).
    Row numbers are those a spreadsheet shows: the header is row 1."""
    if file_format(filename) == 'xlsx':
        rows = _read_xlsx(data)
    else:
        rows = _read_csv(data)
    rows = [(n, cells) for n, cells in rows if any(c for c in cells)]
    if not rows:
        raise FileError("the file is empty: no header row")
    (_, header), *rows = rows
    return [h.strip() for h in header], rows


def _read_csv(data):
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b'\n') + 1
        raise FileError(
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at "
            f"offset {error.start}); save it as CSV UTF-8",
            line) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t')
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=''), dialect)
    try:
        return [(reader.line_num, [c.strip() for c in cells])
            for cells in reader]
    except csv.Error as error:
        raise FileError(str(error), reader.line_num) from error


def _cell(value):
    if value is None:
        return ''
    if isinstance(value, float):
        # 12.5 stays 12.5, 3.0 (a quantity typed as 3) becomes 3
        value = Decimal(repr(value))
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return str(value).strip()


def _read_xlsx(data):
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise FileError(f"not a readable XLSX file ({error})") from error
    sheet = workbook.worksheets[0]
    return [(n, [_cell(v) for v in values])
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]


def write_table(header, rows, format_):
    "The bytes of a CSV or XLSX file with header and rows (lists of str)"
    if format_ == 'xlsx':
        import xlsxwriter
        out = io.BytesIO()
        # a product text starting with "=" stays text, never a formula
        workbook = xlsxwriter.Workbook(out, {
                'constant_memory': True, 'in_memory': True,
                'strings_to_formulas': False, 'strings_to_urls': False})
        sheet = workbook.add_worksheet("Catalog")
        bold = workbook.add_format({'bold': True})
        sheet.write_row(0, 0, header, bold)
        for i, row in enumerate(rows, 1):
            sheet.write_row(i, 0, row)
        workbook.close()
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode('utf-8')
