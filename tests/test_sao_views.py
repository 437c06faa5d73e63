"""Every list (tree) view of our modules can be drawn by sao.

sao builds a list column from the field's widget (or its type) and knows no
'datetime' or 'timestamp' column: such a field stops the whole list from
opening ("ColumnFactory is not a constructor"), which Tryton's own view test
does not see. The widgets sao knows are read from the installed sao itself.
"""
import os
import re
import subprocess
import sys
import unittest

from lxml import etree
from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

from tests.run import MODULES
from tests.server import CONFIG, drop_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAO = os.environ.get('TRYTOND_WEB__ROOT') or os.path.join(
    ROOT, 'var', 'sao', 'package')


def sao_tree_widgets():
    with open(os.path.join(SAO, 'dist', 'tryton-sao.js')) as f:
        source = f.read()
    block = re.search(
        r'Sao\.View\.TreeXMLViewParser\.WIDGETS = \{(.*?)\};', source, re.DOTALL)
    return set(re.findall(r"'([a-z0-9_]+)':", block.group(1)))


class SaoTreeViewsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # the demo builder's activated database: copied from its activation
        # cache (demo/activation.py) that the HTTP suites of the same run
        # share, instead of a second full activation per backend
        cls.database = f'saoviews{os.getpid()}'
        drop_database(cls.database)
        subprocess.run([sys.executable, '-m', 'demo.build_demo',
                '-c', CONFIG, '-d', cls.database, '--activate-only'],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        Pool(cls.database).init()
        cls.widgets = sao_tree_widgets()

    @classmethod
    def tearDownClass(cls):
        Pool.stop(cls.database)
        backend.Database(cls.database).close()
        drop_database(cls.database)

    def test_sao_widgets_read(self):
        "The parser found sao's list columns"
        self.assertLessEqual({'char', 'date', 'time', 'many2one'},
            self.widgets)
        self.assertNotIn('datetime', self.widgets)

    def test_every_list_column_has_a_sao_widget(self):
        with Transaction().start(self.database, 0, readonly=True):
            self.check_lists()

    def check_lists(self):
        pool = Pool()
        View = pool.get('ir.ui.view')
        roots = {v.inherit or v for v in View.search(
                    [('module', 'in', MODULES)])}
        checked = 0
        for root in sorted(roots, key=lambda v: v.id):
            if root.type != 'tree':
                continue
            view = root
            Model = pool.get(root.model)
            result = Model.fields_view_get(view_id=root.id, view_type='tree')
            arch = etree.fromstring(result['arch'].encode())
            for node in arch.iter('field'):
                name = node.get('name')
                widget = node.get('widget') or result['fields'][name]['type']
                with self.subTest(view=view.xml_id, field=name):
                    self.assertIn(widget, self.widgets,
                        f"{root.model} list {view.xml_id}: field {name} "
                        f"would be a {widget!r} column, which sao lacks")
                checked += 1
        self.assertGreater(checked, 100)
