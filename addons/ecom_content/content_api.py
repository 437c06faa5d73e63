"""The headless content API of a channel's web shop (GET, the channel's API
key, read-only; ETag and 304; JSON errors naming the parameter):

GET /<db>/ecom/v1/channels/<id>/content/pages[?lang=&page=&per_page=]
GET …/content/pages/<slug>[?lang=]      301 to the new slug for an old one
GET …/content/posts[?lang=&tag=&category=&page=&per_page=]
GET …/content/posts/<slug>[?lang=]      301 to the new slug for an old one
GET …/content/banners?placement=<key>[&lang=]   live now, by priority
GET …/content/menus/<code>[?lang=]      nested items
GET …/content/images/<id>[?width=320|640|1280]  JPEG
GET …/sitemap.xml[?page=N]  GET …/robots.txt  GET …/redirects

Only what is live (scheduled or published, its time come and not gone) is
ever served; ``lang`` is one of the shop's storefront languages (default:
the first), a text missing in it falls back to the default language."""
import json
import math
from urllib.parse import quote

from trytond.modules.ecom_catalog.product import SLUG
from trytond.modules.ecom_orders.api import (
    IntakeError,
    contribute,
    etag_answer,
    query_int,
    shop_get,
)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_pool
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import body as body_format
from . import sitemap as sitemap_format
from .banner import PLACEMENT
from .content import live_domain
from .image import WIDTHS

contribute(__file__)
BASE = '/<database_name>/ecom/v1/channels/<int:channel_id>/'
CONTENT_CACHE = 'private, max-age=60'
MAX_PER_PAGE = 100
SLUG_REASON = "is a slug: lower-case letters, digits and hyphens"


def _json(request, data, status=200, headers=None):
    body = json.dumps(data, sort_keys=True, default=str,
        ensure_ascii=False).encode('utf-8')
    if status != 200:
        return Response(body, status=status, headers=headers,
            content_type='application/json')
    return etag_answer(request, body, 'application/json', CONTENT_CACHE)


def _language(request, shop):
    codes = shop.ecom_language_codes()
    lang = request.args.get('lang', codes[0])
    if lang not in codes:
        raise IntakeError(400, [('lang', (f"{lang!r} is not a language of "
                        f"this shop ({', '.join(codes)})"))], 'bad_request')
    return lang


def _key(request, name, pattern, reason, required=False):
    "The query parameter name matching pattern, or 400 naming it"
    value = request.args.get(name)
    if (value is not None or required) and not pattern.match(value or ''):
        raise IntakeError(400, [(name, reason)], 'bad_request')
    return value


def get(path, what):
    "Route GET BASE + path to handler(request, shop, lang, **arguments)"
    def decorator(handler):
        @app.route(BASE + path, methods={'GET'})
        @with_pool
        def endpoint(request, pool, channel_id, **arguments):
            def build(shop):
                lang = _language(request, shop)
                with Transaction().set_context(language=lang):
                    return handler(request, shop, lang, **arguments)
            return shop_get(request, pool, channel_id, build, what)
        endpoint.__name__ = f'content_{handler.__name__}'
        return endpoint
    return decorator


def _image_url(request, image_id, width=640):
    return (f"{request.url_root.rstrip('/')}{_api_root(request)}"
        f"content/images/{image_id}?width={width}")


def _api_root(request):
    "/<db>/ecom/v1/channels/<id>/ of the request"
    head, _, tail = request.path.partition('/ecom/v1/channels/')
    return f"{head}/ecom/v1/channels/{tail.split('/')[0]}/"


def _image(request, image, alt=None):
    if not image:
        return None
    return {'id': image.id, 'alt': alt or image.description or '',
        'url': _image_url(request, image.id),
        'srcset': ', '.join(f'{_image_url(request, image.id, w)} {w}w'
            for w in WIDTHS)}


def _alternates(record, shop):
    Model = record.__class__
    result = {}
    for code in shop.ecom_language_codes():
        with Transaction().set_context(language=code):
            result[code] = Model(record.id).slug
    return result


def _common(request, record, shop, lang):
    return {
        'id': record.id, 'slug': record.slug, 'language': lang,
        'title': record.title,
        'meta_title': record.meta_title or record.title,
        'meta_description': record.meta_description or '',
        'body_html': body_format.resolve_images(record.body_html,
            lambda i: _image_url(request, i)),
        'published_from': record.published_from,
        'updated': record.write_date or record.create_date,
        'alternates': _alternates(record, shop),
        }


def _post_summary(request, post, shop, lang):
    return {'id': post.id, 'slug': post.slug, 'title': post.title,
        'excerpt': post.excerpt or '', 'published_from': post.published_from,
        'author': post.author.name,
        'cover': _image(request, post.cover),
        'tags': [{'slug': t.slug, 'name': t.name} for t in post.tags],
        'categories': [{'slug': t.slug, 'name': t.name}
            for t in post.categories]}


def _paged(request, Model, domain, item):
    page = query_int(request, 'page', 1, 1, 10**6)
    per_page = query_int(request, 'per_page', 20, 1, MAX_PER_PAGE)
    total = Model.search_count(domain)
    records = Model.search(domain, offset=(page - 1) * per_page,
        limit=per_page)
    return {'page': page, 'per_page': per_page, 'total': total,
        'pages': max(1, math.ceil(total / per_page)),
        'items': [item(r) for r in records]}


def _by_slug(request, Model, shop, lang, slug, answer):
    record, redirected = Model.resolve(shop, slug)
    if record is None:
        raise IntakeError(404, [('slug', (f"no live content {slug!r} in "
                    f"language {lang!r}"))], 'not_found')
    if redirected:
        query = request.query_string.decode()
        location = (request.path.rsplit('/', 1)[0] + '/'
            + quote(record.slug) + (f'?{query}' if query else ''))
        return _json(request, {'status': 'moved', 'slug': record.slug,
                'location': location}, 301, {'Location': location})
    return _json(request, answer(record))


@get('content/pages', 'content pages')
def pages(request, shop, lang):
    Page = Pool().get('ecom.content.page')
    return _json(request, _paged(request, Page,
            [('shop', '=', shop.id)] + live_domain(),
            lambda p: {'id': p.id, 'slug': p.slug, 'title': p.title,
                'updated': p.write_date or p.create_date}))


@get('content/pages/<slug>', 'content page')
def page(request, shop, lang, slug):
    Page = Pool().get('ecom.content.page')
    return _by_slug(request, Page, shop, lang, slug,
        lambda p: _common(request, p, shop, lang))


@get('content/posts', 'content posts')
def posts(request, shop, lang):
    Post = Pool().get('ecom.content.post')
    domain = [('shop', '=', shop.id)] + live_domain()
    for name, field in [('tag', 'tags'), ('category', 'categories')]:
        if value := _key(request, name, SLUG, SLUG_REASON):
            domain.append((f'{field}.slug', '=', value))
    return _json(request, _paged(request, Post, domain,
            lambda p: _post_summary(request, p, shop, lang)))


@get('content/posts/<slug>', 'content post')
def post(request, shop, lang, slug):
    Post = Pool().get('ecom.content.post')

    def answer(record):
        data = _common(request, record, shop, lang)
        data.update(_post_summary(request, record, shop, lang))
        data['products'] = [{'id': t.id, 'name': t.name,
                'slug': t.ecom_slug,
                'url': shop.ecom_url('product', t.ecom_slug, lang)}
            for t in record.products if t.active]
        return data
    return _by_slug(request, Post, shop, lang, slug, answer)


@get('content/banners', 'content banners')
def banners(request, shop, lang):
    Banner = Pool().get('ecom.content.banner')
    placement = _key(request, 'placement', PLACEMENT, "is required: 2 to "
        "40 lower-case letters, digits or _", required=True)
    return _json(request, {'placement': placement, 'language': lang,
            'items': [{'id': b.id, 'title': b.title or '',
                    'text': b.text or '', 'priority': b.priority,
                    'image': _image(request, b.image, b.alt),
                    'link': b.link(shop, lang),
                    'published_until': b.published_until}
                for b in Banner.live_now(shop, placement, lang)]})


@get('content/menus/<code>', 'content menu')
def menu(request, shop, lang, code):
    Menu = Pool().get('ecom.content.menu')
    menus = Menu.search([('shop', '=', shop.id), ('code', '=', code)],
        limit=1)
    if not menus:
        raise IntakeError(404, [('code', f"no menu {code!r} in this shop")],
            'not_found')
    return _json(request, {'code': code, 'name': menus[0].name,
            'language': lang, 'items': menus[0].tree(lang)})


@get('content/images/<image_id>', 'content image')
def image(request, shop, lang, image_id):
    Image = Pool().get('ecom.content.image')
    if not image_id.isdigit() or len(image_id) > 18:
        raise IntakeError(404, [('image', f"no image {image_id!r}")],
            'not_found')
    width = query_int(request, 'width', 640, 1, 4096)
    if width not in WIDTHS:
        raise IntakeError(400, [('width', "is one of " + ', '.join(
                        map(str, WIDTHS)))], 'bad_request')
    images = Image.search([('id', '=', int(image_id)),
            ('company', '=', shop.company.id)])
    if not images:
        raise IntakeError(404, [('image', f"no image {image_id}")],
            'not_found')
    return etag_answer(request, images[0].get(width), 'image/jpeg',
        'private, max-age=86400')


@get('sitemap.xml', 'sitemap')
def sitemap(request, shop, lang):
    items = sitemap_format.entries(shop)
    page = None
    if 'page' in request.args:
        page = query_int(request, 'page', 1, 1, 10**6)
    try:
        body = sitemap_format.sitemap(items, page, shop.ecom_sitemap_url
            or request.base_url)
    except IndexError:
        raise IntakeError(404, [('page', (f"the sitemap has "
                        f"{len(sitemap_format.split(items))} pages"))],
            'not_found') from None
    return etag_answer(request, body, 'application/xml', 'max-age=3600')


@get('robots.txt', 'robots')
def robots(request, shop, lang):
    return etag_answer(request, sitemap_format.robots(shop).encode(),
        'text/plain; charset=utf-8', 'max-age=3600')


@get('redirects', 'redirects')
def redirects(request, shop, lang):
    items = sitemap_format.redirects(shop)
    return etag_answer(request, json.dumps({'items': items},
            ensure_ascii=False).encode(), 'application/json', 'max-age=3600')
