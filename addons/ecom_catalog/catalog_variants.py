"""Variants in the catalog file: rows that share a slug are the variants of
one product (like Shopify's handle), told apart by their ``attributes``
("color=Red|size=M") from the template's ``attribute_set``.

The product-level columns (texts, category, attribute set) are given once,
on any row of the group; another row may repeat the same value (an export
does) but not give a different one. The list price is the variant's: a new
product takes the first one given as its own, and the variants whose price
differs from the product's keep theirs (Tryton's variant list price). A new
SKU whose slug is an existing product's becomes a new variant of it.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.pool import Pool

from .variant import combination, existing_combinations, parse_value, split_attributes

SHARED = ['name', 'meta_title', 'meta_description', 'short_description',
    'description', 'translations', 'category', 'attribute_set']


def parse_row(row, values):
    "Syntax of the variant columns of one row"
    if text := values.get('attributes'):
        try:
            row.values['attribute_values'] = split_attributes(text)
        except ValueError as error:
            row.errors.append(('attributes', str(error)))
    if name := values.get('attribute_set'):
        row.values['attribute_set'] = name.strip()


def _groups(rows):
    "Groups of rows that make one product: same slug, or a row of its own"
    groups = defaultdict(list)
    for row in rows:
        if not row.sku:
            continue
        groups[row.values.get('slug') or row.number].append(row)
    return groups


def group_variants(importer, rows, taken):
    """Set row.template (existing template id or None), row.leader (the
    row that creates the template) and row.group (first row of its
    product) and check the variants; taken maps the slugs in use to their
    template"""
    pool = Pool()
    AttributeSet = pool.get('product.attribute.set')
    Template = pool.get('product.template')
    existing = importer.existing
    sets = {s.name: s for s in AttributeSet.search([])}
    for row in rows:
        name = row.values.get('attribute_set')
        if name and name not in sets:
            row.errors.append(('attribute_set', (f"attribute set {name!r} "
                    "does not exist (Catalog > Attribute Sets)")))
        row.leader = row.group = None
        row.template = existing[row.sku][1] if row.sku in existing else None
    groups = [g for g in _groups(rows).values()
        if len(g) > 1 or any('attribute_values' in r.values for r in g)]
    groups = [g for g in groups if _join(g, taken)]
    template_ids = {g[0].template for g in groups if g[0].template}
    known = existing_combinations(template_ids)
    current_sets = {t.id: t.attribute_set
        for t in Template.browse(list(template_ids))}
    for group in groups:
        template = group[0].template
        _share(group)
        name = group[0].values.get('attribute_set')
        attribute_set = sets.get(name) if name else current_sets.get(
            template)
        _attributes(group, attribute_set, known.get(template, {}))


def reject_groups(rows):
    "A product is written with all its variants or not at all"
    failed = {}
    for row in rows:
        if row.group and row.errors:
            failed.setdefault(row.group, row.number)
    for row in rows:
        if row.group in failed and not row.errors:
            row.errors.append(('', (f"not written: another variant of its "
                    f"product (row {failed[row.group]}) has an error")))


def _join(group, taken):
    "Find the group's template (existing by SKU or slug, or None)"
    slug = group[0].values.get('slug')
    found = {r.template for r in group if r.template}
    if slug in taken:
        found.add(taken[slug])
    if len(found) > 1:
        # the importer's slug check tells the rows the slug is not theirs;
        # here the rows of different products when the slug is new
        first = next(r for r in group if r.template)
        for row in group:
            if (slug not in taken and row.template
                    and row.template != first.template):
                row.errors.append(('slug', (f"SKU {row.sku!r} is not a "
                        f"variant of the product of row {first.number}")))
        return False
    template = found.pop() if found else None
    for row in group:
        row.template = template
        row.group = group[0].number
    if template is None:
        for row in group[1:]:
            row.leader = group[0]
    return True


def _share(group):
    "Gather the product-level values on the first row; refuse differences"
    leader = group[0]
    for column in SHARED:
        for row in group:
            value = row.values.get(column)
            if value in (None, '', [], {}):
                continue
            if column not in leader.values:
                leader.values[column] = value
            elif leader.values[column] != value:
                row.errors.append((column, (f"variants of one product "
                        f"share {column}: row {leader.number} gives "
                        f"{_text(leader.values[column])}")))
    for row in group[1:]:
        for column in SHARED:
            row.values.pop(column, None)
    if leader.template is None:
        prices = [r.values['list_price'] for r in group
            if 'list_price' in r.values]
        if prices:
            leader.values['template_price'] = prices[0]


def _text(value):
    if isinstance(value, list):
        value = '|'.join(value)
    elif isinstance(value, Decimal):
        value = format(value.normalize(), 'f')
    return repr(str(value))


def _attributes(group, attribute_set, known):
    "Typed attribute values of every row, distinct within the product"
    leader = group[0]
    if attribute_set is None:
        if leader.values.get('attribute_set'):
            return  # an unknown set: already said
        leader.errors.append(('attribute_set', (f"the variants of "
                f"{leader.values.get('slug') or leader.sku!r} need an "
                "attribute set to tell them apart")))
        return
    names = {}
    for attribute in attribute_set.attributes:
        names[attribute.name.lower()] = attribute
        names[(attribute.string or '').lower()] = attribute
    seen = {}
    for row in group:
        texts = row.values.pop('attribute_values', None)
        if not texts:
            if len(group) > 1 or known:
                row.errors.append(('attributes', (
                            f"SKU {row.sku!r} needs attributes to tell it "
                            "apart from the other variants")))
            continue
        values, errors = {}, len(row.errors)
        for name, text in texts.items():
            attribute = names.get(name.lower())
            if attribute is None:
                row.errors.append(('attributes', (f"{name!r} is not an "
                        f"attribute of set {attribute_set.name!r} ("
                        f"{', '.join(a.name for a in attribute_set.attributes)}"
                        ")")))
                continue
            try:
                values[attribute.name] = parse_value(attribute, text)
            except ValueError as error:
                row.errors.append(('attributes', f"{name}: {error}"))
        key = combination(values)
        other = known.get(key)
        if len(row.errors) > errors:
            pass  # values not understood: nothing to compare
        elif key in seen:
            row.errors.append(('attributes', (f"same attributes as row "
                    f"{seen[key]}")))
        elif other and other != row.sku:
            row.errors.append(('attributes', (f"same attributes as SKU "
                    f"{other!r}")))
        seen.setdefault(key, row.number)
        row.values['attributes'] = values
    if leader.template is None or 'attribute_set' in leader.values:
        leader.values['attribute_set_id'] = attribute_set.id
