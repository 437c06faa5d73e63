"Writing the checked rows of a catalog import (see bulk.py for why SQL)"
from collections import defaultdict

from sql import Null
from trytond.modules.ecom_base import bulk
from trytond.pool import Pool
from trytond.transaction import Transaction

from .availability import quantities
from .catalog_file import TEXTS
from .product import slugify


class Writer:

    def __init__(self, importer):
        self.importer = importer
        self.company = importer.company
        self.progress = importer.progress
        self.cursor = Transaction().connection.cursor()

    def write(self, rows):
        "Write rows (all valid): (created, updated)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        existing = self.importer.existing
        self.unit = ModelData.get_id('product', 'uom_unit')
        new = [r for r in rows if r.sku not in existing]
        old = [r for r in rows if r.sku in existing]
        self.progress('write', 0, len(rows))
        # fills self.fresh: what nothing can point to yet, so no links or
        # translations to delete
        templates = self._create(new)
        templates.update({r.sku: existing[r.sku] for r in old})
        self._update(old, [r for r in new if r.template], templates)
        self.progress('write', len(new) + len(old) // 2, len(rows))
        self._prices(rows, templates)
        self._categories(rows, templates)
        self._shops(rows, templates)
        self._translations(rows, templates)
        self._stock(rows, templates)
        self._images(rows, templates)
        # records read before hold stale values
        Transaction().counter += 1
        pool.get('product.template').ecom_written_in_sql()
        self.progress('write', len(rows), len(rows))
        return len(new), len(old)

    def _template_values(self, row):
        values = {TEXTS[c]: row.values[c] for c in TEXTS if c in row.values}
        if 'attribute_set_id' in row.values:
            values['attribute_set'] = row.values['attribute_set_id']
        return values

    def _attributes(self, row):
        field = Pool().get('product.product')._fields['attributes']
        return field.sql_format(row.values.get('attributes') or None)

    def _create(self, rows):
        """sku -> (product id, template id) of the new products; a new
        variant of an existing product (row.template) or of the product
        of another row (row.leader) gets no template of its own"""
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        creators = [r for r in rows if not r.template and not r.leader]
        slugs = self._free_slugs(creators)
        extra = {'type': 'goods', 'default_uom': self.unit}
        if 'salable' in Template._fields:
            extra.update(salable=True, sale_uom=self.unit)
        template_ids = bulk.insert(Template, [
                {**extra, **self._template_values(r),
                    'ecom_slug': slugs.get(r.sku)}
                for r in creators])
        created = {r.number: t for r, t in zip(creators, template_ids)}
        self.fresh = set(template_ids)
        template_ids = [r.template or created[(r.leader or r).number]
            for r in rows]
        product_ids = bulk.insert(Product, [
                {'template': t, 'suffix_code': r.sku, 'code': r.sku,
                    'attributes': self._attributes(r)}
                for r, t in zip(rows, template_ids)])
        self.fresh.update(product_ids)
        return {r.sku: (p, t)
            for r, p, t in zip(rows, product_ids, template_ids)}

    def _free_slugs(self, rows):
        "sku -> the given slug, or one made of the name that nobody has"
        Template = Pool().get('product.template')
        Redirect = Pool().get('ecom.catalog.slug_redirect')
        wanted = {}
        for row in rows:
            base = row.values.get('slug') or slugify(row.values['name'])
            wanted[row.sku] = [base, f'{base}-{slugify(row.sku)}'[:100]]
        candidates = {s for pair in wanted.values() for s in pair}
        taken = set()
        for Model, column in [(Template, 'ecom_slug'), (Redirect, 'slug')]:
            table = Model.__table__()
            for sub in bulk.lookups(sorted(candidates)):
                self.cursor.execute(*table.select(
                        getattr(table, column),
                        where=bulk.in_(getattr(table, column), sub)))
                taken.update(s for s, in self.cursor)
        result = {}
        for row in rows:
            for slug in wanted[row.sku]:
                if slug and slug not in taken:
                    result[row.sku] = slug
                    taken.add(slug)
                    break
        return result

    def _update(self, rows, variants, templates):
        """Write the existing products' rows, and the product values given
        on the rows of new variants of existing products"""
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        bulk.update(Template, [
                {'id': templates[r.sku][1], **self._template_values(r)}
                for r in rows + variants])
        bulk.update(Product, [
                {'id': templates[r.sku][0], 'attributes': self._attributes(r)}
                for r in rows if 'attributes' in r.values])
        renamed = {templates[r.sku][1]: r.values['slug']
            for r in rows if 'slug' in r.values}
        if renamed:
            # through the ORM: the old slug is kept as a redirect
            args = []
            for template in Template.browse(list(renamed)):
                if template.ecom_slug != renamed[template.id]:
                    args.extend([[template],
                            {'ecom_slug': renamed[template.id]}])
            if args:
                Template.write(*args)

    def _upsert(self, Model, key, rows, column):
        "Set column of the rows {key value: value} for the company"
        table = Model.__table__()
        found = {}
        keys = list(rows)
        key_column = getattr(table, key)
        for sub in bulk.lookups(keys):
            where = bulk.in_(key_column, sub) & (
                table.company == self.company)
            if key == 'template':
                where &= table.product == None
            self.cursor.execute(*table.select(
                    table.id, key_column, where=where))
            found.update({k: i for i, k in self.cursor})
        bulk.update(Model, [{'id': found[k], column: v}
                for k, v in rows.items() if k in found])
        bulk.insert(Model, [{key: k, 'company': self.company, column: v}
                for k, v in rows.items() if k not in found])

    def _prices(self, rows, templates):
        pool = Pool()
        ListPrice = pool.get('product.list_price')
        template_prices = {templates[r.sku][1]: r.values['list_price']
            for r in rows if 'list_price' in r.values and not r.group}
        template_prices.update({templates[r.sku][1]: r.values['template_price']
                for r in rows if 'template_price' in r.values})
        self._upsert(ListPrice, 'template', template_prices, 'list_price')
        self._upsert(pool.get('product.cost_price'), 'product', {
                templates[r.sku][0]: r.values['cost_price']
                for r in rows if 'cost_price' in r.values}, 'cost_price')
        self._variant_prices(
            [r for r in rows if r.group and 'list_price' in r.values],
            templates)

    def _variant_prices(self, rows, templates):
        "A variant keeps its own list price where it differs the product's"
        ListPrice = Pool().get('product.list_price')
        if not rows:
            return
        table = ListPrice.__table__()
        company = table.company == self.company
        base = {}
        for sub in bulk.lookups(sorted({templates[r.sku][1] for r in rows})):
            self.cursor.execute(*table.select(table.template, table.list_price,
                    where=bulk.in_(table.template, sub) & company
                    & (table.product == Null)))
            base.update(self.cursor)
        for sub in bulk.lookups([templates[r.sku][0] for r in rows]):
            self.cursor.execute(*table.delete(
                    where=bulk.in_(table.product, sub) & company))
        bulk.insert(ListPrice, [{
                    'template': templates[r.sku][1],
                    'product': templates[r.sku][0], 'company': self.company,
                    'list_price': r.values['list_price']}
                for r in rows
                if r.values['list_price'] != base.get(templates[r.sku][1])])

    def _relink(self, Relation, left, right, pairs, keep_out=None):
        "Replace the links of the left ids in pairs by pairs"
        table = Relation.__table__()
        lefts = sorted({l for l, _ in pairs} - self.fresh)
        for sub in bulk.lookups(lefts):
            where = bulk.in_(getattr(table, left), sub)
            if keep_out is not None:
                where &= getattr(table, right).in_(keep_out)
            self.cursor.execute(*table.delete(where=where))
        bulk.insert(Relation, [{left: l, right: r} for l, r in pairs])

    def _categories(self, rows, templates):
        Relation = Pool().get('product.template-product.category')
        categories = self.importer.categories
        pairs = sorted({(templates[r.sku][1], categories[c])
                for r in rows for c in r.values.get('category', [])})
        self._relink(Relation, 'template', 'category', pairs)

    def _shops(self, rows, templates):
        Relation = Pool().get('web.shop-product.product')
        shops = self.importer.shops
        pairs = sorted({(templates[r.sku][0], shops[s])
                for r in rows for s in r.values.get('shops', [])})
        # only this company's shops: the others' publishing stays
        self._relink(Relation, 'product', 'shop', pairs,
            keep_out=list(shops.values()) or [-1])

    def _translations(self, rows, templates):
        Template = Pool().get('product.template')
        by_key = defaultdict(dict)
        for row in rows:
            for (column, lang), text in row.values.get(
                    'translations', {}).items():
                by_key[column, lang][templates[row.sku][1]] = (
                    row.values.get(column), text)
        table = Template.__table__()
        for (column, lang), values in by_key.items():
            name = TEXTS[column]
            missing = [t for t, (src, _) in values.items() if src is None]
            for sub in bulk.lookups(missing):
                self.cursor.execute(*table.select(
                        table.id, getattr(table, name),
                        where=bulk.in_(table.id, sub)))
                for id_, src in self.cursor:
                    values[id_] = (src, values[id_][1])
            bulk.set_translations(
                f'product.template,{name}', lang, values, self.fresh)

    def _stock(self, rows, templates):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        Line = pool.get('stock.inventory.line')
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        wanted = {templates[r.sku][0]: float(r.values['stock'])
            for r in rows if 'stock' in r.values}
        if not wanted:
            return
        warehouse = self.importer.warehouse
        storage = warehouse.storage_location
        lost_found = storage.lost_found_used
        today = Date.today()
        on_hand = quantities(storage, list(wanted))
        changes = sorted((p, q, on_hand[p]) for p, q in wanted.items()
            if q != on_hand[p])
        if not changes:
            return
        # not Inventory.create: it completes the lines with every product
        # of the location through the ORM (minutes for 100,000 products)
        inventory_id, = bulk.insert(Inventory, [
                Inventory.preprocess_values('create', {
                        'location': storage.id, 'date': today,
                        'company': self.company, 'state': 'done'})])
        inventory = Inventory(inventory_id)
        line_ids = bulk.insert(Line, [
                {'inventory': inventory.id, 'product': p, 'quantity': q,
                    'expected_quantity': e}
                for p, q, e in changes])
        moves = []
        for (product_id, quantity, expected), line_id in zip(
                changes, line_ids):
            delta = quantity - expected
            from_, to = lost_found.id, storage.id
            if delta < 0:
                from_, to, delta = to, from_, -delta
            moves.append({
                    'product': product_id, 'unit': self.unit,
                    'quantity': delta, 'internal_quantity': delta,
                    'from_location': from_, 'to_location': to,
                    'planned_date': today, 'effective_date': today,
                    'state': 'done', 'company': self.company,
                    'origin': f'stock.inventory.line,{line_id}'})
        bulk.insert(Move, moves)
        self.inventory = inventory

    def _images(self, rows, templates):
        "One image per product, or per variant for the rows of variants"
        Image = Pool().get('product.image')
        with_image = [r for r in rows if 'image' in r.values]
        if not with_image:
            return
        firsts = {}
        for image in Image.search([
                    ('template', 'in',
                        [templates[r.sku][1] for r in with_image]),
                    ], order=[('sequence', 'DESC'), ('id', 'DESC')]):
            key = image.template.id, image.product and image.product.id
            firsts[key] = image
        to_save = []
        for row in with_image:
            product_id, template_id = templates[row.sku]
            product_id = product_id if row.group else None
            image = firsts.get((template_id, product_id)) or Image(
                template=template_id, product=product_id)
            with open(row.values['image'], 'rb') as file:
                image.image = file.read()
            image.description = row.values['image_alt'] or None
            to_save.append(image)
        Image.save(to_save)
