"Helpers for the e-commerce proteus scenarios"
from unittest.mock import patch

from proteus import Model, Wizard
from proteus import config as pconfig
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module,
    backup_db_cache,
    drop_db,
    restore_db_cache,
)


def create_staff(login, company, group_name="E-commerce Manager", config=None):
    "A user of ``company`` in the group named ``group_name``"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Company = Model.get('company.company', config=config)
    group, = Group.find([('name', '=', group_name)])
    user = User(name=login.title(), login=login)
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.groups.append(group)
    user.save()
    return user


def _config():
    """proteus' configuration of the database just restored or activated

    ``set_trytond`` restarts the pool and builds its classes again (3 s
    of every scenario); the restore or the activation has just built them
    for this very database."""
    with patch.object(Pool, 'start', classmethod(lambda cls: None)), \
            patch.object(Pool, 'init', lambda self, *a, **k: None):
        return pconfig.set_trytond()


def activate_modules(modules, *setup):
    """Upstream's ``trytond.tests.tools.activate_modules``, one activation
    per module and backend

    Upstream caches a scenario's database under its modules and its setup
    functions, so each module was activated twice per backend: once for its
    ModuleTestCase, once for its scenarios (about a minute each on
    PostgreSQL). This starts from the database ModuleTestCase caches for the
    first module (activating it and caching it under that name when the
    scenario runs first), activates the other modules on top, runs the setup
    functions and caches the result for the module's next scenarios.
    """
    if isinstance(modules, str):
        modules = [modules]
    setup_name = '|'.join(f.__qualname__ for f in setup)
    cache_name = f"ecom:{'-'.join(sorted(modules))}--{setup_name}"
    if restore_db_cache(cache_name):
        return _config()
    if not restore_db_cache(modules[0]):
        drop_db()
        activate_module(modules[0])
    config = _config()
    Module = Model.get('ir.module')
    others = Module.find([
            ('name', 'in', modules[1:]),
            ('state', '!=', 'activated'),
            ])
    if others:
        Module.click(others, 'activate')
        Wizard('ir.module.activate_upgrade').execute('upgrade')
    for func in setup:
        func(config=config)
    backup_db_cache(cache_name)
    return config
