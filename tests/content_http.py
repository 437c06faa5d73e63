"""The headless content API over real HTTP (mixed into the intake HTTP test:
its demo database, built with the demo's pages, posts, banners and menu,
and its server)."""
import datetime as dt
import json
import os
import urllib.error
import urllib.request

from lxml import etree

from tests.server import ROOT

SITE = 'https://alpine-outfitters.example'
XSD = os.path.join(ROOT, 'addons', 'ecom_content', 'tests')
SITEMAP = '{http://www.sitemaps.org/schemas/sitemap/0.9}'


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class ContentHTTPTests:
    "GET …/content/…, sitemap.xml, robots.txt, redirects of the web shop"

    def content_get(self, path, key=None, headers=None, channel=None):
        "(status, headers, body) of a GET of path (/…) of the app channel"
        request = urllib.request.Request(
            f"{self.server.url}{self.database}/ecom/v1/channels/"
            f"{channel or self.fx['app']}{path}",
            headers={'Authorization': f"Bearer {key or self.fx['app_key']}",
                **(headers or {})})
        try:
            with _opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def content_json(self, path, status=200, **kwargs):
        code, _headers, body = self.content_get(path, **kwargs)
        self.assertEqual(code, status, (path, body[:300]))
        return json.loads(body)

    def assert_content_error(self, path, status, field, **kwargs):
        errors = self.content_json(path, status, **kwargs)['errors']
        self.assertIn(field, [e['field'] for e in errors], errors)

    def content_rpc(self, method, *params):
        "A call of ecom.content.page as the admin, in its company"
        context = self.rpc('model.res.user.get_preferences', True, {})
        return self.rpc(f'model.ecom.content.page.{method}', *params,
            context)

    def content_page_id(self, slug):
        pages = self.content_rpc('search', [('slug', '=', slug)], 0, 1,
            None)
        self.assertEqual(len(pages), 1, slug)
        return pages[0]

    def test_content_pages_languages_etag(self):
        "Pages by slug per language, alternates, ETag and 304, bad input"
        listing = self.content_json('/content/pages?per_page=2')
        self.assertEqual((listing['total'], listing['pages'],
                len(listing['items'])), (5, 3, 2))
        code, headers, body = self.content_get('/content/pages/'
            'shipping-policy')
        self.assertEqual(code, 200, body)
        page = json.loads(body)
        self.assertEqual(page['title'], "Shipping policy")
        self.assertIn('<td>Spain</td>', page['body_html'])
        self.assertIn('<strong>60 EUR</strong>', page['body_html'])
        self.assertEqual(page['alternates'],
            {'en': 'shipping-policy', 'es': 'politica-de-envios'})
        self.assertIn('max-age=60', headers['Cache-Control'])
        code, _again, body = self.content_get(
            '/content/pages/shipping-policy',
            headers={'If-None-Match': headers['ETag']})
        self.assertEqual((code, body), (304, b''))
        spanish = self.content_json(
            '/content/pages/politica-de-envios?lang=es')
        self.assertEqual((spanish['title'], spanish['language']),
            ("Política de envíos", 'es'))
        self.assertIn('<td>España</td>', spanish['body_html'])
        self.assert_content_error('/content/pages/politica-de-envios',
            404, 'slug')
        self.assert_content_error('/content/pages/about-us?lang=fr', 400,
            'lang')
        self.assert_content_error('/content/pages?per_page=1000', 400,
            'per_page')
        self.assert_content_error('/content/pages/about-us', 401,
            'Authorization', key='ek_deadbeef_nope')
        # another channel's key, and the other company's channel
        self.assert_content_error('/content/pages', 403, 'channel',
            channel=self.fx['other'])

    def test_content_renamed_slug_redirects(self):
        "An old slug answers 301 to the new one and is in the redirects feed"
        page = self.content_page_id('legal-notice')
        self.content_rpc('write', [page],
            {'slug': 'legal'})
        try:
            code, headers, body = self.content_get(
                '/content/pages/legal-notice?lang=en')
            self.assertEqual(code, 301, body)
            self.assertTrue(headers['Location'].endswith(
                    '/content/pages/legal?lang=en'), headers['Location'])
            self.assertEqual(json.loads(body)['slug'], 'legal')
            moved = self.content_json('/content/pages/legal')
            self.assertEqual(moved['id'], page)
            feed = self.content_json('/redirects')['items']
            self.assertIn({'from': f'{SITE}/en/legal-notice',
                    'to': f'{SITE}/en/legal', 'status': 301}, feed)
        finally:
            self.content_rpc('write', [page],
                {'slug': 'legal-notice'})
        self.content_json('/content/pages/legal-notice')

    def test_content_unpublished_never_served(self):
        "Draft, not yet and no longer: 404; live only in its window"
        shop = self.read('ecom.channel', [self.fx['app']], ['shop'])[0][
            'shop']
        page, = self.content_rpc('create', [{
                    'shop': shop, 'title': "Secret sale",
                    'body': "Coming soon"}])
        try:
            self.assert_content_error('/content/pages/secret-sale', 404,
                'slug')
            later = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self.content_rpc('write', [page], {
                    'published_from': {'__class__': 'datetime',
                        'year': later.year + 1, 'month': 1, 'day': 1,
                        'hour': 0, 'minute': 0, 'second': 0,
                        'microsecond': 0}})
            self.content_rpc('schedule', [page])
            self.assert_content_error('/content/pages/secret-sale', 404,
                'slug')
            self.content_rpc('write', [page], {
                    'published_from': {'__class__': 'datetime',
                        'year': later.year - 1, 'month': 1, 'day': 1,
                        'hour': 0, 'minute': 0, 'second': 0,
                        'microsecond': 0}})
            self.assertEqual(self.content_json(
                    '/content/pages/secret-sale')['id'], page)
            # not translated: the Spanish storefront gets the English text
            spanish = self.content_json('/content/pages/secret-sale?lang=es')
            self.assertEqual((spanish['title'], spanish['language']),
                ("Secret sale", 'es'))
            self.content_rpc('archive', [page])
            self.assert_content_error('/content/pages/secret-sale', 404,
                'slug')
        finally:
            state, = self.content_rpc('read', [page], ['state'])
            if state['state'] != 'draft':
                self.content_rpc('draft', [page])
            self.content_rpc('delete', [page])

    def test_content_banners(self):
        "Live banners of a placement; the scheduled one is not served yet"
        hero = self.content_json('/content/banners?placement=home_hero')
        titles = [b['title'] for b in hero['items']]
        self.assertIn("Winter collection", titles)
        winter = hero['items'][titles.index("Winter collection")]
        self.assertEqual(winter['link']['kind'], 'category')
        self.assertTrue(winter['link']['url'].startswith(f'{SITE}/en/c/'))
        self.assertIn('640w', winter['image']['srcset'])
        self.assertEqual(self.content_json(
                '/content/banners?placement=checkout_notice')['items'], [])
        spanish = self.content_json(
            '/content/banners?placement=home_hero&lang=es')
        self.assertIn("Colección de invierno",
            [b['title'] for b in spanish['items']])
        self.assert_content_error('/content/banners', 400, 'placement')
        self.assert_content_error('/content/banners?placement=Home%20Hero',
            400, 'placement')

    def test_content_posts_menu_images(self):
        "Posts by tag and category, a post with its cover, the menu, images"
        posts = self.content_json('/content/posts')
        self.assertEqual(posts['total'], 5)
        dates = [p['published_from'] for p in posts['items']]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual([p['slug'] for p in self.content_json(
                    '/content/posts?tag=boots')['items']],
            ['how-to-choose-hiking-boots'])
        self.assertEqual(self.content_json(
                '/content/posts?category=guides')['total'], 3)
        self.assert_content_error('/content/posts?tag=Bad%20Tag', 400, 'tag')
        post = self.content_json('/content/posts/how-to-choose-hiking-boots')
        self.assertEqual(post['author'], "Marta Manager")
        self.assertIn(post['cover']['url'], post['body_html'])
        cover = post['cover']['url'].split(f"/channels/{self.fx['app']}")[1]
        code, headers, body = self.content_get(cover)
        self.assertEqual((code, headers['Content-Type'], body[:2]),
            (200, 'image/jpeg', b'\xff\xd8'))
        self.assert_content_error(cover.replace('640', '100'), 400,
            'width')
        self.assert_content_error('/content/images/99999999', 404, 'image')

        menu = self.content_json('/content/menus/main')
        self.assertEqual([i['label'] for i in menu['items']],
            ["Shop", "Blog", "Help"])
        self.assertTrue(menu['items'][0]['children'])
        help_ = menu['items'][2]['children']
        self.assertEqual(help_[1]['link']['url'],
            f'{SITE}/en/shipping-policy')
        spanish = self.content_json('/content/menus/main?lang=es')
        self.assertEqual(spanish['items'][2]['children'][1]['link']['url'],
            f'{SITE}/es/politica-de-envios')
        self.assertEqual(spanish['items'][0]['label'], "Tienda")
        self.assert_content_error('/content/menus/nope', 404, 'code')

    def test_sitemap_and_robots(self):
        "The sitemap validates against the protocol's XSD, with alternates"
        code, headers, body = self.content_get('/sitemap.xml')
        self.assertEqual(code, 200, body)
        self.assertTrue(headers['Content-Type'].startswith('application/xml'))
        document = etree.fromstring(body)
        etree.XMLSchema(etree.parse(os.path.join(
                    XSD, 'sitemap-hreflang.xsd'))).assertValid(document)
        locs = [e.text for e in document.iter(f'{SITEMAP}loc')]
        self.assertIn(f'{SITE}/es/politica-de-envios', locs)
        self.assertIn(f'{SITE}/en/blog/how-to-choose-hiking-boots', locs)
        # the product page pattern another test may have changed
        shop, = self.read('ecom.channel', [self.fx['app']], ['shop'])
        pattern, = self.read('web.shop', [shop['shop']],
            ['ecom_product_url'])
        prefix = pattern['ecom_product_url'].split('{slug}')[0]
        self.assertTrue(any(loc.startswith(prefix) for loc in locs), prefix)
        self.assertEqual(self.content_get('/sitemap.xml', headers={
                    'If-None-Match': headers['ETag']})[0], 304)
        self.assert_content_error('/sitemap.xml?page=2', 404, 'page')
        code, _, robots = self.content_get('/robots.txt')
        self.assertEqual(code, 200)
        self.assertIn(b'Disallow: /checkout', robots)
        self.assertIn(f'Sitemap: {SITE}/sitemap.xml'.encode(), robots)
