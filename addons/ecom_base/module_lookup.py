"""Tryton module lookup by name in one dictionary read

``trytond.tools.misc.import_module`` finds a module's entry point with
``entry_points().select(group=..., name=...)``: a scan of every entry point
of every installed distribution, about 0.8 ms here, and Tryton calls it
for each dotted name it resolves. Loading the pool of our modules resolves
some 4,700 names (``trytond.pool.isregisteredby``, ``resolve``), so each
``Pool.init`` spent about 4 s scanning, and every generic ModuleTestCase
test (``test_depends``, ``test_rec_name``...) 1.5 s more.

Upstream caches ``entry_points()`` for the life of the process already; the
same entry points indexed by name once give the same answer (one entry
point: load it; none or several: the plain import, as upstream).
``install`` is called when ecom_base is imported (every process that
loads our modules) and by ``tests/run.py`` before the first pool."""
import importlib

from trytond.tools import misc

_installed = []


def _index():
    by_name = {}
    for ep in misc.entry_points().select(group=misc.MODULES_GROUP):
        by_name.setdefault(ep.name, []).append(ep)
    return by_name


def install():
    "Replace upstream's lookup (once per process)"
    if _installed:
        return
    by_name = _index()

    def import_module(name):
        found = by_name.get(name)
        if found and len(found) == 1:
            return found[0].load()
        return importlib.import_module(f'{misc.MODULES_GROUP}.{name}')

    import trytond.tools
    misc.import_module = trytond.tools.import_module = import_module
    _installed.append(import_module)
