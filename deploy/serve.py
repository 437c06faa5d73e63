"""The production profile: web processes, queue workers and cron on PostgreSQL.

    python -m deploy.serve start -d demo --web 4 --workers 2 --port 8000
    python -m deploy.serve stop

``start`` builds the demo shop in the database if PostgreSQL has none of
that name, then runs, each in its own process group and with a pid file and a log
in ``--run`` (var/run):
- ``--web`` gunicorn sync workers of Tryton's WSGI application
  (``trytond.application:app``) on ``--port``; each worker preloads the
  database (TRYTOND_DATABASE_NAMES);
- one ``trytond-worker`` with ``--workers`` processes for the queue and,
  for each queue of its own that production.conf's ``[ecom]`` names (the
  invoices' posting and rendering), one more with one process;
- one ``trytond-cron`` (unless ``--no-cron``);
all with deploy/production.conf (``[queue] worker``, ``[cache]
clean_timeout = 0``). It returns once the web port answers. ``stop`` ends
every process it started. SQLite is refused: one file cannot be shared by
several writing processes.
"""
import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, 'deploy', 'production.conf')
BIN = os.path.dirname(sys.executable)
POLL = 2


def environment(database, env=None):
    env = dict(os.environ if env is None else env)
    if not env.get('TRYTOND_DATABASE__URI', '').startswith('postgresql'):
        raise SystemExit("the production profile runs on PostgreSQL: set "
            "TRYTOND_DATABASE__URI=postgresql://user:password@host:5432/")
    env.update(TRYTOND_CONFIG=CONFIG, TRYTOND_DATABASE_NAMES=database)
    env.setdefault('TRYTOND_WEB__ROOT',
        os.path.join(ROOT, 'var', 'sao', 'package'))
    return env


def _spawn(run, name, command, env):
    log = open(os.path.join(run, f'{name}.log'), 'ab')  # noqa: SIM115
    process = subprocess.Popen(command, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    log.close()
    with open(os.path.join(run, f'{name}.pid'), 'w') as file:
        file.write(str(process.pid))
    return process


def start_web(run, database, port, processes, env=None, name=None):
    "gunicorn with processes workers on 127.0.0.1:port; returns its Popen"
    env = environment(database, env)
    return _spawn(run, name or f'web-{port}', [
            os.path.join(BIN, 'gunicorn'), '--workers', str(processes),
            '--bind', f'127.0.0.1:{port}', '--timeout', '120',
            '--graceful-timeout', '20', '--no-control-socket',
            'trytond.application:app'], env)


def dedicated_queues():
    """[(queue, nice)] of the queues production.conf names in [ecom]: the
    posting of paid orders' invoices (one worker: an invoice number is a
    strict sequence, two posting workers would only wait on each other)
    and the rendering of posted invoices (one worker at a lower priority)"""
    import configparser
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return [(parser.get('ecom', option), nice) for option, nice in [
            ('invoice_post_queue', 0), ('invoice_print_queue', 10)]
        if parser.get('ecom', option, fallback=None)]


def start_workers(run, database, processes, env=None, verbose=0):
    """trytond-worker with processes; a task rescheduled after conflicts
    is looked for every POLL seconds (Tryton's default: 60). With dedicated
    queues configured, these take the default queue only and one more
    worker process takes each dedicated queue. Queue workers run with
    PYTHONOPTIMIZE=1 (docs/production.md): trytond's asserts cost a paid
    order's processing about 5% and every test run checks them."""
    env = dict(environment(database, env), PYTHONOPTIMIZE='1')
    command = [os.path.join(BIN, 'trytond-worker'), '-c', CONFIG,
        '-d', database, '-t', str(POLL)] + ['-v'] * verbose
    dedicated = dedicated_queues()
    for queue, nice in dedicated:
        _spawn(run, f'worker-{queue}', ['nice', '-n', str(nice)] + command
            + ['-n', '1', '--name', queue], env)
    if dedicated:
        command += ['--name', 'default']
    return _spawn(run, 'worker', command + ['-n', str(processes)], env)


def start_cron(run, database, env=None):
    env = environment(database, env)
    return _spawn(run, 'cron', [
            os.path.join(BIN, 'trytond-cron'), '-c', CONFIG,
            '-d', database], env)


def wait_for(port, process, timeout=120):
    "Until http://127.0.0.1:port/ answers (any HTTP status)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web process on {port} ended "
                f"({process.returncode}): see its log")
        try:
            urllib.request.urlopen(
                f'http://127.0.0.1:{port}/', timeout=5).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"nothing answers on port {port}")


def stop(run):
    "SIGTERM each process group of run's pid files, then wait for them"
    pids = []
    for name in sorted(os.listdir(run)) if os.path.isdir(run) else []:
        if not name.endswith('.pid'):
            continue
        path = os.path.join(run, name)
        with open(path) as file:
            pid = int(file.read().strip() or 0)
        os.unlink(path)
        try:
            os.killpg(pid, signal.SIGTERM)
            pids.append((name[:-4], pid))
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 30
    for name, pid in pids:
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
        print(f"stopped {name} ({pid})")


def ensure_database(database, env=None):
    "Build the demo in database unless PostgreSQL has it already"
    import psycopg
    env = environment(database, env)
    uri = env['TRYTOND_DATABASE__URI'].rstrip('/')
    with psycopg.connect(uri + '/postgres') as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s",
            (database,)).fetchone()
    if not found:
        print(f"building the demo shop in PostgreSQL database {database!r}")
        env.pop('TRYTOND_CONFIG')
        subprocess.run([sys.executable, '-m', 'demo.build_demo',
                '-c', os.path.join(ROOT, 'trytond.conf'), '-d', database],
            env=env, cwd=ROOT, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('action', choices=['start', 'stop'])
    parser.add_argument('-d', '--database', default='demo')
    parser.add_argument('--web', type=int, default=2,
        help="web worker processes")
    parser.add_argument('--workers', type=int, default=2,
        help="queue worker processes")
    parser.add_argument('--port', type=int, default=8000)
    parser.add_argument('--no-cron', action='store_true')
    parser.add_argument('--run', default=os.path.join(ROOT, 'var', 'run'))
    args = parser.parse_args(argv)
    if args.action == 'stop':
        stop(args.run)
        return
    os.makedirs(args.run, exist_ok=True)
    if any(n.endswith('.pid') for n in os.listdir(args.run)):
        raise SystemExit(f"{args.run} has pid files: 'make stop' first")
    ensure_database(args.database)
    web = start_web(args.run, args.database, args.port, args.web, name='web')
    start_workers(args.run, args.database, args.workers)
    if not args.no_cron:
        start_cron(args.run, args.database)
    try:
        wait_for(args.port, web)
    except RuntimeError:
        stop(args.run)
        raise
    print(f"  {args.web} web processes: http://127.0.0.1:{args.port}/"
        f"#{args.database}\n  {args.workers} queue workers, "
        f"{'no' if args.no_cron else 'one'} cron; logs and pids in "
        f"{args.run}; 'make stop' ends them")


if __name__ == '__main__':
    main()
