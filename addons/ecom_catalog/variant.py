"""Variants by attributes (upstream product_attribute): a template has an
attribute set, each variant its values ("color=Red|size=M").

Two variants of one template cannot have the same values: the storefront
could not tell them apart (Shopify refuses duplicate option combinations
too). The catalog file reads and writes the values as text.
"""
import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.protocols.jsonrpc import JSONDecoder

TRUE = {'1', 'true', 'yes', 'y'}
FALSE = {'0', 'false', 'no', 'n'}


class VariantError(ValidationError):
    pass


def combination(attributes):
    "Hashable form of a variant's attribute values"
    return tuple(sorted(
            (k, tuple(v) if isinstance(v, list) else v)
            for k, v in (attributes or {}).items() if v not in (None, '')))


def split_attributes(text):
    """{name: text value} of 'color=Red|size=M'; ValueError names the
    faulty part"""
    result = {}
    for part in text.split('|'):
        if not part.strip():
            continue
        name, sep, value = part.partition('=')
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ValueError(
                f"{part.strip()!r} is not name=value (like color=Red|size=M)")
        if name in result:
            raise ValueError(f"attribute {name!r} is given twice")
        result[name] = value
    return result


def _selection(attribute):
    "[(key, label)] of a selection attribute"
    return [tuple(p) + ('',) * (2 - len(p))
        for p in json.loads(attribute.selection_json or '[]')]


def parse_value(attribute, text):
    "The stored value of text for attribute; ValueError says why not"
    type_ = attribute.type_
    if type_ == 'boolean':
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise ValueError(f"{text!r} is not yes or no")
    if type_ == 'integer':
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number")
    if type_ in {'float', 'numeric'}:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{text!r} is not a number")
        return value if type_ == 'numeric' else float(value)
    if type_ == 'date':
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    if type_ in {'selection', 'multiselection'}:
        choices = _selection(attribute)
        keys = []
        for item in (text.split(',') if type_ == 'multiselection'
                else [text]):
            item = item.strip()
            match = [k for k, l in choices
                if item.lower() in {k.lower(), l.lower()}]
            if not match:
                raise ValueError(f"{item!r} is not one of "
                    f"{', '.join(l or k for k, l in choices)}")
            keys.append(match[0])
        return keys if type_ == 'multiselection' else keys[0]
    if type_ == 'datetime':
        raise ValueError("date-time attributes cannot be imported")
    return text


def load_attributes(value):
    "A Dict column as SQL returns it (JSON text, or decoded on PostgreSQL)"
    if isinstance(value, str):
        return json.loads(value, object_hook=JSONDecoder())
    return value or {}


def attribute_labels(attribute_set, values):
    "{name: text} of a variant's values, selections by their label"
    return dict(p.split('=', 1) for p in format_attributes(
            attribute_set, values).split('|') if p)


def format_attributes(attribute_set, values):
    "'color=Red|size=M' (in the set's order) of a variant's values"
    if not values:
        return ''
    parts = []
    by_name = {a.name: a for a in attribute_set.attributes} \
        if attribute_set else {}
    for name in sorted(values, key=lambda n: (n not in by_name, n)):
        value = values[name]
        if value in (None, '', []):
            continue
        attribute = by_name.get(name)
        if attribute and attribute.type_ in {'selection', 'multiselection'}:
            labels = dict(_selection(attribute))
            items = value if isinstance(value, list) else [value]
            value = ','.join(labels.get(v) or v for v in items)
        elif attribute and attribute.type_ == 'boolean':
            value = 'yes' if value else 'no'
        parts.append(f'{name}={value}')
    return '|'.join(parts)


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def validate_fields(cls, products, field_names):
        super().validate_fields(products, field_names)
        if not field_names or field_names & {'attributes', 'template'}:
            cls.ecom_check_variants(products)

    @classmethod
    def ecom_check_variants(cls, products):
        "Variants of one template have distinct attribute values"
        templates = {p.template for p in products if p.attributes}
        edited = {p.id for p in products}
        for template in templates:
            seen = {}
            # the edited variants first: the message names them first
            for variant in sorted(
                    cls.search([('template', '=', template.id)]),
                    key=lambda v: (v.id not in edited, v.id)):
                key = combination(variant.attributes)
                if not key:
                    continue
                if key in seen:
                    raise VariantError(gettext(
                            'ecom_catalog.msg_variant_duplicate',
                            variant=seen[key].rec_name,
                            other=variant.rec_name,
                            attributes=format_attributes(
                                template.attribute_set, variant.attributes),
                            template=template.rec_name))
                seen[key] = variant


def existing_combinations(template_ids):
    "template id -> {combination: SKU} of the variants already stored"
    Product = Pool().get('product.product')
    result = {t: {} for t in template_ids}
    for product in Product.search([('template', 'in', list(template_ids))]):
        key = combination(product.attributes)
        if key:
            result[product.template.id][key] = product.code
    return result
