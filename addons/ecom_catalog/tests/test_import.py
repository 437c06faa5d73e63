"Catalog import/export: rules and bad files (imported by test_module)"
import io
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..catalog_export import export_file
from ..catalog_wizard import import_catalog, rejects_file

GOOD = (
    b"sku,name,name:es,category,list_price,cost_price,stock,slug\n"
    b"TR-1,Trail shoe,Zapatilla trail,Shoes/Running,89.90,40,12,\n"
    b"TR-2,Road shoe,,Shoes,59.5,,0,road-runner\n")


def _setup():
    pool = Pool()
    Category = pool.get('product.category')
    Lang = pool.get('ir.lang')
    shoes, = Category.create([{'name': "Shoes"}])
    Category.create([{'name': "Running", 'parent': shoes.id}])
    spanish, = Lang.search([('code', '=', 'es')])
    Lang.write([spanish], {'translatable': True})


def _products():
    Product = Pool().get('product.product')
    return {p.code: p for p in Product.search([('code', '!=', None)])}


def _on_hand(product):
    pool = Pool()
    Location = pool.get('stock.location')
    Product = pool.get('product.product')
    warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
    with Transaction().set_context(locations=[warehouse.id]):
        return Product(product.id).quantity


class CatalogImportMixin:

    @with_transaction()
    def test_import_creates_then_updates(self):
        "A file creates products with prices, categories, stock, texts"
        pool = Pool()
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            _setup()
            result = import_catalog(GOOD, 'catalog.csv')
            self.assertEqual(result.errors, [])
            self.assertEqual((result.created, result.updated), (2, 0))
            products = _products()
            trail = products['TR-1']
            self.assertEqual(trail.template.name, "Trail shoe")
            self.assertEqual(trail.template.ecom_slug, 'trail-shoe')
            self.assertEqual(trail.list_price_used, Decimal('89.90'))
            self.assertEqual(trail.cost_price, Decimal(40))
            self.assertEqual(
                [c.rec_name for c in trail.template.categories],
                ["Shoes / Running"])
            self.assertEqual(_on_hand(trail), 12)
            self.assertTrue(trail.template.salable)
            with Transaction().set_context(language='es'):
                self.assertEqual(
                    Template(trail.template.id).name, "Zapatilla trail")
            road = products['TR-2']
            self.assertEqual(road.template.ecom_slug, 'road-runner')
            self.assertIsNone(road.cost_price or None)

            update = (
                b"sku,list_price,stock,slug\n"
                b"TR-1,79.90,10,trail-shoe-v2\n")
            result = import_catalog(update, 'catalog.csv')
            self.assertEqual((result.created, result.updated), (0, 1))
            trail = _products()['TR-1']
            self.assertEqual(trail.list_price_used, Decimal('79.90'))
            self.assertEqual(trail.template.name, "Trail shoe")
            self.assertEqual(_on_hand(trail), 10)
            self.assertEqual(trail.template.ecom_slug, 'trail-shoe-v2')
            self.assertEqual(
                [r.slug for r in trail.template.ecom_slug_redirects],
                ['trail-shoe'])

    @with_transaction()
    def test_import_bad_rows_write_nothing(self):
        "Every bad row is reported with row and column; nothing written"
        company = create_company()
        with set_company(company):
            _setup()
            bad = (
                b"sku,name,category,list_price,stock\n"
                b"A-1,Good,Shoes,10,1\n"
                b"A-2,Bad price,Shoes,ten,1\n"
                b"A-1,Duplicate,Shoes,10,1\n"
                b"A-3,,Shoes,10,1\n"
                b"A-4,Unknown category,Hats/Summer,10,1\n"
                b"A-5,Negative,Shoes,-3,-1\n"
                b"A-6,Decimals,Shoes,1.23456,1\n"
                b"A 7,Spaces,Shoes,1,1\n")
            result = import_catalog(bad, 'catalog.csv')
            self.assertEqual(result.error_lines(), [
                    "row 3, column list_price: 'ten' is not a number",
                    "row 4, column sku: SKU 'A-1' is already on row 2",
                    "row 5, column name: new SKU 'A-3' needs a name",
                    ("row 6, column category: category 'Hats / Summer' does "
                    "not exist (paths look like 'Shoes / Running')"),
                    "row 7, column list_price: -3 is negative",
                    "row 7, column stock: -1 is negative",
                    ("row 8, column list_price: 1.23456 has more than 4 "
                    "decimals"),
                    ("row 9, column sku: 'A 7': a SKU has no spaces and at "
                    "most 100 characters"),
                    ])
            self.assertEqual((result.created, result.updated), (0, 0))
            self.assertEqual(_products(), {})

    @with_transaction()
    def test_import_bad_files(self):
        "Wrong columns, broken encoding, empty file: one clear error each"
        company = create_company()
        with set_company(company):
            _setup()
            cases = [
                (b"name,price\nX,1\n", 'c.csv', [
                        ("row 1: column 'price' is unknown; the columns are "
                        "sku, name, meta_title, meta_description, "
                        "short_description, description, slug, category, "
                        "list_price, cost_price, stock, shops, image, "
                        "image_alt, attribute_set, attributes and "
                        "<text>:<language>"),
                        ("row 1: the column 'sku' is missing: rows are "
                        "matched on it")]),
                ("sku,name\nX-1,Caf\xe9\n".encode('latin-1'), 'c.csv', [
                        ("row 2: the file is not UTF-8 (byte 0xe9 at "
                        "offset 16); save it as CSV UTF-8")]),
                (b"", 'c.csv', ["row 1: the file is empty: no header row"]),
                (b"PK\x03\x04broken", 'c.xlsx', None),
                (b"sku,name:xx\nX-1,a\n", 'c.csv', None),
                ]
            for data, filename, expected in cases:
                result = import_catalog(data, filename)
                self.assertTrue(result.errors, filename)
                if expected is not None:
                    self.assertEqual(result.error_lines(), expected)
            self.assertEqual(_products(), {})

    @with_transaction()
    def test_import_partial_returns_rejects(self):
        "With partial, valid rows are written and the rejects come back"
        company = create_company()
        with set_company(company):
            _setup()
            data = (
                b"sku,name,list_price\n"
                b"B-1,Good,10\n"
                b"B-2,Bad,abc\n")
            result = import_catalog(data, 'catalog.csv', partial=True)
            self.assertEqual((result.created, len(result.rejected)), (1, 1))
            self.assertEqual(list(_products()), ['B-1'])
            self.assertEqual(rejects_file(result, 'csv').decode(), (
                    "sku,name,list_price,errors\n"
                    "B-2,Bad,abc,list_price: 'abc' is not a number\n"))

    @with_transaction()
    def test_export_import_round_trip(self):
        "An exported XLSX imports back unchanged"
        pool = Pool()
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            _setup()
            import_catalog(GOOD, 'catalog.csv')
            warehouse, = Location.search([('type', '=', 'warehouse')])
            data, count = export_file('csv', warehouse, ['es'])
            self.assertEqual(count, 2)
            lines = data.decode().splitlines()
            self.assertEqual(lines[0].split(','), [
                    'sku', 'name', 'meta_title', 'meta_description',
                    'short_description', 'description', 'slug', 'category',
                    'list_price', 'cost_price', 'stock', 'attribute_set',
                    'attributes', 'name:es',
                    'meta_title:es', 'meta_description:es',
                    'short_description:es', 'description:es', 'shops'])
            self.assertEqual(lines[1], (
                    "TR-1,Trail shoe,,,,,trail-shoe,Shoes / Running,89.9,40,"
                    "12,,,Zapatilla trail,,,,,"))
            xlsx, _ = export_file('xlsx', warehouse, ['es'])
            result = import_catalog(xlsx, 'catalog.xlsx')
            self.assertEqual(result.errors, [])
            self.assertEqual((result.created, result.updated), (0, 2))
            again, _ = export_file('csv', warehouse, ['es'])
            self.assertEqual(again, data)

    def test_xlsx_texts_never_formulas(self):
        "A product text starting with '=' is exported as text, not a formula"
        import openpyxl

        from ..catalog_file import write_table
        evil = '=HYPERLINK("http://evil.example","x")'
        data = write_table(['sku', 'name'], [['E-1', evil]], 'xlsx')
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual((sheet['B2'].value, sheet['B2'].data_type),
            (evil, 's'))

    @with_transaction()
    def test_import_images_from_zip(self):
        "Images come by file name from a ZIP; a missing file is an error"
        import zipfile

        from PIL import Image as PILImage
        pool = Pool()
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            _setup()
            picture = io.BytesIO()
            PILImage.new('RGB', (4, 4), 'red').save(picture, 'PNG')
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, 'w') as zip_:
                zip_.writestr('photos/red.png', picture.getvalue())
            data = (b"sku,name,image,image_alt\n"
                b"IM-1,Red cap,red.png,A red cap seen from the front\n")
            result = import_catalog(
                data, 'c.csv', images=archive.getvalue())
            self.assertEqual(result.errors, [])
            template, = Template.search([('name', '=', "Red cap")])
            image, = template.images
            self.assertEqual(image.description,
                "A red cap seen from the front")
            self.assertTrue(image.image)

            missing = b"sku,name,image\nIM-2,Blue cap,blue.png\n"
            result = import_catalog(
                missing, 'c.csv', images=archive.getvalue())
            self.assertEqual(result.error_lines(), [
                    ("row 2, column image: 'blue.png' is not a file of the "
                    "images folder")])
            result = import_catalog(missing, 'c.csv', images=b"not a zip")
            self.assertEqual(result.error_lines(), [
                    ("row 1, column image: the images archive is not a "
                    "ZIP file (File is not a zip file)")])
            self.assertEqual(list(_products()), ['IM-1'])
