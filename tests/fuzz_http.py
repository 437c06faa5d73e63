"""Property-based fuzzing of every route of the served OpenAPI with schemathesis
(mixed into the intake HTTP test: its demo database and server).

Each operation gets FUZZ_EXAMPLES requests that the spec allows and as many
that it forbids (default 12 each; Hypothesis derandomized, so every run
sends the same ones), authenticated as the fixture's channel (webhooks
signed with its secret): no answer is a 5xx, every answer conforms to the
spec (status, content type, headers, body schema), what the spec forbids
is refused with a 4xx, and a 4xx answer created no document.
"""
import base64
import hashlib
import hmac
import os

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get('FUZZ_EXAMPLES', '12'))
CHECKS = [not_a_server_error, status_code_conformance,
    content_type_conformance, response_headers_conformance,
    response_schema_conformance]


class Signer(requests.auth.AuthBase):
    """Sign the body sent as the storefront does (header, secret), in
    place of the value generated for the header"""

    def __init__(self, header, secret):
        self.header, self.secret = header, secret

    def __call__(self, request):
        if self.header not in request.headers:
            return request  # the case leaves the signature out: 401
        body = request.body or b''
        if isinstance(body, str):
            body = body.encode()
        request.headers[self.header] = base64.b64encode(hmac.new(
                self.secret.encode(), body, hashlib.sha256).digest()).decode()
        return request


class FuzzHTTPTests:

    def fuzz_setup(self, operation):
        "(path parameters, headers, auth, base url) of an operation"
        fx = self.fx
        root = self.server.url.rstrip('/')
        if operation.path.startswith('/{database}'):
            return {'database': self.database}, {}, None, root
        headers = {'Authorization': f"Bearer {fx['app_key']}"}
        channel, auth = fx['app'], None
        if operation.path.endswith('/woocommerce'):
            channel, headers = fx['woo'], {}
            auth = Signer('X-WC-Webhook-Signature', fx['woo_secret'])
        elif operation.path.endswith('/shopify'):
            channel, headers = fx['shopify'], {}
            auth = Signer('X-Shopify-Hmac-Sha256', fx['shopify_secret'])
        elif operation.path.endswith('/cart'):
            channel = fx['promo']
            headers = {'Authorization': f"Bearer {fx['promo_key']}"}
        return ({'channel_id': channel}, headers, auth,
            f'{root}/{self.database}')

    def fuzz_operation(self, operation, mode):
        path_parameters, headers, auth, base_url = self.fuzz_setup(operation)
        session = requests.Session()
        session.auth = auth
        seen = []
        strategy = operation.as_strategy(generation_mode=mode,
            path_parameters=path_parameters, headers=headers)
        negative = mode == GenerationMode.NEGATIVE

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
            derandomize=True, phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck), print_blob=True)
        @given(case=strategy)
        def run(case):
            before = self.footprint()
            response = case.call(base_url=base_url, session=session,
                timeout=120)
            seen.append(response.status_code)
            # what the spec forbids is refused (413, too large, counts too)
            case.validate_response(response, checks=CHECKS + (
                    [negative_data_rejection] if negative
                    and response.status_code != 413 else []))
            if 400 <= response.status_code < 500:
                self.assertEqual(self.footprint(), before,
                    f"{operation.label} answered {response.status_code} "
                    "and wrote")
        run()
        return seen

    def test_fuzz_every_route(self):
        "Generated requests to every route: no 5xx, all as the spec says"
        # the description the server serves, every module's routes merged
        schema = schemathesis.openapi.from_url(
            self.server.url + 'ecom/v1/openapi.json')
        # what earlier tests started after their answers has finished, so
        # the footprint of a 4xx moves only if that request wrote
        self.settled_footprint()
        labels = []
        for result in schema.get_all_operations():
            operation = result.ok()
            labels.append(operation.label)
            for mode in [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]:
                with self.subTest(operation=operation.label, mode=mode.value):
                    try:
                        seen = self.fuzz_operation(operation, mode)
                    except Unsatisfiable:
                        # every parameter fixed or free-form: nothing the
                        # spec forbids can be sent (GET orders/<id>)
                        self.assertEqual(mode, GenerationMode.NEGATIVE)
                        continue
                    self.assertTrue(seen, operation.label)
        self.assertEqual(len(labels), 35)  # README route table: 35 operations
