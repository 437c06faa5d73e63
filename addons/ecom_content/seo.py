"""SEO check: what a search engine would show badly, listed for the staff
(E-commerce > Content > SEO Check), refreshed by the *Check SEO* wizard
and daily by cron: missing meta description, title or meta description
too long, the same slug on two pages (or posts) in different languages,
published products whose images have no alt text, banners without one."""
from collections import defaultdict

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_catalog.product import (
    META_DESCRIPTION_LENGTH,
    META_TITLE_LENGTH,
)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import StateAction, StateTransition, Wizard

from .content import languages_of

PROBLEMS = [
    ('meta_description_missing', "Meta description missing"),
    ('meta_description_long', "Meta description too long"),
    ('title_long', "Title too long"),
    ('slug_duplicate', "Same slug in another language"),
    ('image_alt_missing', "Image without alt text"),
    ]
RECORDS = [
    ('ecom.content.page', "Page"),
    ('ecom.content.post', "Post"),
    ('ecom.content.banner', "Banner"),
    ('product.template', "Product"),
    ]


class SEOIssue(ModelSQL, ModelView):
    "SEO issue"
    __name__ = 'ecom.content.seo_issue'
    __string__ = "SEO Issue"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    record = fields.Reference("Record", RECORDS, readonly=True)
    language = fields.Char("Language", readonly=True)
    problem = fields.Selection(PROBLEMS, "Problem", readonly=True)
    detail = fields.Char("Detail", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('problem', 'ASC'), ('id', 'ASC')]

    @classmethod
    def refresh(cls, companies=None):
        "Check the content and products of the companies again"
        pool = Pool()
        Company = pool.get('company.company')
        if companies is None:
            companies = Company.search([])
        for company in companies:
            with Transaction().set_context(company=company.id):
                issues = list(cls._issues(company))
            cls.delete(cls.search([('company', '=', company.id)]))
            cls.create([dict(i, company=company.id) for i in issues])

    @classmethod
    def _issues(cls, company):
        pool = Pool()
        for model in ['ecom.content.page', 'ecom.content.post']:
            Model = pool.get(model)
            records = Model.search([('company', '=', company.id),
                    ('state', '!=', 'archived')])
            slugs = defaultdict(dict)
            for lang, ids in sorted(languages_of(records).items()):
                with Transaction().set_context(language=lang):
                    for record in Model.browse(ids):
                        ref = f'{model},{record.id}'
                        slugs[(record.shop.id, record.slug)].setdefault(
                            record.id, (ref, lang))
                        title = record.meta_title or record.title or ''
                        description = record.meta_description or ''
                        if not description:
                            yield {'record': ref, 'language': lang,
                                'problem': 'meta_description_missing'}
                        elif len(description) > META_DESCRIPTION_LENGTH:
                            yield {'record': ref, 'language': lang,
                                'problem': 'meta_description_long',
                                'detail': f"{len(description)} > "
                                f"{META_DESCRIPTION_LENGTH}"}
                        if len(title) > META_TITLE_LENGTH:
                            yield {'record': ref, 'language': lang,
                                'problem': 'title_long',
                                'detail': f"{len(title)} > {META_TITLE_LENGTH}"}
            for (_, slug), users in sorted(slugs.items(), key=str):
                if len(users) > 1:
                    for ref, lang in users.values():
                        yield {'record': ref, 'language': lang,
                            'problem': 'slug_duplicate', 'detail': slug}
        yield from cls._image_issues(company)

    @classmethod
    def _image_issues(cls, company):
        pool = Pool()
        Image = pool.get('product.image')
        Banner = pool.get('ecom.content.banner')
        seen = set()
        for image in Image.search([('template.products.web_shops.company',
                        '=', company.id),
                    ['OR', ('description', '=', None),
                        ('description', '=', '')]],
                order=[('template', 'ASC'), ('id', 'ASC')]):
            if image.template.id not in seen:
                seen.add(image.template.id)
                yield {'record': f'product.template,{image.template.id}',
                    'problem': 'image_alt_missing',
                    'detail': image.template.code or image.template.name}
        for banner in Banner.search([('company', '=', company.id),
                    ('state', '!=', 'archived'), ('image', '!=', None)]):
            if not (banner.alt or banner.image.description):
                yield {'record': f'ecom.content.banner,{banner.id}',
                    'problem': 'image_alt_missing', 'detail': banner.name}

    @classmethod
    def check_all(cls):
        "Cron: the daily SEO check"
        cls.refresh()


class SEOCheck(Wizard):
    "Check SEO"
    __name__ = 'ecom.content.seo_check'
    __string__ = "Check SEO"
    start = StateTransition()
    open_ = StateAction('ecom_content.act_seo_issue')

    def transition_start(self):
        pool = Pool()
        SEOIssue = pool.get('ecom.content.seo_issue')
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        SEOIssue.refresh(Company.browse([company]) if company else None)
        return 'open_'
