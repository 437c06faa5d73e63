"Catalog export: the same columns the import reads, one row per SKU"
from collections import defaultdict

from sql import Null
from trytond.modules.ecom_base import bulk
from trytond.pool import Pool
from trytond.transaction import Transaction

from .availability import quantities
from .catalog_file import TEXTS, write_table
from .variant import format_attributes, load_attributes


def export_rows(warehouse=None, languages=(), progress=None):
    "(header, rows) of the company's catalog: every product with a SKU"
    pool = Pool()
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    ListPrice = pool.get('product.list_price')
    CostPrice = pool.get('product.cost_price')
    Category = pool.get('product.category')
    TemplateCategory = pool.get('product.template-product.category')
    ShopProduct = pool.get('web.shop-product.product')
    Shop = pool.get('web.shop')
    Translation = pool.get('ir.translation')
    AttributeSet = pool.get('product.attribute.set')
    progress = progress or (lambda step, done, total: None)
    company = Transaction().context.get('company')
    cursor = Transaction().connection.cursor()

    product, template = Product.__table__(), Template.__table__()
    list_price, cost_price = ListPrice.__table__(), CostPrice.__table__()
    variant_price = ListPrice.__table__()
    cursor.execute(*product.join(template,
            condition=product.template == template.id
            ).join(list_price, 'LEFT',
            condition=(list_price.template == template.id)
            & (list_price.product == Null)
            & (list_price.company == company)
            ).join(variant_price, 'LEFT',
            condition=(variant_price.product == product.id)
            & (variant_price.company == company)
            ).join(cost_price, 'LEFT',
            condition=(cost_price.product == product.id)
            & (cost_price.company == company)
            ).select(
            product.id, template.id, product.code,
            *[getattr(template, f) for f in TEXTS.values()],
            template.ecom_slug,
            list_price.list_price, cost_price.cost_price,
            template.attribute_set, product.attributes,
            # not Coalesce: SQLite gives its result as bytes
            variant_price.list_price,
            where=(product.code != Null) & product.active,
            order_by=[product.code]))
    records = cursor.fetchall()
    total = len(records)
    progress('read', 0, total)

    categories = {c.id: c.rec_name for c in Category.search([])}
    relation = TemplateCategory.__table__()
    template_categories = defaultdict(list)
    shops = {s.id: s.name for s in Shop.search([('company', '=', company)])}
    published = defaultdict(list)
    shop_relation = ShopProduct.__table__()
    translations = defaultdict(dict)
    translation = Translation.__table__()
    template_ids = sorted({r[1] for r in records})
    for sub in bulk.lookups(template_ids):
        cursor.execute(*relation.select(
                relation.template, relation.category,
                where=bulk.in_(relation.template, sub)))
        for template_id, category_id in cursor:
            template_categories[template_id].append(categories[category_id])
        for lang in languages:
            cursor.execute(*translation.select(
                    translation.res_id, translation.name, translation.value,
                    where=bulk.in_(translation.res_id, sub)
                    & (translation.lang == lang)
                    & (translation.type == 'model')
                    & translation.name.like('product.template,%')))
            for res_id, name, value in cursor:
                translations[res_id][name.split(',')[1], lang] = value
    for sub in bulk.lookups([r[0] for r in records]):
        cursor.execute(*shop_relation.select(
                shop_relation.product, shop_relation.shop,
                where=bulk.in_(shop_relation.product, sub)
                & shop_relation.shop.in_(list(shops) or [-1])))
        for product_id, shop_id in cursor:
            published[product_id].append(shops[shop_id])

    stock = quantities(warehouse.storage_location,
        [r[0] for r in records]) if warehouse else {}

    sets = {s.id: s for s in AttributeSet.search([])}
    header = ['sku', *TEXTS, 'slug', 'category', 'list_price', 'cost_price',
        *(['stock'] if warehouse else []), 'attribute_set', 'attributes']
    translated = [(c, f, l) for l in languages for c, f in TEXTS.items()]
    header += [f'{c}:{l}' for c, _, l in translated]
    rows = []
    for i, (product_id, template_id, code, *texts, slug, price, cost,
            set_id, attributes, own_price) in enumerate(records):
        if own_price is not None:
            price = own_price
        row = [code, *[t or '' for t in texts], slug or '',
            '|'.join(sorted(template_categories[template_id])),
            _decimal(price), _decimal(cost)]
        if warehouse:
            row.append(_quantity(stock.get(product_id, 0)))
        attribute_set = sets.get(set_id)
        row += [attribute_set.name if attribute_set else '',
            format_attributes(attribute_set, load_attributes(attributes))]
        row += [translations[template_id].get((f, l), '')
            for _, f, l in translated]
        rows.append(row)
        if not i % 5000:
            progress('read', i, total)
    progress('read', total, total)
    return header + ['shops'], [
        r + ['|'.join(sorted(published[rec[0]]))]
        for r, rec in zip(rows, records)]


def _decimal(value):
    return '' if value is None else format(value.normalize(), 'f')


def _quantity(value):
    return str(int(value)) if value == int(value) else str(value)


def export_file(format_, warehouse=None, languages=(), progress=None):
    header, rows = export_rows(warehouse, languages, progress)
    return write_table(header, rows, format_), len(rows)

