"""Every list (tree) view of our modules can be drawn by sao.

sao builds a list column from the field's widget (or its type) and knows no
'datetime' or 'timestamp' column: such a field stops the whole list from
opening ("ColumnFactory is not a constructor"), which Tryton's own view test
does not see. The widgets sao knows are read from the installed sao itself.
"""
import os
import re
import unittest

from lxml import etree
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from tests.run import MODULES

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
        activate_module(MODULES)
        cls.widgets = sao_tree_widgets()

    def test_sao_widgets_read(self):
        "The parser found sao's list columns"
        self.assertLessEqual({'char', 'date', 'time', 'many2one'},
            self.widgets)
        self.assertNotIn('datetime', self.widgets)

    @with_transaction()
    def test_every_list_column_has_a_sao_widget(self):
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
