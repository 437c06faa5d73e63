"""Every HTTP route of our modules is in the OpenAPI spec and in the README's
route table with the file that serves it; every spec path has a route."""
import importlib
import inspect
import json
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANNEL = '/<database_name>/ecom/v1/channels/<int:channel_id>/'


def our_routes():
    "(method, path as the README writes it, file) of each of our routes"
    from trytond.wsgi import app

    from tests.run import MODULES
    for module in MODULES:
        importlib.import_module(f'trytond.modules.{module}')
    for rule in app.url_map.iter_rules():
        if '/ecom/' not in rule.rule:
            continue
        handler = inspect.unwrap(rule.endpoint)
        path = os.path.relpath(inspect.getsourcefile(handler), ROOT)
        if rule.rule.startswith(CHANNEL):
            short = rule.rule[len(CHANNEL):]
        else:
            short = rule.rule.replace('<database_name>', '<db>')
        short = re.sub(r'<(?:\w+:)?(\w+)>', r'<\1>', short)
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            yield method, short, rule.rule, path


def spec_path(rule):
    path = rule.replace(CHANNEL, '/ecom/v1/channels/{channel_id}/')
    path = path.replace('<database_name>', '{database}')
    return re.sub(r'<(?:\w+:)?(\w+)>', r'{\1}', path)


class RoutesTest(unittest.TestCase):

    def setUp(self):
        self.routes = list(our_routes())
        self.assertGreaterEqual(len(self.routes), 14)

    def test_every_route_in_the_readme_table(self):
        "README: each route sits in the row of the file that serves it"
        with open(os.path.join(ROOT, 'README.md')) as file:
            rows = {}
            for m in re.finditer(
                    r'^\| (.*) \| `([^`]+\.py)` \|$', file.read(), re.MULTILINE):
                rows[m.group(2)] = rows.get(m.group(2), '') + m.group(1)
        for method, short, _, path in self.routes:
            self.assertIn(path, rows, f"{method} {short}: no README row")
            self.assertIn(f'`{method} {short}`', rows[path],
                f"README row of {path}")
        # and no row names a route that does not exist
        named = {m for row in rows.values()
            for m in re.findall(r'`(GET|POST) ([^`]+)`', row)}
        self.assertEqual(named - {(m, s) for m, s, _, _ in self.routes},
            set())

    def test_spec_and_routes_agree(self):
        "openapi.json: a path for every route, a route for every path"
        with open(os.path.join(
                    ROOT, 'addons', 'ecom_orders', 'openapi.json')) as file:
            spec = json.load(file)
        documented = {(method.upper(), path)
            for path, item in spec['paths'].items() for method in item
            if method in {'get', 'post', 'put', 'delete', 'patch'}}
        served = {(method, spec_path(rule))
            for method, _, rule, _ in self.routes
            if rule != '/ecom/v1/openapi.json'}
        self.assertEqual(documented, served)


if __name__ == '__main__':
    unittest.main()
