"""Sendcloud's shipping API v2 on 127.0.0.1 for the tests and the demo.

It answers what upstream stock_package_shipping_sendcloud calls, shaped as
Sendcloud's API reference shows: ``GET user/addresses/sender``
(``sender_addresses``), ``GET shipping_methods`` (``shipping_methods`` with
weight ranges and countries), ``POST parcels`` (``{"parcels": [...]}`` in,
each with ``id``, ``tracking_number``, ``tracking_url`` and the ``label``
URLs per printer out; a bad parcel refuses the call with 400
``{"error": {"code", "message", "request"}}`` and creates nothing),
``GET parcels/<id>`` and the label URLs (a PDF). HTTP basic auth with the
public and secret keys; anything else is 401."""
import argparse
import base64
import itertools
import threading
import time

from trytond import config
from trytond.modules.ecom_base.tests.http_server import (
    SimulatedStore,
    StorefrontServer,
)

PREFIX = '/api/v2/'
REQUIRED = ['name', 'address', 'city', 'postal_code', 'country']
METHODS = [
    # id, name, carrier, min kg, max kg, countries
    (8, "Unstamped letter", 'sendcloud', '0.001', '2.001', ['NL']),
    (1311, "Correos Paq Estándar 0-5kg", 'correos', '0.001', '5.001',
        ['ES', 'PT']),
    (1312, "Correos Paq Estándar 5-20kg", 'correos', '5.001', '20.001',
        ['ES', 'PT']),
    (2210, "DHL Europlus 0-31.5kg", 'dhl', '0.001', '31.501',
        ['DE', 'FR', 'IT', 'NL', 'BE', 'PT', 'AT']),
    ]


def pdf(text):
    "A one-page PDF saying text (what a label is to the tests)"
    stream = f"BT /F1 18 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] "
            b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


class Simulator(SimulatedStore):
    "One Sendcloud account"

    def __init__(self, public_key='pk_test', secret_key='sk_test', port=0,
            first_id=5001):
        self.auth = 'Basic ' + base64.b64encode(
            f'{public_key}:{secret_key}'.encode()).decode()
        self.parcels = {}
        self.calls = []  # (method, endpoint)
        self.lock = threading.Lock()
        self._ids = itertools.count(first_id)
        self.http = StorefrontServer(self, port)

    @property
    def api_url(self):
        return self.url.rstrip('/') + PREFIX

    def configure(self):
        "Make this process's Sendcloud calls (ecom_labels) reach this one"
        if not config.has_section('ecom_labels'):
            config.add_section('ecom_labels')
        config.set('ecom_labels', 'sendcloud_url', self.api_url)

    def answer(self, method, path, query, body, headers):
        if not path.startswith(PREFIX):
            return 404, {}, {'error': {'code': 404, 'message': "Not found"}}
        endpoint = path[len(PREFIX):].strip('/')
        with self.lock:
            self.calls.append((method, endpoint))
        if headers.get('Authorization') != self.auth:
            return 401, {}, {'error': {'code': 401, 'request': path[1:],
                        'message': "Invalid username/password."}}
        if method == 'GET' and endpoint == 'user/addresses/sender':
            return 200, {}, {'sender_addresses': [{
                        'id': 73, 'company_name': "Tienda Demo S.L.",
                        'contact_name': "Almacén", 'street': "Calle Mayor",
                        'house_number': '1', 'postal_code': '28013',
                        'city': "Madrid", 'country': 'ES'}]}
        if method == 'GET' and endpoint == 'shipping_methods':
            return 200, {}, {'shipping_methods': [{
                        'id': i, 'name': name, 'carrier': carrier,
                        'min_weight': low, 'max_weight': high,
                        'service_point_input': 'none', 'price': 0,
                        'countries': [{'iso_2': c, 'price': 4.95}
                            for c in countries]}
                    for i, name, carrier, low, high, countries in METHODS]}
        if method == 'POST' and endpoint == 'parcels':
            return self._create(path, body)
        if method == 'GET' and endpoint.startswith('parcels/'):
            parcel = self.parcels.get(_int(endpoint.split('/')[1]))
            if parcel:
                return 200, {}, {'parcel': parcel}
        if method == 'GET' and endpoint.startswith('labels/'):
            parcel = self.parcels.get(_int(endpoint.rsplit('/', 1)[1]))
            if parcel:
                return 200, {'Content-Type': 'application/pdf'}, pdf(
                    parcel['tracking_number'])
        return 404, {}, {'error': {'code': 404, 'request': path[1:],
                    'message': "No Parcel matches the given query."}}

    def _create(self, path, body):
        parcels = (body or {}).get('parcels')
        if not isinstance(parcels, list) or not parcels:
            return self._bad(path, "parcels: This field is required.")
        for parcel in parcels:
            for field in REQUIRED:
                if not parcel.get(field):
                    return self._bad(path,
                        f"{field}: This field is required.")
            problem = self._method_problem(parcel)
            if problem:
                return self._bad(path, problem)
        created = []
        with self.lock:
            for parcel in parcels:
                created.append(self._parcel(next(self._ids), parcel))
                self.parcels[created[-1]['id']] = created[-1]
        return 200, {}, {'parcels': created}

    def _method_problem(self, parcel):
        if parcel.get('apply_shipping_rules'):
            method = next((m for m in METHODS
                    if parcel['country'] in m[5]
                    and float(m[3]) <= float(parcel.get('weight') or 0.001)
                    <= float(m[4])), None)
        else:
            method = next((m for m in METHODS
                    if m[0] == (parcel.get('shipment') or {}).get('id')),
                None)
        if not method:
            return ("shipment: No shipping method ships this parcel to "
                f"{parcel['country']}.")
        if parcel['country'] not in method[5]:
            return (f"country: {method[1]} does not ship to "
                f"{parcel['country']}.")
        parcel['shipment'] = {'id': method[0], 'name': method[1]}
        parcel['carrier'] = {'code': method[2]}

    def _parcel(self, id_, parcel):
        number = f"3SDEMO{id_:010d}"
        label = f"{self.api_url}labels/label_printer/{id_}"
        normal = [f"{self.api_url}labels/normal_printer/{id_}?start_from={i}"
            for i in range(4)]
        return dict(parcel, id=id_, tracking_number=number,
            tracking_url=(f"https://tracking.eu-central-1-0.sendcloud.sc/"
                f"forward?carrier={parcel['carrier']['code']}"
                f"&code={number}&destination={parcel['country']}"),
            country={'iso_2': parcel['country']},
            status={'id': 1000, 'message': "Ready to send"},
            label={'normal_printer': normal, 'label_printer': label})

    def _bad(self, path, message):
        return 400, {}, {'error': {'code': 400, 'request': path[1:],
                    'message': message}}


def _int(text):
    try:
        return int(text.split('?')[0])
    except ValueError:
        return None


def main():
    "Serve one account until interrupted (make demo runs it beside trytond)"
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument('--port', type=int, default=8011)
    parser.add_argument('--public-key', default='pk_demo')
    parser.add_argument('--secret-key', default='sk_demo')
    args = parser.parse_args()
    sendcloud = Simulator(args.public_key, args.secret_key, args.port,
        first_id=int(time.time()) % 10 ** 7 * 10)
    sendcloud.serve("Sendcloud", sendcloud.api_url)


if __name__ == '__main__':
    main()
