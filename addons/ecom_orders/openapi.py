"""The OpenAPI description of every e-commerce route, served merged.

Each module documents its own routes in an ``openapi.json`` beside its code
(paths, and the component schemas only they use) and adds it with
``contribute(__file__)`` when its routes are imported; this module's own
file holds the header (info, servers, security) and the intake's routes.
``spec()`` merges them; a path or schema documented twice is an error.

GET /ecom/v1/openapi.json      the merged description
"""
import copy
import json
import os

from trytond.protocols.wrappers import Response
from trytond.wsgi import app

__all__ = ['contribute', 'spec']
BASE = os.path.join(os.path.dirname(__file__), 'openapi.json')
_fragments = {}


def contribute(module_file):
    "Add the openapi.json beside module_file (the routes' module)"
    path = os.path.join(os.path.dirname(os.path.abspath(module_file)),
        'openapi.json')
    if path != BASE:
        _fragments[path] = None


def _load(path):
    with open(path, encoding='utf-8') as file:
        return json.load(file)


def merge(base, fragments):
    """base with the paths and components of each fragment added; a key
    that two of them define raises ValueError naming it"""
    merged = copy.deepcopy(base)
    for name, fragment in fragments:
        for path, item in fragment.get('paths', {}).items():
            if path in merged['paths']:
                raise ValueError(f"{name}: path {path} is documented twice")
            merged['paths'][path] = item
        for kind, items in fragment.get('components', {}).items():
            known = merged.setdefault('components', {}).setdefault(kind, {})
            for key, value in items.items():
                if key in known:
                    raise ValueError(
                        f"{name}: components.{kind}.{key} is defined twice")
                known[key] = value
    return merged


def spec():
    "The description of every route of the imported modules"
    return merge(_load(BASE),
        [(path, _load(path)) for path in sorted(_fragments)])


@app.route('/ecom/v1/openapi.json', methods={'GET'})
def openapi(request):
    return Response(json.dumps(spec(), ensure_ascii=False),
        content_type='application/json')
