"""The HTTP side of the simulators (storefronts, carriers): a threaded
server on 127.0.0.1 whose handler hands each request to
``store.answer(method, path, query, body, headers)`` and sends back the
(status, headers, data) it returns. Bodies are JSON or, as Stripe sends
them, form-encoded (a flat dict). Answers are JSON, or bytes (a label's
PDF) as they are with the answer's Content-Type."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SimulatedStore:
    "A store's address and end, once its server is self.http"

    @property
    def url(self):
        return self.http.url

    def stop(self):
        self.http.stop()

    def serve(self, name, url):
        "Print where, then serve until interrupted (make demo's simulators)"
        print(f"  {name} simulator: {url}", flush=True)
        try:
            self.http.thread.join()
        except KeyboardInterrupt:
            self.stop()


class StorefrontServer:
    "Serve store.answer over real HTTP until stop()"

    def __init__(self, store, port=0):
        class Handler(_Handler):
            pass
        Handler.store = store
        self.server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server.server_address[1]}/'

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    store = None

    def log_message(self, *args):
        pass

    def _handle(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        if not raw:
            body = None
        elif self.headers.get_content_type() == (
                'application/x-www-form-urlencoded'):
            # Stripe's API: flat keys as sent (amount, expand[0], ...)
            body = {k: v[-1] for k, v in urllib.parse.parse_qs(
                    raw.decode(), keep_blank_values=True).items()}
        else:
            body = json.loads(raw)
        status, headers, data = self.store.answer(
            method, url.path, query, body, self.headers)
        if isinstance(data, bytes):
            payload = data
        else:
            payload = json.dumps(data).encode()
            headers = {'Content-Type': 'application/json; charset=utf-8',
                **headers}
        self.send_response(status)
        self.send_header('Content-Length', str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._handle('GET')

    def do_POST(self):
        self._handle('POST')

    def do_PUT(self):
        self._handle('PUT')
