"Variants by attributes: import, export, constraint, feeds (test_module)"
from decimal import Decimal

from lxml import etree
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from ..catalog_export import export_file
from ..catalog_wizard import import_catalog
from ..feed import GOOGLE, availability_page, merchant_xml
from .test_import import _on_hand, _products, _setup

TEES = (
    b"sku,name,slug,category,list_price,attribute_set,attributes,stock\n"
    b"TEE-R-M,Tee,tee,Shoes,20,Apparel,color=Red|size=M,5\n"
    b"TEE-R-L,,tee,,,,color=red|size=L,3\n"
    b"TEE-B-M,Tee,tee,,22,,Color=Blue|size=M,0\n")


def _apparel():
    "Attribute set Apparel: color (selection Red/Blue) and size (text)"
    pool = Pool()
    Attribute = pool.get('product.attribute')
    AttributeSet = pool.get('product.attribute.set')
    color, size = Attribute.create([{
                'name': 'color', 'string': "Color", 'type_': 'selection',
                'selection': "red:Red\nblue:Blue"}, {
                'name': 'size', 'string': "Size", 'type_': 'char'}])
    apparel, = AttributeSet.create([{'name': "Apparel",
                'attributes': [('add', [color.id, size.id])]}])
    return apparel


class CatalogVariantsMixin:

    @with_transaction()
    def test_import_variants(self):
        "Rows sharing a slug become the variants of one product"
        company = create_company()
        with set_company(company):
            _setup()
            apparel = _apparel()
            result = import_catalog(TEES, 'catalog.csv')
            self.assertEqual(result.errors, [])
            self.assertEqual((result.created, result.updated), (3, 0))
            products = _products()
            template = products['TEE-R-M'].template
            self.assertEqual(template.attribute_set, apparel)
            self.assertEqual(template.ecom_slug, 'tee')
            self.assertEqual(sorted(p.code for p in template.products),
                ['TEE-B-M', 'TEE-R-L', 'TEE-R-M'])
            self.assertEqual(dict(products['TEE-R-L'].attributes),
                {'color': 'red', 'size': 'L'})
            self.assertEqual(dict(products['TEE-B-M'].attributes),
                {'color': 'blue', 'size': 'M'})
            # the product's price is the first; a variant keeps its own
            self.assertEqual(template.list_price, Decimal(20))
            self.assertEqual(
                {s: p.list_price_used for s, p in products.items()},
                {'TEE-R-M': Decimal(20), 'TEE-R-L': Decimal(20),
                    'TEE-B-M': Decimal(22)})
            self.assertEqual(
                [_on_hand(products[s]) for s in ['TEE-R-M', 'TEE-R-L']],
                [5, 3])

            # a new SKU with the product's slug is a new variant of it
            result = import_catalog(
                b"sku,slug,attributes\nTEE-B-L,tee,color=Blue|size=L\n",
                'catalog.csv')
            self.assertEqual((result.errors, result.created), ([], 1))
            self.assertEqual(_products()['TEE-B-L'].template, template)

            Location = Pool().get('stock.location')
            warehouse, = Location.search([('type', '=', 'warehouse')])
            data, count = export_file('csv', warehouse)
            lines = data.decode().splitlines()
            self.assertEqual(count, 4)
            self.assertEqual(lines[1], (
                    "TEE-B-L,Tee,,,,,tee,Shoes,20,,0,Apparel,"
                    "color=Blue|size=L,"))
            result = import_catalog(data, 'catalog.csv')
            self.assertEqual((result.errors, result.updated), ([], 4))
            self.assertEqual(export_file('csv', warehouse)[0], data)

    @with_transaction()
    def test_import_variant_errors(self):
        "Every variant mistake is named with row and column; nothing written"
        company = create_company()
        with set_company(company):
            _setup()
            _apparel()
            bad = (
                b"sku,name,slug,list_price,attribute_set,attributes\n"
                b"V-1,Vest,vest,10,Apparel,color=Red|size=M\n"
                b"V-2,,vest,12,,color=Red|size=M\n"
                b"V-3,,vest,,,colour=Red\n"
                b"V-4,,vest,,,color=Green\n"
                b"V-5,,vest,,,\n"
                b"V-6,Cap,cap,5,Hats,size=M\n"
                b"V-7,Scarf,scarf,5,,size\n"
                b"W-1,Belt,belt,,,size=M\n")
            result = import_catalog(bad, 'catalog.csv')
            self.assertEqual(result.error_lines(), [
                    "row 3, column attributes: same attributes as row 2",
                    ("row 4, column attributes: 'colour' is not an "
                        "attribute of set 'Apparel' (color, size)"),
                    ("row 5, column attributes: color: 'Green' is not one "
                        "of Red, Blue"),
                    ("row 6, column attributes: SKU 'V-5' needs attributes "
                        "to tell it apart from the other variants"),
                    ("row 7, column attribute_set: attribute set 'Hats' "
                        "does not exist (Catalog > Attribute Sets)"),
                    ("row 8, column attributes: 'size' is not name=value "
                        "(like color=Red|size=M)"),
                    ("row 9, column attribute_set: the variants of 'belt' "
                        "need an attribute set to tell them apart"),
                    ])
            self.assertEqual(_products(), {})

            # partial: a product goes with all its variants or not at all
            result = import_catalog(bad, 'catalog.csv', partial=True)
            self.assertEqual(result.created, 0)
            self.assertIn((2, '', ("not written: another variant of its "
                        "product (row 3) has an error")), result.errors)
            self.assertEqual(len(result.rejected), 8)
            self.assertEqual(_products(), {})

    @with_transaction()
    def test_variant_same_attributes_refused(self):
        "Staff cannot give two variants of one product the same values"
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        apparel = _apparel()
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': "Tee", 'default_uom': unit.id,
                    'attribute_set': apparel.id,
                    'products': [('create', [
                                {'suffix_code': 'A',
                                    'attributes': {'color': 'red'}},
                                {'suffix_code': 'B',
                                    'attributes': {'color': 'blue'}}])]}])
        _, b = template.products
        with self.assertRaises(ValidationError) as cm:
            b.attributes = {'color': 'red'}
            b.save()
        self.assertEqual(cm.exception.message, (
                'Variants "[B] Tee" and "[A] Tee" of "Tee" have the same '
                'attributes (color=Red): give each variant its own values.'))

    @with_transaction()
    def test_feeds_describe_variants(self):
        "The feeds give each variant its attributes and its item group"
        pool = Pool()
        Shop = pool.get('web.shop')
        Location = pool.get('stock.location')
        company = create_company()
        with set_company(company):
            _setup()
            _apparel()
            import_catalog(TEES, 'catalog.csv')
            warehouse, = Location.search([('type', '=', 'warehouse')])
            shop, = Shop.create([{
                        'name': "Shop", 'company': company.id,
                        'currency': company.currency.id,
                        'warehouses': [('add', [warehouse.id])],
                        'products': [('add', [
                                    p.id for p in _products().values()])]}])
            items = availability_page(shop)['items']
            self.assertEqual(
                [(i['sku'], i['slug'], i['attributes'], i['available'])
                    for i in items], [
                    ('TEE-B-M', 'tee', {'color': 'Blue', 'size': 'M'}, 0),
                    ('TEE-R-L', 'tee', {'color': 'Red', 'size': 'L'}, 3),
                    ('TEE-R-M', 'tee', {'color': 'Red', 'size': 'M'}, 5)])
            xml = etree.fromstring(
                merchant_xml(shop, 'https://shop.example/p/{slug}'))
            g = f'{{{GOOGLE}}}'
            self.assertEqual([
                    (i.findtext(g + 'id'), i.findtext(g + 'item_group_id'),
                        i.findtext(g + 'color'), i.findtext(g + 'size'),
                        i.findtext(g + 'link'))
                    for i in xml.iter('item')], [
                    ('TEE-B-M', 'tee', 'Blue', 'M',
                        'https://shop.example/p/tee'),
                    ('TEE-R-L', 'tee', 'Red', 'L',
                        'https://shop.example/p/tee'),
                    ('TEE-R-M', 'tee', 'Red', 'M',
                        'https://shop.example/p/tee')])
