"""What model code raises when it refuses storefront input.

Models know nothing of HTTP: they raise these ``UserError`` subclasses (a
back-office user sees their message like any other), and the HTTP layer
(``api.http_error``) answers them with a status and every field named.
"""
from trytond.exceptions import UserError

__all__ = ['ConcurrentChange', 'FieldErrors', 'OrderRefused']


class FieldErrors(UserError):
    """Input refused, every problem named by its field: ``errors`` is a
    list of (field, reason), ``kind`` a stable word for programs (the
    answer's ``code``; UserError's own ``code`` is the RPC fault's)"""

    def __init__(self, errors, kind='invalid'):
        self.errors = list(errors)
        self.kind = kind
        super().__init__('; '.join(f'{f}: {r}' for f, r in self.errors))


class OrderRefused(FieldErrors):
    "An order (or a line of it) the intake does not take"


class ConcurrentChange(UserError):
    """A concurrent request took what this batch of orders counted on (a
    promotion's last use, loyalty points): the intake runs the batch again
    and its checks then see the new state"""
