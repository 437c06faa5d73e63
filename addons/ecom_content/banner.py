"""Banners and content blocks: a placement key the storefront asks for, an
image with its alt text, a link, a schedule and a priority, per shop and
optionally per language; tied to a promotion, a banner ends with it."""
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval

from .content import ContentMixin, OwnTranslations, live_domain, now

PLACEMENT = re.compile(r'^[a-z0-9_]{2,40}$')
LINK_KINDS = [
    (None, "None"),
    ('product', "Product"),
    ('category', "Category"),
    ('page', "Page"),
    ('post', "Post"),
    ('url', "URL"),
    ]


class LinkMixin:
    "A link to a product, a category, a page, a post or an address"
    __slots__ = ()
    link_kind = fields.Selection(LINK_KINDS, "Link To", sort=False)
    link_product = fields.Many2One('product.template', "Product",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'invisible': Eval('link_kind') != 'product',
            'required': Eval('link_kind') == 'product'})
    link_category = fields.Many2One('product.category', "Category",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'invisible': Eval('link_kind') != 'category',
            'required': Eval('link_kind') == 'category'})
    link_page = fields.Many2One('ecom.content.page', "Page",
        domain=[('company', '=', Eval('company', -1))],
        states={'invisible': Eval('link_kind') != 'page',
            'required': Eval('link_kind') == 'page'})
    link_post = fields.Many2One('ecom.content.post', "Post",
        domain=[('company', '=', Eval('company', -1))],
        states={'invisible': Eval('link_kind') != 'post',
            'required': Eval('link_kind') == 'post'})
    link_url = fields.Char("URL",
        states={'invisible': Eval('link_kind') != 'url',
            'required': Eval('link_kind') == 'url'})

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            url = record.link_url
            if record.link_kind == 'url' and not (
                    url or '').startswith(('https://', 'http://', '/')):
                raise ValidationError(gettext(
                        'ecom_content.msg_link_url', url=url,
                        record=record.rec_name))

    def link(self, shop, language):
        """The link as the API gives it: kind, the target's slug or id and
        the storefront address when the shop has its pattern"""
        kind = self.link_kind
        if not kind:
            return None
        if kind == 'url':
            return {'kind': 'url', 'url': self.link_url}
        target = getattr(self, f'link_{kind}')
        slug = shop.ecom_slug_of(kind, target)
        return {'kind': kind, 'id': target.id, 'slug': slug,
            'url': shop.ecom_url(kind, slug, language)}


class Banner(OwnTranslations, LinkMixin, ContentMixin, ModelSQL, ModelView):
    "Banner"
    __name__ = 'ecom.content.banner'
    __string__ = "Banner"
    name = fields.Char("Name", required=True,
        help="For the staff; the storefront shows the title.")
    placement = fields.Char("Placement", required=True,
        help="Where the storefront shows it, e.g. home_hero, "
        "home_secondary, category_top, checkout_notice, site_notice.")
    title = fields.Char("Title", translate=True)
    text = fields.Text("Text", translate=True)
    image = fields.Many2One('ecom.content.image', "Image",
        domain=[('company', '=', Eval('company', -1))])
    alt = fields.Char("Alt Text", translate=True,
        help="Empty: the image's alt text.")
    priority = fields.Integer("Priority", required=True,
        help="Higher first among the banners of a placement.")
    language = fields.Many2One('ir.lang', "Language",
        help="Only for the storefront in this language; empty: all.")
    promotion = fields.Many2One('sale.promotion', "Promotion",
        domain=[('company', '=', Eval('company', -1))],
        help="Shown only while the promotion runs: it ends when the "
        "promotion ends or is deactivated.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('placement', 'ASC'), ('priority', 'DESC'),
            ('id', 'ASC')]

    @staticmethod
    def default_priority():
        return 10

    @classmethod
    def validate_fields(cls, banners, field_names):
        super().validate_fields(banners, field_names)
        for banner in banners:
            if not PLACEMENT.match(banner.placement or ''):
                raise ValidationError(gettext(
                        'ecom_content.msg_placement', banner=banner.rec_name,
                        placement=banner.placement))

    @classmethod
    def live_now(cls, shop, placement, language, at=None):
        "The banners of the placement the storefront shows now"
        at = at or now()
        today = at.date()
        return cls.search([
                ('shop', '=', shop.id), ('placement', '=', placement),
                ['OR', ('language', '=', None),
                    ('language.code', '=', language)],
                ['OR', ('promotion', '=', None), [
                        ('promotion.active', '=', True),
                        ['OR', ('promotion.start_date', '=', None),
                            ('promotion.start_date', '<=', today)],
                        ['OR', ('promotion.end_date', '=', None),
                            ('promotion.end_date', '>=', today)],
                        ['OR', ('promotion.ecom_starts', '=', None),
                            ('promotion.ecom_starts', '<=', at)],
                        ['OR', ('promotion.ecom_ends', '=', None),
                            ('promotion.ecom_ends', '>', at)]]],
                ] + live_domain(at))
