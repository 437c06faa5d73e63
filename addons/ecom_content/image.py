"""Images of the content (banners, covers, bodies): upstream product_image's
ImageMixin (converted to JPEG at most 2048 px on save, resized variants
made once and cached), with a name, an alt text and a company."""
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.product_image.product import ImageCacheMixin, ImageMixin
from trytond.transaction import Transaction

WIDTHS = (320, 640, 1280)


class Image(ImageMixin, ModelSQL, ModelView):
    "Content image"
    __name__ = 'ecom.content.image'
    __string__ = "Content Image"
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    cache = fields.One2Many('ecom.content.image.cache', 'content_image',
        "Cache", readonly=True)
    insert = fields.Function(fields.Char("Insert in a Body"), 'get_insert')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.description.string = "Alt Text"
        cls.description.help = ("Describes the image for people who cannot "
            "see it and for search engines.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_insert(self, name):
        return f'![{self.description or self.name}](image:{self.id})'

    def _store_cache(self, size, image):
        cache = super()._store_cache(size, image)
        cache.content_image = self
        return cache


class ImageCache(ImageCacheMixin, ModelSQL):
    "Content image variant"
    __name__ = 'ecom.content.image.cache'
    __string__ = "Content Image Variant"
    content_image = fields.Many2One('ecom.content.image', "Image",
        required=True, ondelete='CASCADE')
