import re
import unicodedata

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta

SLUG = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
# What search engines show before cutting the text.
META_TITLE_LENGTH = 60
META_DESCRIPTION_LENGTH = 160


def slugify(text):
    "URL slug of a text: lower-case ASCII words joined by hyphens"
    text = unicodedata.normalize('NFKD', text or '')
    text = text.encode('ascii', 'ignore').decode('ascii').lower()
    return re.sub(r'[^a-z0-9]+', '-', text).strip('-')[:100]


def seo_hints(meta_title, meta_description):
    "The lengths of the SEO texts against what search engines show"
    hints = []
    for label, value, limit in [
            ("Meta title", meta_title, META_TITLE_LENGTH),
            ("Meta description", meta_description,
                META_DESCRIPTION_LENGTH)]:
        length = len(value or '')
        if not length:
            hints.append(f"{label} is empty.")
        elif length > limit:
            hints.append(
                f"{label}: {length} characters, about {limit} are shown.")
        else:
            hints.append(f"{label}: {length}/{limit} characters.")
    return '\n'.join(hints)


def check_slug(slug):
    "The reason a slug is refused, or None"
    if not SLUG.match(slug or ''):
        return gettext('ecom_catalog.msg_slug_format')


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    ecom_available = fields.Function(fields.Float(
            "Available to Sell", digits='default_uom',
            help="Of all the variants, in the warehouse of the context or "
            "the first warehouse."),
        'get_ecom_available')

    @classmethod
    def get_ecom_available(cls, templates, name):
        Product = Pool().get('product.product')
        products = [p for t in templates for p in t.products]
        available = Product.get_ecom_available(products, name)
        return {t.id: None if t.type != 'goods' else sum(
                available.get(p.id) or 0 for p in t.products)
            for t in templates}

    ecom_slug = fields.Char(
        "Slug", strip=True,
        help="The product's address in the storefront: lower-case letters, "
        "digits and hyphens. Renaming keeps the old slug as a redirect.")
    ecom_slug_redirects = fields.One2Many(
        'ecom.catalog.slug_redirect', 'template', "Old Slugs",
        readonly=True)
    ecom_meta_title = fields.Char(
        "Meta Title", translate=True,
        help=f"Title for search engines; about {META_TITLE_LENGTH} "
        "characters are shown.")
    ecom_meta_description = fields.Text(
        "Meta Description", translate=True,
        help=f"Summary for search engines; about {META_DESCRIPTION_LENGTH} "
        "characters are shown.")
    ecom_seo_hints = fields.Function(
        fields.Text("SEO Hints"), 'on_change_with_ecom_seo_hints')
    ecom_short_description = fields.Text(
        "Short Description", translate=True)
    ecom_description = fields.Text(
        "Long Description", translate=True)

    @classmethod
    def ecom_written_in_sql(cls):
        """Called when products were written in SQL (the catalog import),
        bypassing the ORM: other modules drop what they cached"""

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_slug_unique', Unique(t, t.ecom_slug),
                'ecom_catalog.msg_slug_unique'),
            ]

    @fields.depends('name', 'ecom_slug')
    def on_change_name(self):
        if (parent := getattr(super(), 'on_change_name', None)):
            parent()
        if not self.ecom_slug and self.name:
            self.ecom_slug = slugify(self.name)

    @fields.depends('ecom_meta_title', 'ecom_meta_description')
    def on_change_with_ecom_seo_hints(self, name=None):
        return seo_hints(self.ecom_meta_title, self.ecom_meta_description)

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names and 'ecom_slug' not in field_names:
            return
        for template in templates:
            if template.ecom_slug and (reason := check_slug(
                        template.ecom_slug)):
                raise ValidationError(gettext(
                        'ecom_catalog.msg_slug_invalid',
                        slug=template.ecom_slug, product=template.rec_name,
                        reason=reason))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('ecom_slug') and values.get(
                'name'):
            values['ecom_slug'] = cls._free_slug(slugify(values['name']))
        return values

    @classmethod
    def _free_slug(cls, slug):
        "slug, or slug-2, slug-3... when it is taken"
        if not slug:
            return None
        Redirect = Pool().get('ecom.catalog.slug_redirect')
        candidate, n = slug, 1
        while (cls.search([('ecom_slug', '=', candidate)], limit=1)
                or Redirect.search([('slug', '=', candidate)], limit=1)):
            n += 1
            candidate = f'{slug}-{n}'
        return candidate

    @classmethod
    def write(cls, *args):
        Redirect = Pool().get('ecom.catalog.slug_redirect')
        redirects, taken = [], []
        actions = iter(args)
        for templates, values in zip(actions, actions):
            if 'ecom_slug' not in values:
                continue
            taken.append(values['ecom_slug'])
            for template in templates:
                if (template.ecom_slug
                        and template.ecom_slug != values['ecom_slug']):
                    redirects.append((template.id, template.ecom_slug))
        if taken:
            # A slug given to a product is no longer a redirect.
            Redirect.delete(Redirect.search([('slug', 'in', taken)]))
        super().write(*args)
        if redirects:
            Redirect.keep(redirects)


class SlugRedirect(ModelSQL, ModelView):
    "An old slug of a product, answered with a redirect to the new one"
    __name__ = 'ecom.catalog.slug_redirect'
    __string__ = "Slug Redirect"

    template = fields.Many2One(
        'product.template', "Product", required=True, ondelete='CASCADE')
    slug = fields.Char("Old Slug", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('slug_unique', Unique(t, t.slug),
                'ecom_catalog.msg_slug_unique'),
            ]

    @classmethod
    def keep(cls, pairs):
        "Keep (template id, old slug) pairs; a slug taken back is freed"
        slugs = [s for _, s in pairs]
        cls.delete(cls.search([('slug', 'in', slugs)]))
        cls.create([{'template': t, 'slug': s} for t, s in pairs])

    @classmethod
    def resolve(cls, slug):
        "The template answering slug: (template, redirected)"
        Template = Pool().get('product.template')
        templates = Template.search([('ecom_slug', '=', slug)], limit=1)
        if templates:
            return templates[0], False
        redirects = cls.search([('slug', '=', slug)], limit=1)
        if redirects:
            return redirects[0].template, True
        return None, False
