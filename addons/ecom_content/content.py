"""Pages and blog posts: what both share (``ContentMixin``: company, web
shop, schedule, state; ``SlugMixin``: translated slug, SEO texts, Markdown
body sanitised on save, old slugs kept as redirects), the pages, the
posts with their tags and categories, and the redirects."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_catalog.product import (
    META_DESCRIPTION_LENGTH,
    META_TITLE_LENGTH,
    check_slug,
    seo_hints,
    slugify,
)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from . import body as body_format

STATES = [
    ('draft', "Draft"),
    ('scheduled', "Scheduled"),
    ('published', "Published"),
    ('archived', "Archived"),
    ]


def now():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def live_domain(at=None, prefix=''):
    """Domain of what the storefront may show at ``at`` (now): scheduled or
    published, its time come and not gone"""
    at = at or now()
    return [
        (f'{prefix}state', 'in', ['scheduled', 'published']),
        ['OR', (f'{prefix}published_from', '=', None),
            (f'{prefix}published_from', '<=', at)],
        ['OR', (f'{prefix}published_until', '=', None),
            (f'{prefix}published_until', '>', at)],
        ]


def languages_of(records):
    "{language code: ids of the records whose shop's storefront has it}"
    result = {}
    for record in records:
        for code in record.shop.ecom_language_codes():
            result.setdefault(code, []).append(record.id)
    return result


class OwnTranslations:
    """Each language's text is its own copy: changing the default
    language's title, body or slug leaves the Spanish one in use (Tryton
    would mark it fuzzy and show the default language's instead, so a
    storefront in Spanish would switch to English text and lose its slugs)"""
    __slots__ = ()

    @classmethod
    def write(cls, *args):
        with Transaction().set_context(fuzzy_translation=False):
            super().write(*args)


class ContentMixin(Workflow):
    "Company, web shop, schedule and state of what the storefront shows"
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': Eval('state') != 'draft'})
    shop = fields.Many2One('web.shop', "Web Shop", required=True,
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    published_from = fields.DateTime("Published From",
        help="When the storefront starts showing it (UTC); empty: as soon "
        "as it is published.")
    published_until = fields.DateTime("Published Until",
        domain=[If(Eval('published_from') & Eval('published_until'),
                ('published_until', '>', Eval('published_from')), ())],
        help="When the storefront stops showing it (UTC); empty: never.")
    live = fields.Function(fields.Boolean("Live"), 'get_live',
        searcher='search_live')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'scheduled'), ('draft', 'published'),
            ('scheduled', 'published'), ('scheduled', 'draft'),
            ('published', 'draft'), ('published', 'archived'),
            ('scheduled', 'archived'), ('archived', 'draft'),
            }
        cls._buttons.update({
                'draft': {'invisible': Eval('state') == 'draft',
                    'depends': ['state']},
                'schedule': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'publish': {
                    'invisible': ~Eval('state').in_(['draft', 'scheduled']),
                    'depends': ['state']},
                'archive': {
                    'invisible': ~Eval('state').in_(
                        ['scheduled', 'published']),
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    def get_live(self, name):
        at = now()
        return (self.state in {'scheduled', 'published'}
            and (not self.published_from or self.published_from <= at)
            and (not self.published_until or self.published_until > at))

    @classmethod
    def search_live(cls, name, clause):
        _, operator, value = clause
        domain = live_domain()
        if (operator == '=') != bool(value):
            return ['NOT', domain]
        return domain

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('scheduled')
    def schedule(cls, records):
        for record in records:
            if not record.published_from:
                raise ValidationError(gettext(
                        'ecom_content.msg_schedule_without_date',
                        record=record.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, records):
        pass

    @classmethod
    def update_states(cls):
        """Cron: scheduled content whose time came becomes published,
        content whose time is gone is archived (the API checks the times
        itself: this is what staff see)"""
        at = now()
        cls.publish(cls.search([('state', '=', 'scheduled'),
                    ('published_from', '<=', at)]))
        cls.archive(cls.search([('state', 'in', ['scheduled', 'published']),
                    ('published_until', '<=', at)]))


class SlugMixin(OwnTranslations):
    "Translated slug and SEO texts; a Markdown body sanitised on save"
    __slots__ = ()
    _redirect_field = None
    title = fields.Char("Title", required=True, translate=True)
    slug = fields.Char("Slug", required=True, translate=True, strip=True,
        help="The address in the storefront, per language: lower-case "
        "letters, digits and hyphens. Renaming keeps the old slug as a "
        "redirect.")
    meta_title = fields.Char("Meta Title", translate=True,
        help=f"Title for search engines; about {META_TITLE_LENGTH} "
        "characters are shown (empty: the title).")
    meta_description = fields.Text("Meta Description", translate=True,
        help=f"Summary for search engines; about {META_DESCRIPTION_LENGTH} "
        "characters are shown.")
    seo_hints = fields.Function(fields.Text("SEO Hints"),
        'on_change_with_seo_hints')
    body = fields.Text("Body", translate=True,
        help="Markdown (headings #, **bold**, [link](https://...), lists, "
        "tables) or simple HTML. Images by id: ![alt text](image:12). "
        "Scripts, event attributes and javascript: links are removed on "
        "save.")
    body_html = fields.Text("Body (HTML)", translate=True, readonly=True,
        help="The body as the storefront receives it: rendered and "
        "sanitised when saved.")
    @fields.depends('title', 'slug')
    def on_change_title(self):
        if not self.slug and self.title:
            self.slug = slugify(self.title)

    @fields.depends('title', 'meta_title', 'meta_description')
    def on_change_with_seo_hints(self, name=None):
        return seo_hints(self.meta_title or self.title, self.meta_description)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'body' in values:
            values['body_html'], _, _ = body_format.render(values['body'])
        if mode == 'create' and not values.get('slug') and values.get(
                'title'):
            values['slug'] = slugify(values['title'])
        return values

    @classmethod
    def write(cls, *args):
        Redirect = Pool().get('ecom.content.redirect')
        language = Transaction().language
        moved, taken = [], []
        for records, values in zip(args[::2], args[1::2]):
            if 'slug' not in values:
                continue
            taken.append(values['slug'])
            for record in cls.browse(records):
                # a draft's address was never served: nothing to redirect
                if (record.slug and record.slug != values['slug']
                        and record.state != 'draft'):
                    moved.append((record.id, record.slug))
        super().write(*args)
        if taken:
            # a slug given back to a record is no longer a redirect
            Redirect.delete(Redirect.search([
                        (cls._redirect_field, '!=', None),
                        ('slug', 'in', taken), ('language', '=', language)]))
        if moved:
            Redirect.create([{cls._redirect_field: i, 'slug': s,
                        'language': language} for i, s in moved])

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and not field_names & {'slug', 'body', 'shop'}:
            return
        cls.check_bodies(records)
        cls.check_slugs(records)

    @classmethod
    def check_bodies(cls, records):
        Image = Pool().get('ecom.content.image')
        used = []
        for record in records:
            _, images, refused = body_format.render(record.body)
            if refused:
                raise ValidationError(gettext(
                        'ecom_content.msg_body_image_url',
                        record=record.rec_name, url=refused[0]))
            used.append((record, images))
        ids = sorted({i for _, images in used for i in images})
        known = set()
        if ids:
            known = {i.id for i in Image.search([('id', 'in', ids)])}
        for record, images in used:
            if missing := [i for i in images if i not in known]:
                raise ValidationError(gettext(
                        'ecom_content.msg_body_image_unknown',
                        record=record.rec_name, image=missing[0]))

    @classmethod
    def check_slugs(cls, records):
        "The slug's format and its uniqueness per shop, in every language"
        for language, ids in languages_of(records).items():
            with Transaction().set_context(language=language):
                for record in cls.browse(ids):
                    if reason := check_slug(record.slug):
                        raise ValidationError(gettext(
                                'ecom_content.msg_slug_invalid',
                                slug=record.slug, record=record.rec_name,
                                language=language, reason=reason))
                    others = cls.search([('id', '!=', record.id),
                            ('shop', '=', record.shop.id),
                            ('slug', '=', record.slug)], limit=1)
                    if others:
                        raise ValidationError(gettext(
                                'ecom_content.msg_slug_taken',
                                slug=record.slug, record=record.rec_name,
                                language=language, other=others[0].rec_name))

    @classmethod
    def resolve(cls, shop, slug, at=None):
        """(record, redirected) answering slug in the context's language
        among the shop's live records, or (None, False)"""
        Redirect = Pool().get('ecom.content.redirect')
        live = live_domain(at)
        records = cls.search([('shop', '=', shop.id), ('slug', '=', slug)]
            + live, limit=1)
        if records:
            return records[0], False
        field = cls._redirect_field
        redirects = Redirect.search([(f'{field}.shop', '=', shop.id),
                ('slug', '=', slug),
                ('language', '=', Transaction().language)]
            + live_domain(at, prefix=f'{field}.'),
            order=[('id', 'DESC')], limit=1)
        if redirects:
            return getattr(redirects[0], field), True
        return None, False


class Page(SlugMixin, ContentMixin, ModelSQL, ModelView):
    "Storefront page"
    __name__ = 'ecom.content.page'
    __string__ = "Page"
    _redirect_field = 'page'
    _rec_name = 'title'
    redirects = fields.One2Many('ecom.content.redirect', 'page',
        "Old Slugs", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('title', 'ASC'), ('id', 'ASC')]


class Term(OwnTranslations, ModelSQL, ModelView):
    "Blog tag or category"
    __name__ = 'ecom.content.term'
    __string__ = "Blog Tag or Category"
    company = fields.Many2One('company.company', "Company", required=True)
    kind = fields.Selection([('tag', "Tag"), ('category', "Category")],
        "Kind", required=True)
    name = fields.Char("Name", required=True, translate=True)
    slug = fields.Char("Slug", required=True, strip=True,
        help="Used to filter posts: lower-case letters, digits, hyphens.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_kind():
        return 'tag'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('slug') and values.get(
                'name'):
            values['slug'] = slugify(values['name'])
        return values

    @classmethod
    def validate_fields(cls, terms, field_names):
        super().validate_fields(terms, field_names)
        for term in terms:
            if reason := check_slug(term.slug):
                raise ValidationError(gettext(
                        'ecom_content.msg_term_slug', slug=term.slug,
                        term=term.rec_name, reason=reason))
            if cls.search([('id', '!=', term.id), ('kind', '=', term.kind),
                        ('company', '=', term.company.id),
                        ('slug', '=', term.slug)], limit=1):
                raise ValidationError(gettext(
                        'ecom_content.msg_term_slug', slug=term.slug,
                        term=term.rec_name, reason=gettext(
                            'ecom_content.msg_term_slug_taken')))


class Redirect(ModelSQL, ModelView):
    "Old slug of a page or post, answered with a redirect"
    __name__ = 'ecom.content.redirect'
    __string__ = "Old Slug"
    page = fields.Many2One('ecom.content.page', "Page", ondelete='CASCADE',
        readonly=True)
    post = fields.Many2One('ecom.content.post', "Post", ondelete='CASCADE',
        readonly=True)
    language = fields.Char("Language", readonly=True)
    slug = fields.Char("Old Slug", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
