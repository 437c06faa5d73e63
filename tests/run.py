"""Run every test suite of the project and print one closing line.

    python tests/run.py            # SQLite (TRYTOND_DATABASE__URI unset)
    TRYTOND_DATABASE__URI=postgresql://... python tests/run.py

Module suites (ModuleTestCase + the .rst scenarios through load_tests) and
the cross-module tests of this folder. The Tryton database cache (DB_CACHE)
lives in ~/.cache/ecom-backoffice/dbcache/<backend>-<hash of the module
code>: a changed module never reuses a stale cached database, and another
checkout of the same code (CI's fresh clone) reuses a valid one.
"""
import hashlib
import os
import sys
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = [
    'ecom_base', 'ecom_catalog', 'ecom_orders', 'ecom_promotions',
    'ecom_reports', 'ecom_returns',
    'ecom_notifications', 'ecom_shipping', 'ecom_pricing', 'ecom_customers']
CROSS_MODULE = [
    'tests.test_sao_views', 'tests.test_intake_http',
    'tests.test_demo_browser']


def addons_digest():
    digest = hashlib.sha1()
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, 'addons'))):
        for name in sorted(files):
            if name.endswith(('.py', '.xml', '.cfg')):
                with open(os.path.join(folder, name), 'rb') as file:
                    digest.update(name.encode() + file.read())
    return digest.hexdigest()[:12]


def setup_environment():
    uri = os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    backend = uri.split(':', 1)[0]
    os.environ.setdefault(
        'DB_NAME', ':memory:' if backend == 'sqlite' else 'test_ecom')
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    os.environ.setdefault('DB_CACHE', os.path.join(
            cache, 'ecom-backoffice', 'dbcache',
            f'{backend}-{addons_digest()}'))
    sys.path.insert(0, ROOT)
    return backend


def suite_names():
    return [
        f'trytond.modules.{m}.tests.{t[:-3]}' for m in MODULES
        for t in sorted(os.listdir(os.path.join(ROOT, 'addons', m, 'tests')))
        if t.startswith('test_') and t.endswith('.py')] + CROSS_MODULE


def main(argv):
    backend = setup_environment()
    loader = unittest.TestLoader()
    suites = [(n, loader.loadTestsFromName(n))
        for n in argv[1:] or suite_names()]
    count = sum(s.countTestCases() for _, s in suites)
    print(f"running {count} tests on {backend}", flush=True)
    runner = unittest.TextTestRunner(verbosity=2)
    ran = failed = skipped = 0
    timings = []
    for name, suite in suites:
        started = time.monotonic()
        result = runner.run(suite)
        timings.append((name, result.testsRun, time.monotonic() - started))
        ran += result.testsRun
        failed += len(result.failures) + len(result.errors) + len(
            result.unexpectedSuccesses)
        skipped += len(result.skipped)
    print(f"time per suite on {backend}:")
    for name, tests, seconds in timings:
        print(f"  {seconds:7.1f}s {tests:4d} tests  {name}")
    print(f"{ran - failed - skipped} passed, {failed} failed, "
        f"{skipped} skipped")
    if not ran:
        print("no test ran", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
