"The Spanish of a module is complete: a ModuleTestCase mixin"
import importlib
import os

import polib
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


class SpanishTestMixin:
    "Every text of the module has its Spanish in locale/es.po"

    @with_transaction()
    def test_spanish_complete(self):
        "Fields, help, selections, models, menus, buttons, messages: in es.po"
        Translation = Pool().get('ir.translation')
        english = polib.pofile(
            Translation.translation_export('en', self.module).decode())
        folder = os.path.dirname(importlib.import_module(
                f'trytond.modules.{self.module}').__file__)
        spanish = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(
                os.path.join(folder, 'locale', 'es.po'))}
        self.assertGreater(len(english), 0)
        self.maxDiff = None
        missing = sorted(f"{e.msgctxt} {e.msgid!r}" for e in english
            if not spanish.get((e.msgctxt, e.msgid)))
        self.assertEqual(missing, [],
            "add these to locale/es.po (see docs/translations.md)")
