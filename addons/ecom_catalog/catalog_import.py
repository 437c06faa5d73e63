"""Catalog import keyed on SKU: validate every row, then write.

The whole file is checked before anything is written; every error names
its row and column. With errors nothing is written, unless the caller
asks for ``partial``: then the valid rows are written and the rejected
ones come back (with their error) for a rejects file.
"""
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from trytond.modules.ecom_base import bulk
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import catalog_variants
from .catalog_file import COLUMNS, TEXTS, FileError, read_table
from .catalog_write import Writer
from .product import check_slug

PRICE_DIGITS = 4
MAX_SKU = 100


@dataclass
class Row:
    number: int
    sku: str
    values: dict
    errors: list = field(default_factory=list)
    cells: list = None
    # set by catalog_variants.group_variants: the existing template, the
    # row that creates the new one, the first row of the product
    template: int = None
    leader: 'Row' = None
    group: int = None


@dataclass
class Result:
    header: list
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # (row, column, message)
    rejected: list = field(default_factory=list)  # (row number, cells)

    @property
    def ok(self):
        return not self.errors

    def error_lines(self):
        return [f"row {r}, column {c}: {m}" if c else f"row {r}: {m}"
            for r, c, m in self.errors]


class HeaderError(ValueError):
    "The file cannot be imported at all (its header or encoding)"


def _number(text, digits=None):
    try:
        value = Decimal(text.replace(' ', ''))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number")
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if value < 0:
        raise ValueError(f"{text} is negative")
    if digits is not None:
        if value.as_tuple().exponent < -digits:
            raise ValueError(f"{text} has more than {digits} decimals")
        # stored as the ORM stores it: with the field's decimals
        value = value.quantize(Decimal(1).scaleb(-digits))
    return value


def _path(text):
    "'Shoes/Running' as Tryton names the category: 'Shoes / Running'"
    return ' / '.join(p.strip() for p in text.split('/'))


class Importer:
    "Checks then writes one catalog file for the company in the context"

    def __init__(self, warehouse=None, images_dir=None, progress=None):
        pool = Pool()
        Location = pool.get('stock.location')
        self.warehouse = warehouse or next(iter(Location.search(
                    [('type', '=', 'warehouse')], limit=1)), None)
        self.images_dir = images_dir
        self.progress = progress or (lambda step, done, total: None)
        self.company = Transaction().context.get('company')

    # -- header ---------------------------------------------------------

    def _languages(self):
        Lang = Pool().get('ir.lang')
        return {l.code: l for l in Lang.search([('translatable', '=', True)])}

    def check_header(self, header):
        errors = []
        languages = self._languages()
        seen = set()
        self.translations = {}  # column -> (text column, lang code)
        for column in header:
            if column in seen:
                errors.append(f"column {column!r} appears twice")
            seen.add(column)
            base, _, lang = column.partition(':')
            if lang:
                if base not in TEXTS:
                    errors.append(
                        f"column {column!r}: only {', '.join(TEXTS)} "
                        "can be translated")
                elif lang not in languages:
                    errors.append(
                        f"column {column!r}: {lang!r} is not a language "
                        "loaded in Tryton (Administration > Languages, "
                        f"translatable: {', '.join(sorted(languages))})")
                else:
                    self.translations[column] = (base, lang)
            elif column not in COLUMNS:
                errors.append(
                    f"column {column!r} is unknown; the columns are "
                    f"{', '.join(COLUMNS)} and <text>:<language>")
        if 'sku' not in header:
            errors.append("the column 'sku' is missing: rows are matched "
                "on it")
        if 'image' in header and not self.images_dir:
            errors.append("column 'image' names image files: give the "
                "folder (or archive) that holds them")
        if errors:
            raise HeaderError('\n'.join(errors))

    # -- rows -----------------------------------------------------------

    def parse(self, header, rows):
        "Rows with their values and errors (nothing is written)"
        parsed = []
        first = {}
        total = len(rows)
        for i, (number, cells) in enumerate(rows):
            if len(cells) > len(header) and any(cells[len(header):]):
                row = Row(number, '', {}, cells=cells)
                row.errors.append(('', (f"{len(cells)} cells for "
                        f"{len(header)} columns (a separator in a value "
                        "needs quotes)")))
                parsed.append(row)
                continue
            values = dict(zip(header, cells))
            row = Row(number, values.get('sku', ''), {}, cells=cells)
            self._parse_row(row, values)
            if row.sku:
                if row.sku in first:
                    row.errors.append(('sku', (f"SKU {row.sku!r} is "
                            f"already on row {first[row.sku]}")))
                else:
                    first[row.sku] = number
            parsed.append(row)
            if not i % 1000:
                self.progress('check', i, total)
        self.progress('check', total, total)
        self._check_against_database(parsed)
        return parsed

    def _parse_row(self, row, values):
        errors, out = row.errors, row.values
        sku = values.get('sku', '')
        if not sku:
            errors.append(('sku', "the SKU is empty"))
        elif len(sku) > MAX_SKU or any(c.isspace() for c in sku):
            errors.append(('sku', (f"{sku!r}: a SKU has no spaces and at "
                    f"most {MAX_SKU} characters")))
        for column in TEXTS:
            if values.get(column):
                out[column] = values[column]
        for column, key in self.translations.items():
            if values.get(column):
                out.setdefault('translations', {})[key] = values[column]
        for column, digits in [('list_price', PRICE_DIGITS),
                ('cost_price', PRICE_DIGITS), ('stock', None)]:
            if values.get(column):
                try:
                    out[column] = _number(values[column], digits)
                except ValueError as error:
                    errors.append((column, str(error)))
        if slug := values.get('slug'):
            if reason := check_slug(slug):
                errors.append(('slug', f"{slug!r}: {reason}"))
            else:
                out['slug'] = slug
        for column, clean in [('category', _path), ('shops', str.strip)]:
            if values.get(column):
                out[column] = [clean(p) for p in values[column].split('|')
                    if p.strip()]
        catalog_variants.parse_row(row, values)
        if image := values.get('image'):
            path = os.path.join(self.images_dir or '', image)
            if os.path.basename(image) != image or not os.path.isfile(path):
                errors.append(('image', (f"{image!r} is not a file of the "
                        "images folder")))
            else:
                out['image'] = path
                out['image_alt'] = values.get('image_alt') or ''

    def _check_against_database(self, rows):
        pool = Pool()
        Category = pool.get('product.category')
        Shop = pool.get('web.shop')
        Template = pool.get('product.template')
        Redirect = pool.get('ecom.catalog.slug_redirect')
        self.existing = self._existing([r.sku for r in rows if r.sku])
        self.categories = {c.rec_name: c.id for c in Category.search([])}
        self.shops = {s.name: s.id for s in Shop.search(
                [('company', '=', self.company)])}
        # rows sharing a slug are the variants of one product
        slugs = {r.values['slug'] for r in rows if r.values.get('slug')}
        taken = {}
        for sub in bulk.chunks(list(slugs)):
            for template in Template.search([('ecom_slug', 'in', sub)]):
                taken[template.ecom_slug] = template.id
            for redirect in Redirect.search([('slug', 'in', sub)]):
                taken.setdefault(redirect.slug, redirect.template.id)
        catalog_variants.group_variants(self, rows, taken)
        for row in rows:
            values = row.values
            if (row.sku and not row.template and not row.leader
                    and not values.get('name')):
                row.errors.append(('name', (f"new SKU {row.sku!r} needs a "
                        "name")))
            for path in values.get('category', []):
                if path not in self.categories:
                    row.errors.append(('category', (f"category {path!r} "
                            "does not exist (paths look like "
                            "'Shoes / Running')")))
            for shop in values.get('shops', []):
                if shop not in self.shops:
                    row.errors.append(('shops', (f"web shop {shop!r} is not "
                            "a shop of this company")))
            slug = values.get('slug')
            if slug in taken and taken[slug] != row.template:
                row.errors.append(('slug', (f"slug {slug!r} belongs to "
                        "another product (rows with attributes add "
                        "variants to it)")))
            if 'stock' in values and not self.warehouse:
                row.errors.append(('stock', "there is no warehouse"))

    def _existing(self, skus):
        "sku -> (product id, template id) of the products already there"
        Product = Pool().get('product.product')
        table = Product.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        # active: like Tryton, an archived product's code is free again
        for sub in bulk.lookups(skus):
            cursor.execute(*table.select(
                    table.code, table.id, table.template,
                    where=bulk.in_(table.code, sub) & table.active))
            for code, product_id, template_id in cursor:
                result[code] = (product_id, template_id)
        return result

    # -- run ------------------------------------------------------------

    def run(self, data, filename, partial=False):
        "Import the file; Result tells what was written and why not"
        try:
            header, rows = read_table(data, filename)
        except FileError as error:
            return Result([], errors=[(error.row, '', str(error))])
        try:
            self.check_header(header)
        except HeaderError as error:
            return Result(header, errors=[
                    (1, '', e) for e in str(error).split('\n')])
        parsed = self.parse(header, rows)
        if partial:
            catalog_variants.reject_groups(parsed)
        result = Result(header)
        for row in parsed:
            for column, message in row.errors:
                result.errors.append((row.number, column, message))
        good = [r for r in parsed if not r.errors]
        result.rejected = [
            (r.number, r.cells,
                '; '.join(f"{c}: {m}" if c else m for c, m in r.errors))
            for r in parsed if r.errors]
        if result.errors and not partial:
            return result
        writer = Writer(self)
        result.created, result.updated = writer.write(good)
        return result
