"""Blog posts: author, tags, categories, cover image, excerpt, related
products; published on their date by the content cron."""
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .content import ContentMixin, SlugMixin


class Post(SlugMixin, ContentMixin, ModelSQL, ModelView):
    "Blog post"
    __name__ = 'ecom.content.post'
    __string__ = "Blog Post"
    _redirect_field = 'post'
    _rec_name = 'title'
    redirects = fields.One2Many('ecom.content.redirect', 'post',
        "Old Slugs", readonly=True)
    author = fields.Many2One('res.user', "Author", required=True)
    tags = fields.Many2Many('ecom.content.post-tag', 'post', 'term', "Tags",
        domain=[('kind', '=', 'tag'), ('company', '=', Eval('company', -1))])
    categories = fields.Many2Many('ecom.content.post-category', 'post',
        'term', "Categories", domain=[('kind', '=', 'category'),
            ('company', '=', Eval('company', -1))])
    cover = fields.Many2One('ecom.content.image', "Cover Image",
        domain=[('company', '=', Eval('company', -1))])
    excerpt = fields.Text("Excerpt", translate=True,
        help="The summary of the post in lists.")
    products = fields.Many2Many('ecom.content.post-product.template',
        'post', 'template', "Related Products",
        context={'company': Eval('company', -1)}, depends={'company'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('published_from', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls.published_from.string = "Publish Date"

    @staticmethod
    def default_author():
        return Transaction().user


class PostTag(ModelSQL):
    "Blog post tag"
    __name__ = 'ecom.content.post-tag'
    __string__ = "Blog Post - Tag"
    post = fields.Many2One('ecom.content.post', "Post", required=True,
        ondelete='CASCADE')
    term = fields.Many2One('ecom.content.term', "Tag", required=True,
        ondelete='CASCADE')


class PostCategory(ModelSQL):
    "Blog post category"
    __name__ = 'ecom.content.post-category'
    __string__ = "Blog Post - Category"
    post = fields.Many2One('ecom.content.post', "Post", required=True,
        ondelete='CASCADE')
    term = fields.Many2One('ecom.content.term', "Category", required=True,
        ondelete='CASCADE')


class PostProduct(ModelSQL):
    "Blog post product"
    __name__ = 'ecom.content.post-product.template'
    __string__ = "Blog Post - Product"
    post = fields.Many2One('ecom.content.post', "Post", required=True,
        ondelete='CASCADE')
    template = fields.Many2One('product.template', "Product", required=True,
        ondelete='CASCADE')
