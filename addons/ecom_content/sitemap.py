"""sitemap.xml of a web shop (the sitemaps.org protocol 0.9): its
published products, categories, live pages and posts, each address in
every storefront language with the others as hreflang alternates (Google's
xhtml:link); past 50,000 addresses an index of numbered sitemaps, as the
protocol requires. Also robots.txt and the redirects feed."""
import datetime as dt

from lxml import etree
from sql import Null
from sql.aggregate import Max
from sql.conditionals import Coalesce
from trytond.pool import Pool
from trytond.transaction import Transaction

from .content import live_domain

NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
XHTML = 'http://www.w3.org/1999/xhtml'
MAX_URLS = 50_000


def _products(shop):
    "(template id, slug, last change) of the shop's published products"
    pool = Pool()
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    Relation = pool.get('web.shop-product.product')
    relation, product = Relation.__table__(), Product.__table__()
    template = Template.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*relation.join(product,
            condition=relation.product == product.id).join(template,
            condition=product.template == template.id).select(
            template.id, template.ecom_slug,
            Max(Coalesce(template.write_date, template.create_date)),
            where=(relation.shop == shop.id) & product.active
            & template.active & (template.ecom_slug != Null),
            group_by=[template.id, template.ecom_slug],
            order_by=[template.id]))
    # SQLite answers the aggregate of timestamps as text
    return [(i, slug, dt.datetime.fromisoformat(changed)
            if isinstance(changed, str) else changed)
        for i, slug, changed in cursor]


def _changed(record):
    return record.write_date or record.create_date


def entries(shop, at=None):
    """[(url per language {code: url}, last change)] of everything the
    sitemap lists, in a stable order"""
    pool = Pool()
    languages = shop.ecom_language_codes()
    result = []
    if shop.ecom_product_url:
        for _, slug, changed in _products(shop):
            result.append(({lang: shop.ecom_url('product', slug, lang)
                        for lang in languages}, changed))
    if shop.ecom_category_url:
        categories = list(shop.categories)
        slugs = {}
        for lang in languages:
            with Transaction().set_context(language=lang):
                for category in pool.get('product.category').browse(
                        categories):
                    slugs.setdefault(category.id, {})[lang] = shop.ecom_url(
                        'category', shop.ecom_slug_of('category', category),
                        lang)
        for category in categories:
            result.append((slugs[category.id], _changed(category)))
    for kind, model in [('page', 'ecom.content.page'),
            ('post', 'ecom.content.post')]:
        if not getattr(shop, f'ecom_{kind}_url'):
            continue
        Model = pool.get(model)
        records = Model.search([('shop', '=', shop.id)] + live_domain(at),
            order=[('id', 'ASC')])
        slugs = {}
        for lang in languages:
            with Transaction().set_context(language=lang):
                for record in Model.browse(records):
                    slugs.setdefault(record.id, {})[lang] = shop.ecom_url(
                        kind, record.slug, lang)
        for record in records:
            result.append((slugs[record.id], _changed(record)))
    return result


def _lastmod(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S+00:00') if value else None


def urlset(items):
    "The <urlset> of items (bytes)"
    root = etree.Element(f'{{{NS}}}urlset', nsmap={None: NS, 'xhtml': XHTML})
    for urls, changed in items:
        distinct = sorted(set(urls.values()))
        for lang, url in sorted(urls.items()):
            if len(distinct) == 1 and lang != min(urls):
                continue
            node = etree.SubElement(root, f'{{{NS}}}url')
            etree.SubElement(node, f'{{{NS}}}loc').text = url
            if (lastmod := _lastmod(changed)):
                etree.SubElement(node, f'{{{NS}}}lastmod').text = lastmod
            if len(distinct) > 1:
                for other, href in sorted(urls.items()):
                    etree.SubElement(node, f'{{{XHTML}}}link', rel='alternate',
                        hreflang=other[:2], href=href)
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8')


def count(items):
    return sum(len(set(u.values())) == 1 or len(u) for u, _ in items)


def split(items, max_urls=MAX_URLS):
    """items in parts of at most max_urls addresses (an item's languages
    stay in one part)"""
    chunks, current, size = [], [], 0
    for item in items:
        n = count([item])
        if current and size + n > max_urls:
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += n
    chunks.append(current)
    return chunks


def sitemap(items, page=None, index_url=None, max_urls=MAX_URLS):
    """The sitemap (bytes) of items: one <urlset> when they fit, else the
    <sitemapindex> of index_url?page=N (page None) or page N's <urlset>;
    raises IndexError for a page past the last"""
    chunks = split(items, max_urls)
    if page is None and len(chunks) == 1:
        return urlset(chunks[0])
    if page is None:
        root = etree.Element(f'{{{NS}}}sitemapindex', nsmap={None: NS})
        for number, chunk in enumerate(chunks, 1):
            node = etree.SubElement(root, f'{{{NS}}}sitemap')
            etree.SubElement(node, f'{{{NS}}}loc').text = (
                f'{index_url}?page={number}')
            changes = [c for _, c in chunk if c]
            if changes:
                etree.SubElement(node, f'{{{NS}}}lastmod').text = _lastmod(
                    max(changes))
        return etree.tostring(root, xml_declaration=True, encoding='UTF-8')
    if not 1 <= page <= len(chunks):
        raise IndexError(page)
    return urlset(chunks[page - 1])


def robots(shop):
    text = (shop.ecom_robots or 'User-agent: *\nAllow: /').rstrip('\n')
    if shop.ecom_sitemap_url:
        text += f'\n\nSitemap: {shop.ecom_sitemap_url}'
    return text + '\n'


def redirects(shop):
    """[{from, to, status}] of every old slug of the shop: products'
    (ecom_catalog), pages' and posts' in each language"""
    pool = Pool()
    SlugRedirect = pool.get('ecom.catalog.slug_redirect')
    Redirect = pool.get('ecom.content.redirect')
    languages = shop.ecom_language_codes()
    result = []
    if shop.ecom_product_url:
        published = {t for t, _, _ in _products(shop)}
        for redirect in SlugRedirect.search([
                    ('template', 'in', sorted(published))],
                order=[('slug', 'ASC')]):
            for lang in languages:
                old = shop.ecom_url('product', redirect.slug, lang)
                new = shop.ecom_url('product', redirect.template.ecom_slug,
                    lang)
                if old != new:
                    result.append({'from': old, 'to': new, 'status': 301})
    for kind in ['page', 'post']:
        if not getattr(shop, f'ecom_{kind}_url'):
            continue
        for redirect in Redirect.search([(f'{kind}.shop', '=', shop.id)]
                + live_domain(prefix=f'{kind}.'),
                order=[('id', 'ASC')]):
            lang = redirect.language or languages[0]
            with Transaction().set_context(language=lang):
                target = pool.get(f'ecom.content.{kind}')(
                    getattr(redirect, kind).id)
                new = shop.ecom_url(kind, target.slug, lang)
            old = shop.ecom_url(kind, redirect.slug, lang)
            if old != new:
                result.append({'from': old, 'to': new, 'status': 301})
    return _dedupe(result)


def _dedupe(items):
    seen, result = set(), []
    for item in items:
        if item['from'] not in seen:
            seen.add(item['from'])
            result.append(item)
    return result
