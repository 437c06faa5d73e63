"""The storefront's addresses and languages on the web shop: the URL
patterns of categories, pages and posts (products: ecom_catalog's), the
languages of the sitemap's alternates and the robots.txt text."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_catalog.product import slugify
from trytond.modules.ecom_catalog.shop import fill_url, is_url_pattern
from trytond.pool import PoolMeta

PATTERNS = ['ecom_product_url', 'ecom_category_url', 'ecom_page_url',
    'ecom_post_url']


class Shop(metaclass=PoolMeta):
    __name__ = 'web.shop'
    ecom_category_url = fields.Char("Category Page URL",
        help="e.g. https://shop.example/{lang}/c/{slug}; {lang} is the "
        "language code, {slug} the category's name as a slug.")
    ecom_page_url = fields.Char("Content Page URL",
        help="e.g. https://shop.example/{lang}/{slug}")
    ecom_post_url = fields.Char("Blog Post URL",
        help="e.g. https://shop.example/{lang}/blog/{slug}")
    ecom_languages = fields.Many2Many('web.shop-ir.lang', 'shop', 'lang',
        "Storefront Languages",
        help="The sitemap lists each address in each language with the "
        "others as alternates (hreflang). Empty: the shop's language.")
    ecom_sitemap_url = fields.Char("Sitemap URL",
        help="Where the storefront serves the sitemap, e.g. "
        "https://shop.example/sitemap.xml (robots.txt points to it; an index "
        "of big sitemaps links its numbered parts).")
    ecom_robots = fields.Text("robots.txt",
        help="The rules the storefront serves as robots.txt; the sitemap's "
        "line is added.")

    @classmethod
    def validate_fields(cls, shops, field_names):
        super().validate_fields(shops, field_names)
        for shop in shops:
            for name in PATTERNS[1:]:
                url = getattr(shop, name)
                if url and not is_url_pattern(url):
                    raise ValidationError(gettext(
                            'ecom_content.msg_url_pattern',
                            field=getattr(cls, name).string, url=url,
                            shop=shop.rec_name))
            url = shop.ecom_sitemap_url
            if url and not url.startswith(('https://', 'http://')):
                raise ValidationError(gettext(
                        'ecom_content.msg_sitemap_url', url=url,
                        shop=shop.rec_name))

    def ecom_language_codes(self):
        codes = [lang.code for lang in self.ecom_languages]
        if not codes:
            codes = [self.language.code if self.language else 'en']
        return codes

    def ecom_url(self, kind, slug, language):
        "The storefront address of a product, category, page or post"
        return fill_url(getattr(self, f'ecom_{kind}_url', None), slug,
            language)

    @staticmethod
    def ecom_slug_of(kind, record):
        if kind == 'product':
            return record.ecom_slug
        if kind == 'category':
            return slugify(record.name)
        return record.slug


class ShopLang(ModelSQL):
    "Web shop storefront language"
    __name__ = 'web.shop-ir.lang'
    __string__ = "Web Shop - Storefront Language"
    shop = fields.Many2One('web.shop', "Shop", required=True,
        ondelete='CASCADE')
    lang = fields.Many2One('ir.lang', "Language", required=True,
        ondelete='CASCADE')
