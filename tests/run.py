"""Run every test suite of the project and print one closing line.

    python tests/run.py            # SQLite (TRYTOND_DATABASE__URI unset)
    TRYTOND_DATABASE__URI=postgresql://... python tests/run.py --jobs 2

Module suites (ModuleTestCase + the .rst scenarios through load_tests) and
the cross-module tests of this folder. ``--jobs N`` runs them in N processes
at a time: a module's suites stay in one process (they share its cached
database), each process has its own DB_NAME (``<DB_NAME>_<slot>``), the
output of a process is printed when it ends, the totals at the end.

The Tryton database cache (DB_CACHE)
lives in ~/.cache/ecom-backoffice/dbcache/<backend>-<digest of the module
code and the pins (demo.activation.digest, the demo's cache key too)>: a
changed module never reuses a stale cached database, and another
checkout of the same code (CI's fresh clone) reuses a valid one. On
PostgreSQL its entries are template databases named by that digest
(tests/dbcache.py), not pg_dump files.
"""
import configparser
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from demo.activation import digest
from ecom_modules import MODULES

CROSS_MODULE = [
    'tests.test_routes', 'tests.test_sao_views', 'tests.test_intake_http',
    'tests.test_production', 'tests.test_demo_browser']


def dependency_order(modules):
    "Each module after the ecom_ modules it depends on (stable otherwise)"
    closures = {}

    def closure(module):
        if module not in closures:
            config = configparser.ConfigParser()
            config.read(os.path.join(ROOT, 'addons', module, 'tryton.cfg'))
            closures[module] = set()
            for name in config['tryton'].get('depends', '').split():
                if name.startswith('ecom_'):
                    closures[module] |= {name} | closure(name)
        return closures[module]
    return sorted(modules, key=lambda m: len(closure(m)))


# With --jobs, the long HTTP suite starts first (its setUpClass activates
# every module for the demo database the HTTP and browser suites copy,
# demo/activation.py), then the modules, each after its dependencies: a
# module's test starts from its dependency's cached database
# (ecom_base.tests.cache). The other suites that copy the demo's activated
# database come after the first modules, once that activation is done
# (started second, test_production held a PostgreSQL slot idle for the 7
# minutes of the activation), not last: run last and alone, the browser
# suite was 4 minutes of one process at the end of each backend's run.
ORDERED = dependency_order(MODULES)
LONGEST_FIRST = [
    'tests.test_intake_http', *ORDERED[:3], 'tests.test_demo_browser',
    'tests.test_production', 'tests.test_sao_views', *ORDERED[3:]]
TOTALS = re.compile(r'^(\d+) passed, (\d+) failed, (\d+) skipped$',
    re.MULTILINE)
SLOWEST = 15
TIMING = re.compile(r' +\d+\.\d+s +\d+ tests  ')


def setup_environment():
    uri = os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    backend = uri.split(':', 1)[0]
    os.environ.setdefault(
        'DB_NAME', ':memory:' if backend == 'sqlite' else 'test_ecom')
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    os.environ.setdefault('DB_CACHE', os.path.join(
            cache, 'ecom-backoffice', 'dbcache',
            f'{backend}-{digest()}'))
    # what the Makefile exports: the HTTP suites' trytond serves sao from
    # there (without it, trytond answers 405 and the suites wait for it)
    os.environ.setdefault('TRYTOND_WEB__ROOT',
        os.path.join(ROOT, 'var', 'sao', 'package'))
    os.environ.setdefault('TRYTOND_DATABASE__PATH',
        os.path.join(ROOT, 'var', 'db'))
    sys.path.insert(0, ROOT)
    return backend


def suite_names():
    return [
        f'trytond.modules.{m}.tests.{t[:-3]}' for m in MODULES
        for t in sorted(os.listdir(os.path.join(ROOT, 'addons', m, 'tests')))
        if t.startswith('test_') and t.endswith('.py')] + CROSS_MODULE


def groups(names):
    "The suites by module (cross-module suites alone), longest first"
    by_group = {}
    for name in names:
        parts = name.split('.')
        key = parts[2] if name.startswith('trytond.modules.') else name
        by_group.setdefault(key, []).append(name)
    rank = {k: i for i, k in enumerate(LONGEST_FIRST)}
    return [by_group[k] for k in sorted(by_group,
            key=lambda k: rank.get(k, len(rank)))]


def run_parallel(backend, names, jobs):
    "Each group in a process of its own, jobs at a time"
    slots = list(range(jobs))
    base = os.environ['DB_NAME']
    totals = [0, 0, 0]
    timings, cpu = [], []

    def run(group):
        slot = slots.pop()
        try:
            env = dict(os.environ, ECOM_TESTS_CHILD='1')
            if backend != 'sqlite':
                env['DB_NAME'] = f'{base}_{slot}'
            with tempfile.TemporaryFile() as out:
                started = time.monotonic()
                process = subprocess.Popen(
                    [sys.executable, os.path.abspath(__file__), *group],
                    env=env, stdout=out, stderr=subprocess.STDOUT)
                # the CPU time of the suites and of what they ran and
                # waited for (servers, builders): unlike their wall time,
                # it does not grow when the other runs share the cores
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                cpu.append((usage.ru_utime + usage.ru_stime,
                        time.monotonic() - started, group[0]))
                out.seek(0)
                output = out.read().decode(errors='replace')
        finally:
            slots.append(slot)
        print(output, flush=True)
        found = TOTALS.findall(output)
        if found:
            passed, failed, skipped = map(int, found[-1])
        else:
            passed, failed, skipped = 0, 1, 0
            print(f"no totals from {group} (exit {process.returncode})",
                flush=True)
        if process.returncode and not failed:
            failed = 1
        totals[0] += passed
        totals[1] += failed
        totals[2] += skipped
        timings.extend(line for line in output.splitlines()
            if TIMING.match(line))

    with ThreadPoolExecutor(jobs) as executor:
        list(executor.map(run, groups(names)))
    print(f"time per suite on {backend} ({jobs} processes):")
    print('\n'.join(timings))
    print(f"CPU and wall time per process on {backend} (its first suite):")
    for seconds, wall, name in sorted(cpu, reverse=True):
        print(f"  {seconds:7.1f}s CPU {wall:7.1f}s wall  {name}")
    print(f"  {sum(c[0] for c in cpu):7.1f}s CPU in all")
    return totals


class TimedResult(unittest.TextTestResult):
    "Each test's time (set-up of its class counted in its first test)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []
        self._last = time.monotonic()

    def stopTest(self, test):
        super().stopTest(test)
        now = time.monotonic()
        self.durations.append((test.id(), now - self._last))
        self._last = now


def finish(passed, failed, skipped):
    "Print the closing line; the exit code"
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if not passed + failed + skipped:
        # said, not failed: an empty selection is no error of the code
        print("no test ran", file=sys.stderr)
    return 1 if failed else 0


def main(argv):
    backend = setup_environment()
    # before the first pool: upstream scans every entry point per name
    from trytond.modules.ecom_base import module_lookup
    module_lookup.install()
    if backend == 'postgresql' and os.environ['DB_CACHE']:
        from tests import dbcache
        dbcache.install()
        if not os.environ.get('ECOM_TESTS_CHILD'):
            dbcache.drop_stale(os.environ['DB_CACHE'])
    jobs = 1
    if argv[1:2] == ['--jobs']:
        jobs, argv = int(argv[2]), argv[:1] + argv[3:]
    names = argv[1:] or suite_names()
    if jobs > 1:
        return finish(*run_parallel(backend, names, jobs))
    loader = unittest.TestLoader()
    suites = [(n, loader.loadTestsFromName(n)) for n in names]
    count = sum(s.countTestCases() for _, s in suites)
    print(f"running {count} tests on {backend}", flush=True)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=TimedResult)
    ran = failed = skipped = 0
    timings, slow = [], []
    for name, suite in suites:
        started = time.monotonic()
        result = runner.run(suite)
        timings.append((name, result.testsRun, time.monotonic() - started))
        slow.extend(result.durations)
        ran += result.testsRun
        failed += len(result.failures) + len(result.errors) + len(
            result.unexpectedSuccesses)
        skipped += len(result.skipped)
    print("slowest tests:")
    for test, seconds in sorted(slow, key=lambda t: -t[1])[:SLOWEST]:
        print(f"  {seconds:7.1f}s  {test}")
    print(f"time per suite on {backend}:")
    for name, tests, seconds in timings:
        print(f"  {seconds:7.1f}s {tests:4d} tests  {name}")
    return finish(max(ran - failed - skipped, 0), failed, skipped)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
