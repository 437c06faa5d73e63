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
checkout of the same code (CI's fresh clone) reuses a valid one.
"""
import os
import re
import subprocess
import sys
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
# With --jobs, the long HTTP suite starts first, then the modules in
# dependency order: a module's test starts from its dependency's cached
# database (ecom_base.tests.cache), so the dependencies go first. The
# suites that copy the demo's activated database come last: started second
# (as before 2026-12-06), test_production held a PostgreSQL slot idle for
# the 7 minutes of the intake suite's activation (CI: 585 s instead of 190).
LONGEST_FIRST = [
    'tests.test_intake_http', *MODULES, 'tests.test_production',
    'tests.test_sao_views']
# With --jobs, these run last and by themselves: sao's login lists the
# databases (trytond connects to each one), and beside another process
# restoring and dropping test databases on the same PostgreSQL server the
# login took over a minute (seen once, the browser test timed out).
ALONE = ['tests.test_demo_browser']
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
    timings = []

    def run(group):
        slot = slots.pop()
        try:
            env = dict(os.environ)
            if backend != 'sqlite':
                env['DB_NAME'] = f'{base}_{slot}'
            process = subprocess.run(
                [sys.executable, os.path.abspath(__file__), *group],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                check=False)
        finally:
            slots.append(slot)
        output = process.stdout.decode(errors='replace')
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

    together = groups(n for n in names if n not in ALONE)
    with ThreadPoolExecutor(jobs) as executor:
        list(executor.map(run, together))
    for name in ALONE:
        if name in names:
            run([name])
    print(f"time per suite on {backend} ({jobs} processes):")
    print('\n'.join(timings))
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
