"Content: sanitiser, slugs and redirects, schedule, banners, sitemap, SEO"
import datetime as dt
import os

from lxml import etree
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import body, sitemap
from ..content import now

HERE = os.path.dirname(__file__)
# (Markdown or HTML typed by staff, what must not survive, what must)
SANITISER = [
    ("<script>alert(1)</script>Hello", '<script', 'Hello'),
    ('<p onclick="steal()">Hi</p>', 'onclick', '<p>Hi</p>'),
    ('<img src="image:4" onerror="steal()">', 'onerror', 'src="image:4"'),
    ('<a href="javascript:alert(1)">x</a>', 'javascript:', '>x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', 'alert', '>x</a>'),
    ("[x](javascript:alert(1))", 'href="javascript', 'x'),
    ('<iframe src="https://evil.example"></iframe>ok', 'iframe', 'ok'),
    ('<style>body{display:none}</style>ok', 'display', 'ok'),
    ('<form action="/x"><input name="a"></form>ok', '<input', 'ok'),
    ('<a href="https://x.example" target="_blank">y</a>', 'target',
        'rel="noopener noreferrer"'),
    ('<svg onload="steal()"></svg>ok', 'svg', 'ok'),
    ("## Title\n\n**bold** and [link](https://a.example)", '<script',
        '<h2>Title</h2>'),
    ("| a | b |\n|---|---|\n| 1 | 2 |", '<script', '<td>1</td>'),
    ]


def _shop(company):
    pool = Pool()
    Shop = pool.get('web.shop')
    Lang = pool.get('ir.lang')
    langs = Lang.search([('code', 'in', ['en', 'es'])])
    Lang.write(langs, {'translatable': True})
    shop, = Shop.create([{'name': "Shop", 'company': company.id,
                'currency': company.currency.id,
                'ecom_page_url': 'https://shop.example/{lang}/{slug}',
                'ecom_post_url': 'https://shop.example/{lang}/blog/{slug}',
                'ecom_sitemap_url': 'https://shop.example/sitemap.xml',
                'ecom_languages': [('add', [l.id for l in langs])]}])
    return shop


class EcomContentTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce content module"
    module = 'ecom_content'

    def test_sanitiser(self):
        "Scripts, event attributes and javascript: URLs never survive"
        for text, gone, kept in SANITISER:
            html, _, refused = body.render(text)
            self.assertNotIn(gone, html.lower(), text)
            self.assertIn(kept, html, text)
            self.assertEqual(refused, [], text)
        _, _, refused = body.render("![a](https://evil.example/a.png)")
        self.assertEqual(refused, ['https://evil.example/a.png'])

    @with_transaction()
    def test_page_slugs_and_redirects(self):
        "A renamed slug redirects, per language; bad slugs name the field"
        pool = Pool()
        Page = pool.get('ecom.content.page')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            page, = Page.create([{'shop': shop.id, 'title': "Shipping",
                        'body': "Free **over 50 EUR**"}])
            self.assertEqual(page.slug, 'shipping')
            self.assertIn('<strong>over 50 EUR</strong>', page.body_html)
            with Transaction().set_context(language='es'):
                Page.write([page], {'title': "Envíos", 'slug': 'envios',
                        'body': "Gratis"})
            Page.publish([page])
            Page.write([page], {'slug': 'shipping-policy'})
            self.assertEqual(Page.resolve(shop, 'shipping'), (page, True))
            self.assertEqual(Page.resolve(shop, 'shipping-policy'),
                (page, False))
            with Transaction().set_context(language='es'):
                self.assertEqual(Page.resolve(shop, 'envios'), (page, False))
                # a draft's addresses were never served: no redirect
                self.assertEqual(Page.resolve(shop, 'shipping'),
                    (None, False))
                self.assertEqual(Page.resolve(shop, 'shipping-policy'),
                    (None, False))
                self.assertEqual(Page(page.id).body_html, '<p>Gratis</p>\n')

            for values, words in [
                    ({'slug': 'Bad Slug'}, ['Slug', 'Bad Slug']),
                    ({'body': '![x](https://evil.example/x.png)'},
                        ['Body', 'https://evil.example/x.png', 'by id']),
                    ({'body': '![x](image:999999)'}, ['Body', '999999']),
                    ]:
                with self.assertRaises(ValidationError) as cm:
                    Page.create([dict({'shop': shop.id, 'title': "X"},
                                **values)])
                for word in words:
                    self.assertIn(word, cm.exception.message)
            with self.assertRaises(ValidationError) as cm:
                Page.create([{'shop': shop.id, 'title': "Other",
                            'slug': 'shipping-policy'}])
            self.assertIn('Shipping', cm.exception.message)

    @with_transaction()
    def test_schedule(self):
        "Scheduled content goes live at its time and leaves at its end"
        pool = Pool()
        Page = pool.get('ecom.content.page')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            page, = Page.create([{'shop': shop.id, 'title': "Sale"}])
            with self.assertRaises(ValidationError) as cm:
                Page.schedule([page])
            self.assertIn('Published From', cm.exception.message)
            soon = now() + dt.timedelta(hours=1)
            Page.write([page], {'published_from': soon,
                    'published_until': soon + dt.timedelta(days=1)})
            Page.schedule([page])
            self.assertEqual(Page.resolve(shop, 'sale'), (None, False))
            self.assertEqual(Page.resolve(shop, 'sale',
                    at=soon + dt.timedelta(minutes=1)), (page, False))
            self.assertFalse(Page.search([('live', '=', True)]))
            Page.write([page], {'published_from': now()
                    - dt.timedelta(minutes=1)})
            Page.update_states()
            self.assertEqual((page.state, page.live), ('published', True))
            Page.write([page], {'published_until': now()})
            Page.update_states()
            self.assertEqual(page.state, 'archived')

    @with_transaction()
    def test_sitemap_valid_and_split(self):
        "The sitemap validates against the protocol's XSD, split past max"
        pool = Pool()
        Page = pool.get('ecom.content.page')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            pages = Page.create([{'shop': shop.id, 'title': f"Page {i}"}
                    for i in range(5)])
            with Transaction().set_context(language='es'):
                Page.write(pages[:1], {'slug': 'pagina-0'})
            Page.publish(pages)
            items = sitemap.entries(shop)
            self.assertEqual(len(items), 5)
            schema = etree.XMLSchema(etree.parse(
                    os.path.join(HERE, 'sitemap-hreflang.xsd')))
            document = etree.fromstring(sitemap.sitemap(items))
            schema.assertValid(document)
            locs = document.findall(f'{{{sitemap.NS}}}url/{{{sitemap.NS}}}loc')
            self.assertIn('https://shop.example/es/pagina-0',
                [loc.text for loc in locs])
            self.assertEqual(len(locs), 10)
            alternates = document.findall(f'.//{{{sitemap.XHTML}}}link')
            self.assertEqual(len(alternates), 20)

            index = etree.fromstring(sitemap.sitemap(items,
                    index_url=shop.ecom_sitemap_url, max_urls=4))
            etree.XMLSchema(etree.parse(os.path.join(HERE,
                        'siteindex.xsd'))).assertValid(index)
            locs = [e.text for e in index.iter(f'{{{sitemap.NS}}}loc')]
            self.assertEqual(locs, [
                    f'https://shop.example/sitemap.xml?page={n}'
                    for n in (1, 2, 3)])
            total = 0
            for page in (1, 2, 3):
                part = etree.fromstring(sitemap.sitemap(items, page,
                        max_urls=4))
                schema.assertValid(part)
                total += len(part)
            self.assertEqual(total, 10)
            with self.assertRaises(IndexError):
                sitemap.sitemap(items, 4, max_urls=4)

    @with_transaction()
    def test_banners_live(self):
        "Banners by placement, language, priority, schedule and promotion"
        pool = Pool()
        Banner = pool.get('ecom.content.banner')
        Promotion = pool.get('sale.promotion')
        Lang = pool.get('ir.lang')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            es, = Lang.search([('code', '=', 'es')])
            promotion, = Promotion.create([{'name': "Sale",
                        'company': company.id, 'formula': 'unit_price',
                        'end_date': dt.date.today() + dt.timedelta(days=2)}])
            common = {'shop': shop.id, 'placement': 'home_hero'}
            low, high, spanish, sale, later = Banner.create([
                    dict(common, name="Low", priority=1),
                    dict(common, name="High", priority=20),
                    dict(common, name="Spanish", language=es.id),
                    dict(common, name="Sale", promotion=promotion.id),
                    dict(common, name="Later", published_from=now()
                        + dt.timedelta(days=7)),
                    ])
            Banner.publish([low, high, spanish, sale])
            Banner.schedule([later])
            names = [b.name for b in Banner.live_now(shop, 'home_hero', 'en')]
            self.assertEqual(names, ["High", "Sale", "Low"])
            self.assertIn("Spanish", [b.name for b in Banner.live_now(
                        shop, 'home_hero', 'es')])
            self.assertEqual(Banner.live_now(shop, 'checkout_notice', 'en'),
                [])
            Promotion.write([promotion], {'end_date': dt.date.today()
                    - dt.timedelta(days=1)})
            self.assertNotIn("Sale", [b.name for b in Banner.live_now(
                        shop, 'home_hero', 'en')])
            # a promotion ending at a moment takes its banner with it
            Promotion.write([promotion], {'end_date': None,
                    'ecom_ends': now() + dt.timedelta(hours=2)})
            self.assertIn("Sale", [b.name for b in Banner.live_now(
                        shop, 'home_hero', 'en')])
            self.assertNotIn("Sale", [b.name for b in Banner.live_now(
                        shop, 'home_hero', 'en',
                        at=now() + dt.timedelta(hours=3))])
            self.assertIn("Later", [b.name for b in Banner.live_now(
                        shop, 'home_hero', 'en',
                        at=now() + dt.timedelta(days=8))])
            for values, words in [
                    ({'placement': 'Home Hero'}, ['Placement', 'Home Hero']),
                    ({'link_kind': 'url', 'link_url': 'javascript:x()'},
                        ['URL', 'javascript:x()']),
                    ]:
                with self.assertRaises(ValidationError) as cm:
                    Banner.create([dict(common, name="Bad", **values)])
                for word in words:
                    self.assertIn(word, cm.exception.message)

    @with_transaction()
    def test_menu_tree_and_links(self):
        "A nested menu with links resolved to storefront addresses"
        pool = Pool()
        Menu = pool.get('ecom.content.menu')
        Page = pool.get('ecom.content.page')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            page, = Page.create([{'shop': shop.id, 'title': "About us"}])
            menu, = Menu.create([{'shop': shop.id, 'name': "Main",
                        'code': 'main', 'items': [('create', [
                                    {'label': "Help", 'sequence': 2,
                                        'children': [('create', [{
                                                        'label': "About",
                                                        'link_kind': 'page',
                                                        'link_page': page.id,
                                                        }])]},
                                    {'label': "Sale", 'sequence': 1,
                                        'link_kind': 'url',
                                        'link_url': '/sale'}])]}])
            tree = Menu(menu.id).tree('en')
            self.assertEqual([i['label'] for i in tree], ["Sale", "Help"])
            self.assertEqual(tree[1]['children'][0]['link'], {
                    'kind': 'page', 'id': page.id, 'slug': 'about-us',
                    'url': 'https://shop.example/en/about-us'})
            with self.assertRaises(ValidationError) as cm:
                Menu.create([{'shop': shop.id, 'name': "Again",
                            'code': 'main'}])
            self.assertIn('main', cm.exception.message)

    @with_transaction()
    def test_seo_check(self):
        "Missing descriptions, long titles, slugs shared across languages"
        pool = Pool()
        Page = pool.get('ecom.content.page')
        Issue = pool.get('ecom.content.seo_issue')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            good, long_, other = Page.create([
                    {'shop': shop.id, 'title': "Good",
                        'meta_description': "A fine description."},
                    {'shop': shop.id, 'title': "T" * 70,
                        'meta_description': "D" * 200},
                    {'shop': shop.id, 'title': "Other", 'slug': 'other',
                        'meta_description': "Other page."}])
            with Transaction().set_context(language='es'):
                # the Spanish slug of "Good" is the English one of "Other"
                Page.write([other], {'slug': 'otra',
                        'meta_description': "Otra página."})
                Page.write([good], {'slug': 'other',
                        'meta_description': "Buena descripción."})
                Page.write([long_], {'meta_description': "Corta."})
            Issue.refresh()
            found = {(i.record, i.language, i.problem)
                for i in Issue.search([])}
            self.assertEqual(found, {
                    (long_, 'en', 'title_long'),
                    (long_, 'es', 'title_long'),
                    (long_, 'en', 'meta_description_long'),
                    (good, 'es', 'slug_duplicate'),
                    (other, 'en', 'slug_duplicate'),
                    })

    @with_transaction()
    def test_preview(self):
        "The preview is the sanitised body in an HTML document"
        pool = Pool()
        Page = pool.get('ecom.content.page')
        Preview = pool.get('ecom.content.preview', type='report')
        company = create_company()
        with set_company(company):
            shop = _shop(company)
            page, = Page.create([{'shop': shop.id, 'title': "Returns",
                        'body': "# Returns\n\n<script>x()</script>30 days"}])
            kind, content, _, _name = Preview.execute([page.id],
                {'model': 'ecom.content.page'})
            self.assertEqual(kind, 'html')
            self.assertIn(b'<h1>Returns</h1>', content)
            self.assertIn(b'30 days', content)
            self.assertNotIn(b'<script', content)


del ModuleTestCase
