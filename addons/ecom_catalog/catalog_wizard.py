"Import and export of the catalog from sao"
import io
import os
import tempfile
import zipfile

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .catalog_export import export_file
from .catalog_file import write_table
from .catalog_import import Importer


def rejects_file(result, format_):
    "The rejected rows with their errors, in the format of the import"
    header = result.header + ['errors']
    rows = [list(cells) + [''] * (len(result.header) - len(cells))
        + [errors] for _, cells, errors in result.rejected]
    return write_table(header, rows, format_)


def import_catalog(data, filename, partial=False, warehouse=None,
        images=None, progress=None):
    """Import data; images is a folder or the bytes of a ZIP archive.
    Returns the Result."""
    if isinstance(images, bytes):
        with tempfile.TemporaryDirectory() as folder:
            try:
                with zipfile.ZipFile(io.BytesIO(images)) as archive:
                    for member in archive.infolist():
                        name = os.path.basename(member.filename)
                        if name and not member.is_dir():
                            with open(os.path.join(folder, name), 'wb') as f:
                                f.write(archive.read(member))
            except zipfile.BadZipFile as error:
                from .catalog_import import Result
                return Result([], errors=[
                        (1, 'image', (f"the images archive is not a ZIP "
                            f"file ({error})"))])
            return Importer(warehouse, folder, progress).run(
                data, filename, partial)
    return Importer(warehouse, images, progress).run(data, filename, partial)


class ImportStart(ModelView):
    "Choose the catalog file"
    __name__ = 'ecom.catalog.import.start'
    __string__ = "Import Catalog"
    file = fields.Binary("File", filename='filename', required=True,
        help="CSV (UTF-8) or XLSX; the first row names the columns.")
    filename = fields.Char("File Name")
    images = fields.Binary("Images (ZIP)", filename='images_filename',
        help="The image files the column 'image' names.")
    images_filename = fields.Char("Images File Name")
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", domain=[('type', '=', 'warehouse')],
        help="Where the column 'stock' sets the quantity on hand.")
    partial = fields.Boolean("Import Valid Rows",
        help="Write the valid rows and return the rejected ones; by "
        "default nothing is written when a row has an error.")

    @staticmethod
    def default_warehouse():
        Location = Pool().get('stock.location')
        return Location.get_default_warehouse()


class ImportResult(ModelView):
    "What the import did"
    __name__ = 'ecom.catalog.import.result'
    __string__ = "Catalog Import Result"
    summary = fields.Text("Summary", readonly=True)
    errors = fields.Text("Errors", readonly=True)
    rejects = fields.Binary("Rejected Rows", filename='rejects_filename',
        readonly=True, states={'invisible': ~Bool(Eval('rejects'))})
    rejects_filename = fields.Char("Rejects File Name", readonly=True)


class ImportCatalog(Wizard):
    "Import products from a CSV or XLSX file, keyed on SKU"
    __name__ = 'ecom.catalog.import'
    start = StateView('ecom.catalog.import.start',
        'ecom_catalog.import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-import', default=True),
            ])
    import_ = StateTransition()
    result = StateView('ecom.catalog.import.result',
        'ecom_catalog.import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        start = self.start
        result = import_catalog(
            start.file, start.filename or 'catalog.csv', start.partial,
            start.warehouse, start.images)
        if result.errors and not start.partial:
            # nothing was written; say everything at once
            raise UserError(gettext(
                    'ecom_catalog.msg_import_failed',
                    count=len(result.errors),
                    errors='\n'.join(result.error_lines()[:50])))
        self.result.summary = gettext(
            'ecom_catalog.msg_import_done', created=result.created,
            updated=result.updated, rejected=len(result.rejected))
        self.result.errors = '\n'.join(result.error_lines())
        if result.rejected:
            format_ = 'xlsx' if (start.filename or '').lower().endswith(
                '.xlsx') else 'csv'
            self.result.rejects = rejects_file(result, format_)
            self.result.rejects_filename = f'rejects.{format_}'
        return 'result'

    def default_result(self, fields):
        return {n: getattr(self.result, n, None) for n in [
                'summary', 'errors', 'rejects', 'rejects_filename']}


class ExportStart(ModelView):
    "Choose the format of the export"
    __name__ = 'ecom.catalog.export.start'
    __string__ = "Export Catalog"
    format = fields.Selection(
        [('csv', "CSV"), ('xlsx', "Excel (XLSX)")], "Format", required=True)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", domain=[('type', '=', 'warehouse')],
        help="Adds the column 'stock' with the quantity on hand there.")
    languages = fields.Many2Many(
        'ir.lang', None, None, "Translations",
        domain=[('translatable', '=', True)],
        help="Adds a column name:<language> per text and language.")
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)

    @staticmethod
    def default_format():
        return 'csv'


class ExportCatalog(Wizard):
    "Export the catalog to CSV or XLSX, in the import's columns"
    __name__ = 'ecom.catalog.export'
    start = StateView('ecom.catalog.export.start',
        'ecom_catalog.export_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Export", 'export', 'tryton-export', default=True),
            ])
    export = StateTransition()

    def transition_export(self):
        start = self.start
        data, _ = export_file(
            start.format, start.warehouse,
            [l.code for l in start.languages])
        start.file = data
        start.filename = f'catalog.{start.format}'
        return 'start'

    def default_start(self, fields):
        if not getattr(self.start, 'file', None):
            return {}
        return {
            'format': self.start.format,
            'warehouse': self.start.warehouse.id
            if self.start.warehouse else None,
            'languages': [l.id for l in self.start.languages],
            'file': self.start.file, 'filename': self.start.filename,
            }

