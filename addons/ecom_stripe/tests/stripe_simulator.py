"""A local Stripe API over real HTTP, for the tests and the demo.

It answers the calls upstream account_payment_stripe makes with Stripe's
official client library (form-encoded requests, ``Bearer`` secret key,
``Idempotency-Key``) as Stripe's API reference shows them (curl's
``-u sk_test_...:`` works too):

- ``GET /v1/payment_intents/{id}`` (``expand[]=latest_charge``),
  ``POST /v1/payment_intents/{id}/capture`` (``amount_to_capture``),
  ``POST /v1/payment_intents/{id}/cancel`` (``cancellation_reason``);
- ``GET /v1/charges/{id}``;
- ``POST /v1/refunds`` (``payment_intent`` or ``charge``, ``amount``).

Errors are Stripe's: 401 for a wrong key, 404 ``resource_missing``, 400
``payment_intent_unexpected_state`` (capturing what is not
``requires_capture``: captured already, or the authorisation expired),
``amount_too_large`` (capturing or refunding more than is left). A POST
repeated with the same ``Idempotency-Key`` gets the first answer again.

What a storefront's checkout does with Stripe.js (a customer authorising
a card) is ``authorize()``; ``expire()`` cancels an authorisation as
Stripe does after 7 days. ``state`` (a JSON file) keeps the account
between processes: the demo build authorises, ``make demo`` serves it.
"""
import argparse
import base64
import itertools
import json
import os
import threading
import time

from trytond import config
from trytond.modules.ecom_base.tests.http_server import (
    SimulatedStore,
    StorefrontServer,
)

PREFIX = '/v1/'


def _error(status, code, message, param=None):
    error = {'type': ('invalid_request_error' if status != 402
            else 'card_error'), 'code': code, 'message': message}
    if param:
        error['param'] = param
    return status, {}, {'error': error}


class Simulator(SimulatedStore):
    "One Stripe account (test mode), served on 127.0.0.1"

    def __init__(self, secret_key='sk_test_shop', port=0, state=None):
        self.secret_key = secret_key
        self.state = state
        self.intents, self.charges, self.refunds = {}, {}, {}
        self.idempotent = {}
        self.calls = []  # (method, path)
        self.lock = threading.RLock()
        if state and os.path.exists(state):
            with open(state) as file:
                saved = json.load(file)
            self.intents, self.charges, self.refunds = (
                saved['intents'], saved['charges'], saved['refunds'])
        self._ids = itertools.count(len(self.intents) + len(self.refunds)
            + 1000 * (int(time.time()) % 100000))
        self.http = StorefrontServer(self, port)

    @property
    def api_base(self):
        return self.url.rstrip('/')

    def configure(self):
        "Make this process's Stripe calls (ecom_stripe) reach this one"
        if not config.has_section('ecom_stripe'):
            config.add_section('ecom_stripe')
        config.set('ecom_stripe', 'api_base', self.api_base)

    def _id(self, prefix):
        return f'{prefix}_sim{next(self._ids):010d}'

    def _save(self):
        if self.state:
            with open(self.state + '.tmp', 'w') as file:
                json.dump({'intents': self.intents, 'charges': self.charges,
                        'refunds': self.refunds}, file)
            os.replace(self.state + '.tmp', self.state)

    # What happens outside the back office

    def authorize(self, amount, currency='eur', capture=False):
        """A customer's card authorised for amount (Decimal or cents) at
        checkout; captured at once if capture: the PaymentIntent's id"""
        cents = amount if isinstance(amount, int) else round(amount * 100)
        with self.lock:
            intent_id, charge_id = self._id('pi'), self._id('ch')
            self.charges[charge_id] = {
                'id': charge_id, 'object': 'charge', 'amount': cents,
                'amount_captured': cents if capture else 0,
                'amount_refunded': 0, 'captured': capture,
                'currency': currency.lower(), 'paid': True,
                'payment_intent': intent_id, 'refunded': False,
                'status': 'succeeded', 'livemode': False, 'metadata': {}}
            self.intents[intent_id] = {
                'id': intent_id, 'object': 'payment_intent', 'amount': cents,
                'amount_capturable': 0 if capture else cents,
                'amount_received': cents if capture else 0,
                'capture_method': 'automatic' if capture else 'manual',
                'currency': currency.lower(), 'latest_charge': charge_id,
                'status': 'succeeded' if capture else 'requires_capture',
                'livemode': False, 'metadata': {}}
            self._save()
        return intent_id

    def expire(self, intent_id):
        "The authorisation lapsed (Stripe cancels it after 7 days)"
        with self.lock:
            intent = self.intents[intent_id]
            intent.update(status='canceled', amount_capturable=0,
                cancellation_reason='automatic')
            self._save()

    # The API

    def answer(self, method, path, query, body, headers):
        with self.lock:
            self.calls.append((method, path))
            if headers.get('Authorization') not in {
                    f'Bearer {self.secret_key}', 'Basic ' + base64.b64encode(
                        f'{self.secret_key}:'.encode()).decode()}:
                return 401, {}, {'error': {'type': 'invalid_request_error',
                            'message': "Invalid API Key provided."}}
            key = headers.get('Idempotency-Key')
            if method == 'POST' and key and (path, key) in self.idempotent:
                return self.idempotent[(path, key)]
            result = self._answer(method, path[len(PREFIX):].split('/'),
                query, body or {})
            if method == 'POST' and key:
                self.idempotent[(path, key)] = result
            if method == 'POST' and result[0] == 200:
                self._save()
            return result

    def _answer(self, method, parts, query, body):
        expand = {v for k, v in {**query, **body}.items()
            if k.startswith('expand')}
        if parts[0] == 'payment_intents' and len(parts) >= 2:
            intent = self.intents.get(parts[1])
            if not intent:
                return _error(404, 'resource_missing',
                    f"No such payment_intent: '{parts[1]}'", 'intent')
            if method == 'POST' and parts[2:] == ['capture']:
                return self._capture(intent, body)
            if method == 'POST' and parts[2:] == ['cancel']:
                return self._cancel(intent, body)
            if method == 'GET' and len(parts) == 2:
                return 200, {}, self._intent(intent, expand)
        if parts[0] == 'charges' and len(parts) == 2 and method == 'GET':
            charge = self.charges.get(parts[1])
            if not charge:
                return _error(404, 'resource_missing',
                    f"No such charge: '{parts[1]}'", 'id')
            return 200, {}, charge
        if parts == ['refunds'] and method == 'POST':
            return self._refund(body)
        return _error(404, 'resource_missing', "Unrecognized request URL.")

    def _intent(self, intent, expand):
        intent = dict(intent)
        if 'latest_charge' in expand:
            intent['latest_charge'] = self.charges[intent['latest_charge']]
        return intent

    def _capture(self, intent, body):
        if intent['status'] != 'requires_capture':
            return _error(400, 'payment_intent_unexpected_state', (
                    "This PaymentIntent could not be captured because it "
                    f"has a status of {intent['status']}. Only a "
                    "PaymentIntent with one of the following statuses may "
                    "be captured: requires_capture."))
        amount = int(body.get('amount_to_capture') or intent['amount'])
        if amount > intent['amount_capturable']:
            return _error(400, 'amount_too_large', (
                    f"The amount to capture ({amount}) is greater than the "
                    f"capturable amount ({intent['amount_capturable']})."),
                'amount_to_capture')
        charge = self.charges[intent['latest_charge']]
        charge.update(captured=True, amount_captured=amount)
        intent.update(status='succeeded', amount_capturable=0,
            amount_received=amount)
        return 200, {}, intent

    def _cancel(self, intent, body):
        if intent['status'] not in {'requires_payment_method',
                'requires_capture', 'requires_confirmation',
                'requires_action', 'processing'}:
            return _error(400, 'payment_intent_unexpected_state', (
                    "You cannot cancel this PaymentIntent because it has a "
                    f"status of {intent['status']}. Only a PaymentIntent "
                    "with one of the following statuses may be canceled: "
                    "requires_payment_method, requires_capture, "
                    "requires_confirmation, requires_action, processing."))
        intent.update(status='canceled', amount_capturable=0,
            cancellation_reason=body.get('cancellation_reason'))
        return 200, {}, intent

    def _refund(self, body):
        charge = None
        if body.get('payment_intent'):
            intent = self.intents.get(body['payment_intent'])
            if not intent:
                return _error(404, 'resource_missing', (
                        f"No such payment_intent: '{body['payment_intent']}'"),
                    'payment_intent')
            charge = self.charges[intent['latest_charge']]
        elif body.get('charge'):
            charge = self.charges.get(body['charge'])
            if not charge:
                return _error(404, 'resource_missing',
                    f"No such charge: '{body['charge']}'", 'charge')
        else:
            return _error(400, 'parameter_missing', (
                    "One of the following params should be provided for "
                    "this request: payment_intent or charge."))
        left = charge['amount_captured'] - charge['amount_refunded']
        if not charge['captured'] or left <= 0:
            return _error(400, 'charge_already_refunded', (
                    f"Charge {charge['id']} has already been refunded."
                    if charge['captured'] else
                    f"Charge {charge['id']} has not been captured."))
        amount = int(body.get('amount') or left)
        if amount > left:
            return _error(400, 'amount_too_large', (
                    f"Refund amount ({amount}) is greater than unrefunded "
                    f"amount on charge ({left})"), 'amount')
        charge['amount_refunded'] += amount
        charge['refunded'] = charge['amount_refunded'] >= charge['amount']
        refund_id = self._id('re')
        self.refunds[refund_id] = refund = {
            'id': refund_id, 'object': 'refund', 'amount': amount,
            'charge': charge['id'], 'currency': charge['currency'],
            'payment_intent': charge['payment_intent'],
            'reason': body.get('reason') or None, 'status': 'succeeded',
            'metadata': {}}
        return 200, {}, refund


def main():
    "Serve one test-mode account until interrupted (make demo runs it)"
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument('--port', type=int, default=8012)
    parser.add_argument('--secret-key', default='sk_test_demo')
    parser.add_argument('--state', help="the account's JSON file")
    args = parser.parse_args()
    stripe = Simulator(args.secret_key, args.port, args.state)
    stripe.serve("Stripe", stripe.api_base)


if __name__ == '__main__':
    main()
