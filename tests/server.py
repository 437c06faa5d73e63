"""A real trytond process for the end-to-end tests, and the demo builder."""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, 'trytond.conf')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Server:
    "A trytond process serving one database and sao"

    def __init__(self, database, env, log_path=None):
        self.port = free_port()
        self.database = database
        self.url = f'http://127.0.0.1:{self.port}/'
        # Closed in stop(); a named log file outlives the test for reading.
        self.log = (open(log_path, 'w+b') if log_path  # noqa: SIM115
            else tempfile.TemporaryFile())  # noqa: SIM115
        env = dict(env, TRYTOND_WEB__LISTEN=f'127.0.0.1:{self.port}')
        # without a web root trytond answers 405 to / and this waits
        env.setdefault('TRYTOND_WEB__ROOT',
            os.path.join(ROOT, 'var', 'sao', 'package'))
        # warnings logged (ECOM_SERVER_VERBOSE=2: and information)
        verbose = int(env.get('ECOM_SERVER_VERBOSE', '1'))
        self.process = subprocess.Popen([
                os.path.join(os.path.dirname(sys.executable), 'trytond'),
                '-c', CONFIG, '-d', database,
                *(['-' + 'v' * verbose] if verbose else [])],
            env=env,
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        output = self.output()
        self.stop()
        raise RuntimeError("trytond did not answer: " + output)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors='replace')[-3000:]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def rpc(self, method, *params, session=None):
        request = urllib.request.Request(
            self.url + self.database + '/rpc/',
            data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if session:
            request.add_header('Authorization', 'Session ' + session)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise AssertionError(f"{method}: {answer['error']}")
        return answer['result']

    def login(self, login, password):
        user_id, key, *_ = self.rpc(
            'common.db.login', login, {'password': password})
        return base64.b64encode(
            f'{login}:{user_id}:{key}'.encode()).decode()


def build_demo(database, env, *options):
    """Build a demo database with the real builder, as `make demo` runs it:
    with asserts off (trytond's check of every instance's ids is quadratic
    in its prefetch group: a fifth of a build); the servers under test
    keep theirs"""
    subprocess.run([
            sys.executable, '-m', 'demo.build_demo', '-c', CONFIG,
            '-d', database, *options],
        cwd=ROOT, env=dict(env, PYTHONOPTIMIZE='1'), check=True,
        stdout=subprocess.DEVNULL)


def drop_database(database):
    "Drop a PostgreSQL database or remove a SQLite file, if it exists"
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if uri.startswith('postgresql'):
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
    else:
        path = os.environ.get('TRYTOND_DATABASE__PATH', '')
        for suffix in ['', '-wal', '-shm']:
            name = os.path.join(path, database + '.sqlite' + suffix)
            if os.path.exists(name):
                os.unlink(name)


def execute_sql(database, env, query, params):
    """One committed statement on the database (served with ``env``),
    behind the server's back (qmark parameters): a state no user may
    write, a table no user may read; returns its rows"""
    uri = env.get('TRYTOND_DATABASE__URI', '')
    if uri.startswith('postgresql'):
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/' + database,
                autocommit=True) as connection:
            cursor = connection.execute(query.replace('?', '%s'), params)
            return cursor.fetchall() if cursor.description else []
    import sqlite3
    path = os.path.join(env.get('TRYTOND_DATABASE__PATH', ''),
        database + '.sqlite')
    connection = sqlite3.connect(path, timeout=30)
    try:
        with connection:
            return connection.execute(query, params).fetchall()
    finally:
        connection.close()


def small_demo_pool(database, keep, products, customers):
    """The pool of a small demo database without orders, built first (and
    its time printed) unless keep; for the benchmarks"""
    if not keep:
        drop_database(database)
        started = time.monotonic()
        build_demo(database, dict(os.environ), '--products', str(products),
            '--customers', str(customers), '--orders', '0', '--days', '1',
            '--live-days', '0')
        print(f"demo database built in {time.monotonic() - started:.0f} s")
    from trytond import config
    config.update_etc(CONFIG)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(database)
    pool.init()
    return pool
