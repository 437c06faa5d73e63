"""The test database cache (DB_CACHE) on PostgreSQL as template databases

Upstream keeps each cached database of a PostgreSQL test run as a
``pg_dump`` directory and restores it with ``pg_restore`` (about 3.5 s for
one of our modules' databases, every test class and every scenario), or,
with ``DB_CACHE=postgresql://``, as databases named by the cache entry
alone, which another version of the code would then reuse. ``install()``
(tests/run.py, in each process of a PostgreSQL run) replaces upstream's two
PostgreSQL functions: each entry is a template database named by the
code's digest (the last part of the DB_CACHE folder) and the entry,
``ecomtc_<digest>_<entry>``, accepting no connections (so that no server's
database list connects to it while another process copies it), copied
with CREATE DATABASE … TEMPLATE (about 0.5 s). ``drop_stale()`` (the parent
process, before the suites) drops those of other digests.
"""
import os

from trytond.tests import test_tryton

from demo.activation import pg_statement

PREFIX = 'ecomtc_'


def cache_name(cache_file):
    "<folder of DB_CACHE, ending in the digest>/<entry hash>-postgresql.dump"
    folder, base = os.path.split(cache_file)
    return f"{PREFIX}{key(folder)}_{base.split('-', 1)[0][:24]}"


def key(folder):
    return os.path.basename(folder.rstrip('/')).rsplit('-', 1)[-1][:16]


def _exists(name):
    return bool(pg_statement("SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def _restore(cache_file):
    from psycopg.sql import SQL, Identifier
    name = cache_name(cache_file)
    if not _exists(name):
        return False
    if _exists(test_tryton.DB_NAME):
        test_tryton.drop_db()
    pg_statement(SQL("CREATE DATABASE {} TEMPLATE {}").format(
            Identifier(test_tryton.DB_NAME), Identifier(name)))
    test_tryton.backend.Database._list_cache.clear()
    return True


def _dump(cache_file):
    import psycopg
    from psycopg.sql import SQL, Identifier
    name = cache_name(cache_file)
    if _exists(name):
        return False
    # no connection of ours may stay open on the database copied
    test_tryton.backend.Database(test_tryton.DB_NAME).close()
    try:
        pg_statement(SQL("CREATE DATABASE {} TEMPLATE {}").format(
                Identifier(name), Identifier(test_tryton.DB_NAME)))
    except psycopg.errors.DuplicateDatabase:
        return False  # another process cached the same entry meanwhile
    pg_statement(SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false "
            "IS_TEMPLATE true").format(Identifier(name)))
    return True


def install():
    "Upstream's PostgreSQL cache functions replaced by ours"
    test_tryton._pg_restore = _restore
    test_tryton._pg_dump = _dump


def drop_stale(folder):
    "Drop the cached databases of other versions of the code"
    from psycopg.sql import SQL, Identifier
    current = f"{PREFIX}{key(folder)}_"
    for name, in pg_statement("SELECT datname FROM pg_database WHERE datname LIKE %s",
            (PREFIX.replace('_', r'\_') + '%',)):
        if not name.startswith(current):
            pg_statement(SQL("ALTER DATABASE {} IS_TEMPLATE false").format(
                    Identifier(name)))
            pg_statement(SQL("DROP DATABASE IF EXISTS {}").format(Identifier(name)))
