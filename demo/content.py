"""Demo: storefront content (E-commerce > Content). The shop's five policy
pages, three banners (one tied to the weekend promotion, one scheduled for
next week), five blog posts with covers, tags, categories and related
products, and the main menu, each in English and Spanish; the storefront
addresses, languages, sitemap and robots.txt of the web shop."""
import datetime as dt
import io

from PIL import Image, ImageDraw
from trytond.pool import Pool
from trytond.transaction import Transaction

SITE = 'https://alpine-outfitters.example'
PAGES = [
    # (en title, es title, en slug, es slug, en body, es body)
    ("About us", "Sobre nosotros", 'about-us', 'sobre-nosotros',
        "We are hikers from the Pyrenees selling the gear we use.",
        "Somos montañeros del Pirineo y vendemos el material que usamos."),
    ("Shipping policy", "Política de envíos", 'shipping-policy',
        'politica-de-envios',
        ("## Delivery\n\nOrders before 14:00 leave the same day. Free "
        "shipping in Spain from **60 EUR**.\n\n| Zone | Days |\n|---|---|\n"
        "| Spain | 1-2 |\n| EU | 3-5 |"),
        ("## Entrega\n\nLos pedidos antes de las 14:00 salen el mismo día. "
        "Envío gratis en España desde **60 EUR**.\n\n| Zona | Días |\n"
        "|---|---|\n| España | 1-2 |\n| UE | 3-5 |")),
    ("Returns policy", "Política de devoluciones", 'returns-policy',
        'politica-de-devoluciones',
        ("Return any item within **30 days**: start a return from your "
        "account."),
        "Devuelve cualquier artículo en **30 días** desde tu cuenta."),
    ("Legal notice", "Aviso legal", 'legal-notice', 'aviso-legal',
        "Alpine Outfitters S.L., Calle Mayor 1, Huesca.",
        "Alpine Outfitters S.L., Calle Mayor 1, Huesca."),
    ("Privacy policy", "Política de privacidad", 'privacy-policy',
        'politica-de-privacidad',
        ("We keep your data only to serve your orders. Ask us to erase it "
        "at any time."),
        ("Guardamos tus datos solo para servir tus pedidos. Pide que los "
        "borremos cuando quieras.")),
    ]
POSTS = [
    # (en title, es title, tag, category, days ago, product category)
    ("How to choose hiking boots", "Cómo elegir botas de montaña",
        'boots', 'guides', 40, "Boots"),
    ("Five day hikes in the Pyrenees", "Cinco excursiones por el Pirineo",
        'pyrenees', 'routes', 25, "Daypacks"),
    ("Packing list for a weekend camp", "Qué llevar a una acampada",
        'camping', 'guides', 14, "Tents"),
    ("Layering for cold mornings", "Capas para mañanas frías",
        'apparel', 'guides', 6, "Layers"),
    ("Trail running: first steps", "Trail running: primeros pasos",
        'running', 'routes', 2, "Gear"),
    ]


def picture(text, size, hue):
    "A JPEG-able picture: a coloured band with a title"
    image = Image.new('RGB', size, hue)
    draw = ImageDraw.Draw(image)
    draw.rectangle([12, 12, size[0] - 13, size[1] - 13],
        outline=(255, 255, 255), width=5)
    draw.text((40, size[1] // 2 - 10), text, fill=(255, 255, 255))
    data = io.BytesIO()
    image.save(data, 'PNG')
    return data.getvalue()


def build(data, promotions, log):
    pool = Pool()
    Shop = pool.get('web.shop')
    Lang = pool.get('ir.lang')
    Category = pool.get('product.category')
    shop, company = data['shop'], data['company']
    langs = Lang.search([('code', 'in', ['en', 'es'])])
    departments = Category.search([('parent', '=', None),
            ('accounting', '=', False)], order=[('name', 'ASC')])
    Shop.write([shop], {
            'ecom_page_url': SITE + '/{lang}/{slug}',
            'ecom_post_url': SITE + '/{lang}/blog/{slug}',
            'ecom_category_url': SITE + '/{lang}/c/{slug}',
            'ecom_sitemap_url': SITE + '/sitemap.xml',
            'ecom_robots': "User-agent: *\nDisallow: /checkout\n"
            "Disallow: /mi-cuenta",
            'ecom_languages': [('add', [lang.id for lang in langs])],
            'categories': [('add', [c.id for c in departments])]})
    pages = create_pages(shop)
    images = create_images(company)
    posts = create_posts(shop, images, data['products'])
    banners = create_banners(shop, images, promotions, departments)
    create_menu(shop, departments, pages)
    pool.get('ecom.content.seo_issue').refresh([company])
    log(f"content: {len(pages)} pages, {len(banners)} banners, "
        f"{len(posts)} blog posts, main menu (en, es)")


def _in_spanish(Model, pairs):
    "Write the Spanish texts: pairs of (record, values)"
    with Transaction().set_context(language='es'):
        for record, values in pairs:
            Model.write([record], values)


def create_pages(shop):
    Page = Pool().get('ecom.content.page')
    pages = Page.create([{'shop': shop.id, 'title': en, 'slug': slug,
                'body': body, 'meta_description': f"{en}: Alpine Outfitters, "
                "outdoor gear from the Pyrenees."}
            for en, _, slug, _, body, _ in PAGES])
    _in_spanish(Page, [(page, {'title': es, 'slug': slug, 'body': body,
                    'meta_description': f"{es}: Alpine Outfitters, material "
                    "de montaña del Pirineo."})
            for page, (_, es, _, slug, _, body) in zip(pages, PAGES)])
    Page.publish(pages)
    return pages


def create_images(company):
    Image_ = Pool().get('ecom.content.image')
    hues = [(40, 90, 60), (150, 60, 30), (30, 70, 120), (90, 40, 90),
        (120, 100, 20)]
    specs = [(f"Banner {n}", f"Alpine Outfitters {n}", (1280, 400))
        for n in ("winter", "weekend", "christmas")]
    specs += [(f"Cover {en}", en, (800, 450)) for en, *_ in POSTS]
    return Image_.create([{'name': name, 'description': alt,
                'company': company.id,
                'image': picture(alt, size, hues[i % len(hues)])}
            for i, (name, alt, size) in enumerate(specs)])


def create_posts(shop, images, products):
    pool = Pool()
    Post = pool.get('ecom.content.post')
    Term = pool.get('ecom.content.term')
    User = pool.get('res.user')
    author, = User.search([('login', '=', 'manager')])
    names = sorted({t for *_, t, _, _, _ in POSTS} | {c for *_, c, _, _ in
            POSTS})
    kinds = {t: 'tag' for *_, t, _, _, _ in POSTS}
    terms = {t.slug: t for t in Term.create([{'name': n.capitalize(),
                    'slug': n, 'kind': kinds.get(n, 'category')}
                for n in names])}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0,
        microsecond=0)
    values = []
    for i, (en, _, tag, category, days, family) in enumerate(POSTS):
        related = [p.template.id for p in products
            if p.template.categories and p.template.categories[0].name
            == family][:3]
        values.append({'shop': shop.id, 'title': en, 'author': author.id,
                'excerpt': f"{en}: what we learnt on the trail.",
                'body': f"# {en}\n\n![{en}](image:{images[3 + i].id})\n\n"
                "Notes from our team, with the gear we took.",
                'meta_description': f"{en}: a guide by Alpine Outfitters.",
                'published_from': now - dt.timedelta(days=days),
                'cover': images[3 + i].id,
                'tags': [('add', [terms[tag].id])],
                'categories': [('add', [terms[category].id])],
                'products': [('add', related)]})
    posts = Post.create(values)
    _in_spanish(Post, [(post, {'title': es,
                    'excerpt': f"{es}: lo que aprendimos en el camino.",
                    'body': f"# {es}\n\n![{es}](image:{post.cover.id})\n\n"
                    "Notas del equipo, con el material que llevamos.",
                    'meta_description': f"{es}: una guía de Alpine "
                    "Outfitters."})
            for post, (_, es, *_) in zip(posts, POSTS)])
    Post.publish(posts)
    return posts


def create_banners(shop, images, promotions, departments):
    Banner = Pool().get('ecom.content.banner')
    weekend = [p for p in promotions if p.name.startswith("Weekend")]
    footwear = Pool().get('product.category').search(
        [('name', '=', "Footwear")], limit=1)
    next_week = dt.datetime.now(dt.UTC).replace(
        tzinfo=None, microsecond=0) + dt.timedelta(days=7)
    banners = Banner.create([
            {'shop': shop.id, 'name': "Winter collection",
                'placement': 'home_hero', 'priority': 20,
                'title': "Winter collection", 'text': "Warm layers for cold "
                "trails", 'image': images[0].id, 'link_kind': 'category',
                'link_category': departments[0].id},
            {'shop': shop.id, 'name': "Weekend footwear",
                'placement': 'home_hero', 'priority': 30,
                'title': "-20% on footwear this weekend",
                'image': images[1].id, 'link_kind': 'category',
                'link_category': footwear[0].id if footwear else None,
                'promotion': weekend[0].id if weekend else None},
            {'shop': shop.id, 'name': "Christmas delivery",
                'placement': 'checkout_notice', 'priority': 10,
                'title': "Order by 20 December for Christmas delivery",
                'image': images[2].id, 'published_from': next_week},
            ])
    _in_spanish(Banner, [
            (banners[0], {'title': "Colección de invierno",
                    'text': "Capas cálidas para senderos fríos"}),
            (banners[1], {'title': "-20% en calzado este fin de semana"}),
            (banners[2], {'title': "Pide antes del 20 de diciembre para "
                    "recibirlo en Navidad"})])
    Banner.publish(banners[:2])
    Banner.schedule(banners[2:])
    return banners


def create_menu(shop, departments, pages):
    pool = Pool()
    Menu = pool.get('ecom.content.menu')
    Item = pool.get('ecom.content.menu.item')
    menu, = Menu.create([{'shop': shop.id, 'name': "Main menu",
                'code': 'main'}])
    shop_item, _blog, help_ = Item.create([
            {'menu': menu.id, 'sequence': 1, 'label': "Shop"},
            {'menu': menu.id, 'sequence': 2, 'label': "Blog",
                'link_kind': 'url', 'link_url': '/blog'},
            {'menu': menu.id, 'sequence': 3, 'label': "Help"}])
    children = Item.create(
        [{'menu': menu.id, 'parent': shop_item.id, 'sequence': i,
                'label': c.name, 'link_kind': 'category',
                'link_category': c.id} for i, c in enumerate(departments)]
        + [{'menu': menu.id, 'parent': help_.id, 'sequence': i,
                'label': p.title, 'link_kind': 'page', 'link_page': p.id}
            for i, p in enumerate(pages[:3])])
    spanish = {"Shop": "Tienda", "Help": "Ayuda"}
    _in_spanish(Item, [(item, {'label': spanish[item.label]})
            for item in [shop_item, help_]]
        + [(item, {'label': page.title}) for item, page in zip(
                children[len(departments):], _es_pages(pages[:3]))])
    return menu


def _es_pages(pages):
    Page = Pool().get('ecom.content.page')
    with Transaction().set_context(language='es'):
        return Page.browse([p.id for p in pages])
