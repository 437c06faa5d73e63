"""The public HTTP layer maps what model code raises, without a database."""
import json
import unittest

from trytond.exceptions import UserError
from trytond.modules.ecom_orders.api import (
    ConcurrentChange,
    FieldErrors,
    IntakeError,
    OrderRefused,
    http_error,
    json_errors,
)
from trytond.modules.ecom_orders.stock import is_retryable


def answer_of(exception):
    "(status, JSON body) of a route whose handler raised exception"
    def handler():
        raise exception
    response = json_errors('order', 7, handler)
    return response.status_code, json.loads(response.get_data())


class HTTPLayerTestCase(unittest.TestCase):
    "Model refusals become HTTP answers in one place"

    def test_model_refusal_is_a_422_naming_fields(self):
        status, body = answer_of(OrderRefused([
                    ('coupons[0]', "unknown code"),
                    ('loyalty_points', "more than the balance")], 'coupon'))
        self.assertEqual(status, 422)
        self.assertEqual(body, {'status': 'rejected', 'code': 'coupon',
                'errors': [
                    {'field': 'coupons[0]', 'reason': "unknown code"},
                    {'field': 'loyalty_points',
                        'reason': "more than the balance"}]})

    def test_http_error_keeps_its_status(self):
        status, body = answer_of(IntakeError(409, [('lines[0].sku',
                        "out of stock")], 'out_of_stock'))
        self.assertEqual((status, body['code']), (409, 'out_of_stock'))
        error = IntakeError(404, [('channel', "no channel")])
        self.assertIs(http_error(error), error)

    def test_other_errors_are_a_500_that_records_nothing(self):
        with self.assertLogs('trytond.modules.ecom_orders.api', 'ERROR'):
            status, body = answer_of(RuntimeError("boom"))
        self.assertEqual((status, body['code']), (500, 'server_error'))
        self.assertNotIn("boom", json.dumps(body))

    def test_refusals_are_user_errors_for_the_back_office(self):
        "A clerk confirming the same order sees the message, field by field"
        refused = OrderRefused([('loyalty_points', "too many")])
        self.assertIsInstance(refused, FieldErrors)
        self.assertIsInstance(refused, UserError)
        self.assertEqual(refused.message, "loyalty_points: too many")

    def test_only_concurrent_changes_run_the_batch_again(self):
        self.assertTrue(is_retryable(ConcurrentChange("last use taken")))
        self.assertFalse(is_retryable(OrderRefused([('order', "no")])))
        self.assertFalse(is_retryable(UserError("any")))
