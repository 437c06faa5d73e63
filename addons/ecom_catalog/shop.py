from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import PoolMeta


def is_url_pattern(url):
    "An http(s) address with {slug} where a slug goes"
    return url.startswith(('https://', 'http://')) and '{slug}' in url


def fill_url(pattern, slug, language=None):
    """The address pattern gives for slug ({lang}: language's code), or
    None without a pattern or a slug"""
    if not pattern or not slug:
        return None
    if language:
        pattern = pattern.replace('{lang}', language[:2])
    return pattern.replace('{slug}', slug)


class Shop(metaclass=PoolMeta):
    __name__ = 'web.shop'

    ecom_product_url = fields.Char(
        "Product Page URL",
        help="The storefront's address of a product page, with {slug} "
        "where the product's slug goes, e.g. "
        "https://shop.example/products/{slug}. Used by the Google "
        "Merchant feed.")

    def ecom_feed_price_list(self, group=None):
        """The price list of the feeds for a customer group (None: the
        shop's own); KeyError when the shop does not know the group"""
        if group is not None:
            raise KeyError(group)
        return getattr(self, 'sale_price_list', None)

    @classmethod
    def validate_fields(cls, shops, field_names):
        super().validate_fields(shops, field_names)
        if field_names and 'ecom_product_url' not in field_names:
            return
        for shop in shops:
            url = shop.ecom_product_url
            if url and not is_url_pattern(url):
                raise ValidationError(gettext(
                        'ecom_catalog.msg_product_url_invalid',
                        shop=shop.rec_name, url=url))
