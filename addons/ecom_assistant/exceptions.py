"""What the assistant refuses."""
from trytond.modules.ecom_orders.exceptions import FieldErrors


class TooManyMessages(FieldErrors):
    "A conversation or a network past its allowance (answered 429)"

    def __init__(self, minutes, reason):
        self.minutes = minutes
        super().__init__([('message', reason)], 'too_many_requests')
