"""The body of pages and posts: Markdown (CommonMark, with tables and
inline HTML), rendered to HTML and sanitised with nh3 when it is saved.

nh3 binds ammonia, the Rust sanitiser behind well-kept sites; bleach, the
other candidate, has been deprecated by its maintainers since 2023. What
survives is a fixed subset: headings, paragraphs, lists, tables, quotes,
code, links (http, https, mailto, relative) and images. Scripts and styles
go with their content, event attributes and javascript: URLs go, links
get rel="noopener noreferrer". Images are inserted by id, never by a
pasted address: ``![alt text](image:12)`` (or ``<img src="image:12">``);
an image address that is not ``image:<id>`` is refused. The API turns
``image:<id>`` into the image route's address when it serves the body."""
import re

import nh3
from markdown_it import MarkdownIt

TAGS = {
    'a', 'abbr', 'b', 'blockquote', 'br', 'code', 'del', 'div', 'em',
    'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
    'img', 'li', 'ol', 'p', 'pre', 's', 'small', 'span', 'strong', 'sub',
    'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul'}
ATTRIBUTES = {
    'a': {'href', 'title'},
    'img': {'src', 'alt', 'title', 'width', 'height'},
    'td': {'colspan', 'rowspan', 'align'},
    'th': {'colspan', 'rowspan', 'align'},
    'ol': {'start'},
    }
SCHEMES = {'http', 'https', 'mailto', 'image'}
IMAGE = re.compile(r'^image:(\d+)$')
_markdown = MarkdownIt('commonmark', {'html': True}).enable('table')
_markdown.validateLink = lambda url: not url.strip().lower().startswith(
    ('javascript:', 'vbscript:', 'data:', 'file:'))


def sanitise(html):
    """(clean HTML, ids of the images it uses, image addresses refused)"""
    images, refused = [], []

    def check(tag, attribute, value):
        if tag == 'img' and attribute == 'src':
            match = IMAGE.match(value.strip())
            if not match:
                refused.append(value)
                return None
            images.append(int(match.group(1)))
        return value
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
        attribute_filter=check, url_schemes=SCHEMES,
        clean_content_tags={'script', 'style'},
        link_rel='noopener noreferrer')
    return clean, images, refused


def render(markdown):
    "sanitise() of the Markdown's HTML"
    return sanitise(_markdown.render(markdown or ''))


def resolve_images(html, url_of):
    "html with every image:<id> address replaced by url_of(id)"
    return re.sub(r'src="image:(\d+)"',
        lambda m: f'src="{url_of(int(m.group(1)))}"', html or '')


def text_length(html):
    "Characters of text in html (for excerpts and hints)"
    return len(re.sub(r'<[^>]+>', '', html or '').strip())
