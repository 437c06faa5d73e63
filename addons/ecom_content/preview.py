"""Preview of a page or post: its body as the storefront receives it
(rendered and sanitised), in the user's language, as an HTML document that
sao opens; images inline so that it needs no key."""
import base64
import html

from trytond.pool import Pool
from trytond.report import Report

from . import body as body_format

STYLE = ("body{font-family:sans-serif;max-width:46em;margin:2em auto;"
    "line-height:1.5;color:#222}img{max-width:100%}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:.3em .6em}.meta{color:#555;border-bottom:1px solid #ddd;"
    "padding-bottom:1em}")


def _inline(image_id):
    Image = Pool().get('ecom.content.image')
    images = Image.search([('id', '=', image_id)])
    if not images:
        return ''
    data = images[0].get(640)
    return 'data:image/jpeg;base64,' + base64.b64encode(data).decode()


class ContentPreview(Report):
    "Content preview"
    __name__ = 'ecom.content.preview'
    __string__ = "Content Preview"

    @classmethod
    def _execute(cls, records, header, data, action):
        parts = []
        for record in records:
            title = html.escape(record.meta_title or record.title or '')
            description = html.escape(record.meta_description or '')
            parts.append(
                f'<div class="meta"><small>{title}<br>{description}'
                f'<br>/{html.escape(record.slug or "")}</small></div>'
                f'<h1>{html.escape(record.title or "")}</h1>'
                + body_format.resolve_images(record.body_html, _inline))
        document = ('<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<title>{html.escape(records[0].title if records else "")}'
            f'</title><style>{STYLE}</style></head><body>'
            + '<hr>'.join(parts) + '</body></html>')
        return 'html', document.encode('utf-8')
