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


def documented(spec):
    "(METHOD, path) of every operation a spec documents"
    return {(method.upper(), path)
        for path, item in spec['paths'].items() for method in item
        if method in {'get', 'post', 'put', 'delete', 'patch'}}


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
        "The served spec: a path for every route, a route for every path"
        from trytond.modules.ecom_orders.openapi import spec
        self.assertEqual(documented(spec()), {(method, spec_path(rule))
                for method, _, rule, _ in self.routes
                if rule != '/ecom/v1/openapi.json'})

    def test_each_module_documents_its_routes(self):
        "A module's openapi.json documents exactly the routes it serves"
        by_module = {}
        for method, _, rule, path in self.routes:
            if rule != '/ecom/v1/openapi.json':
                by_module.setdefault(os.path.dirname(path), set()).add(
                    (method, spec_path(rule)))
        self.assertGreaterEqual(len(by_module), 5)
        for folder, served in by_module.items():
            with open(os.path.join(ROOT, folder, 'openapi.json')) as file:
                self.assertEqual(documented(json.load(file)), served, folder)

    def test_a_path_documented_twice_is_refused(self):
        from trytond.modules.ecom_orders.openapi import merge
        base = {'paths': {'/a': {}}, 'components': {'schemas': {'A': {}}}}
        with self.assertRaisesRegex(ValueError, "x: path /a is documented"):
            merge(base, [('x', {'paths': {'/a': {}}})])
        with self.assertRaisesRegex(ValueError, "y: components.schemas.A"):
            merge(base, [('y', {'components': {'schemas': {'A': {}}}})])
        merged = merge(base, [('z', {'paths': {'/b': {'get': {}}}})])
        self.assertEqual(set(merged['paths']), {'/a', '/b'})
        self.assertEqual(base['paths'], {'/a': {}})  # base left as it was


if __name__ == '__main__':
    unittest.main()
