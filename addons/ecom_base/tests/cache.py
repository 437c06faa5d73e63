"""Module tests that start from a dependency's cached database

Upstream's ModuleTestCase activates its module and all of its
dependencies in an empty database (about a minute per module and backend
here) and caches the result under the module's name (DB_CACHE). Our
modules depend on each other, so that work was redone for every module.
``DependencyCacheMixin`` first looks for the cached database of the
module's largest ``ecom_*`` dependency (the one with the most modules
under it), activates only what is missing on top of it (what an upgrade
in production does), caches that under the module's name and runs the
tests on it (upstream's ``setUpClass`` would drop it and restore the copy
just cached). Without DB_CACHE, or with no
dependency cached yet, it changes nothing."""
from unittest.mock import patch

from trytond.modules import get_module_info
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.tests.test_tryton import (
    DB_CACHE,
    DB_NAME,
    ModuleTestCase,
    activate_module,
    db_exist,
    drop_db,
    restore_db_cache,
)


def ecom_closure(module, seen=None):
    "The ecom_* modules module depends on, directly or not"
    seen = set() if seen is None else seen
    for name in get_module_info(module)['depends']:
        if name.startswith('ecom_') and name not in seen:
            seen.add(name)
            ecom_closure(name, seen)
    return seen


def update_module_list():
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0, close=True) as transaction:
        Pool().get('ir.module').update_list()
        transaction.commit()


class DependencyCacheMixin:
    "Put before ModuleTestCase in the bases"

    @classmethod
    def setUpClass(cls):
        modules = [cls.module] + list(cls.extras or [])
        if DB_CACHE and cls.language == 'en':
            drop_db()
            if not restore_db_cache('-'.join(modules)):
                deps = sorted(ecom_closure(cls.module),
                    key=lambda m: (-len(ecom_closure(m)), m))
                for dep in deps:
                    if restore_db_cache(dep):
                        # a module installed since the dependency was
                        # cached is listed; then what is missing is
                        # activated and cached under the module's name
                        update_module_list()
                        # the restore has built the pool: create_db would
                        # build it again (3 s)
                        with patch.object(test_tryton, 'create_db',
                                lambda *args, **kwargs: None):
                            activate_module(modules)
                        if cls._tests_start_here():
                            # upstream's setUpClass would drop this very
                            # database and restore its copy just cached
                            # (and build the pool again)
                            super(ModuleTestCase, cls).setUpClass()
                            return
                        break
            if db_exist():
                drop_db()
        super().setUpClass()

    @classmethod
    def _tests_start_here(cls):
        "Whether only ModuleTestCase's setUpClass is left to skip"
        mro = cls.__mro__
        between = mro[mro.index(DependencyCacheMixin) + 1:
            mro.index(ModuleTestCase)]
        return not any('setUpClass' in vars(c) for c in between)
