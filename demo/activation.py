"""The activated empty database, cached.

Activating the modules (trytond-admin: about 80 s on 2 cores) is the same
work for every demo built from the same code: the demo, and each HTTP or
browser suite of ``make test`` on each backend. The first build keeps a
copy of the database as trytond-admin left it; the next builds with the
same code (``digest``: every file of addons/, requirements.txt) start from
that copy. SQLite: a file under ``DEMO_CACHE`` (default
~/.cache/ecom-backoffice/demo), written aside and renamed into place.
PostgreSQL: a template database ``ecom_demo_<digest>`` that accepts no
connections (so no client lists it), copied with CREATE DATABASE …
TEMPLATE. ``DEMO_CACHE=off`` activates every time. The admin's password
and email are set by the builder afterwards (setup_staff), so a cached
database serves any password.
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def digest():
    "What the activated database depends on: the modules' files, the pins"
    sha = hashlib.sha1()
    for folder, dirs, files in sorted(os.walk(os.path.join(ROOT, 'addons'))):
        dirs[:] = sorted(d for d in dirs
            if d != '__pycache__' and not d.endswith('.egg-info'))
        for name in sorted(files):
            if name.endswith(('.py', '.xml', '.cfg', '.po')):
                with open(os.path.join(folder, name), 'rb') as file:
                    sha.update(name.encode() + file.read())
    with open(os.path.join(ROOT, 'requirements.txt'), 'rb') as file:
        sha.update(file.read())
    return sha.hexdigest()[:16]


def cache_dir():
    value = os.environ.get('DEMO_CACHE')
    if value == 'off':
        return None
    home = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    return value or os.path.join(home, 'ecom-backoffice', 'demo')


def activate(args, modules, log):
    """Give args.database (created empty) its activated modules: from the
    cache when it holds this code's, else trytond-admin (then cached).
    Builds of the same code at the same time (the suites of make test in
    parallel) wait for the first one's activation instead of repeating it."""
    from trytond import backend
    folder = cache_dir()
    key = digest()
    if not folder:
        run_admin(args, modules)
        return
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f'lock-{backend.name}-{key}'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _activate(args, modules, log, folder, key)


def _activate(args, modules, log, folder, key):
    from trytond import backend, config
    if backend.name == 'sqlite':
        path = os.path.join(config.get('database', 'path'),
            args.database + '.sqlite')
        cached = os.path.join(folder, f'sqlite-{key}.sqlite')
        if os.path.exists(cached):
            shutil.copyfile(cached, path)
            log("modules activated (cached database)")
            return
        run_admin(args, modules)
        fd, tmp = tempfile.mkstemp(dir=folder)
        os.close(fd)
        shutil.copyfile(path, tmp)
        os.replace(tmp, cached)
        for name in os.listdir(folder):  # older code's copies and locks
            if name.startswith(('sqlite-', 'lock-sqlite-')) and (
                    key not in name):
                os.unlink(os.path.join(folder, name))
        return
    template = f'ecom_demo_{key}'
    if pg_statement(f"SELECT 1 FROM pg_database WHERE datname = '{template}'"):
        pg_statement(f'DROP DATABASE "{args.database}"')
        pg_statement(f'CREATE DATABASE "{args.database}" TEMPLATE "{template}"')
        log("modules activated (cached template database)")
        return
    run_admin(args, modules)
    pg_statement(f'CREATE DATABASE "{template}" TEMPLATE "{args.database}"')
    pg_statement(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false '
        'IS_TEMPLATE true')
    for (older,) in pg_statement("SELECT datname FROM pg_database WHERE datname "
            f"LIKE 'ecom\\_demo\\_%' AND datname != '{template}'"):
        pg_statement(f'ALTER DATABASE "{older}" IS_TEMPLATE false')
        pg_statement(f'DROP DATABASE IF EXISTS "{older}"')


def pg_statement(query, params=None):
    """One statement on the server's postgres database (the test cache's
    too, tests/dbcache.py); its rows"""
    import psycopg
    from trytond import config
    uri = config.get('database', 'uri').rstrip('/') + '/postgres'
    with psycopg.connect(uri, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def run_admin(args, modules):
    with tempfile.NamedTemporaryFile('w', delete=False) as passfile:
        passfile.write(args.password)
    try:
        subprocess.run([
                os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
                '-c', args.config, '-d', args.database, '--all',
                # Spanish made translatable and loaded (menus, fields,
                # messages of upstream and of our modules' locale/es.po)
                '--language', 'es',
                '--activate-dependencies', '--email', 'admin@example.com',
                '-u', *modules],
            check=True, env=dict(os.environ, TRYTONPASSFILE=passfile.name))
    finally:
        os.unlink(passfile.name)
