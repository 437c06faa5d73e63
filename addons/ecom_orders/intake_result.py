"""What the intake answers for each order of a request."""
from dataclasses import dataclass, field

from .intake_format import IntakeError


@dataclass
class Result:
    "What happened to one order"
    external_id: str | None
    status: str = 'rejected'
    http_status: int = 422
    errors: list = field(default_factory=list)
    code: str | None = None
    sale: int | None = None
    number: str | None = None
    reason: str | None = None
    payload: str | None = None

    def reject(self, error):
        self.status, self.http_status = 'rejected', error.status
        self.errors, self.code = error.errors, error.code
        return self

    def as_json(self):
        data = {'status': self.status, 'external_id': self.external_id}
        if self.sale:
            data['sale'] = {'id': self.sale, 'number': self.number}
        if self.reason:
            data['reason'] = self.reason
        if self.errors:
            data['code'] = self.code
            data['errors'] = [
                {'field': f, 'reason': r} for f, r in self.errors]
        return data


@dataclass
class Item:
    "An order waiting for the writing transaction"
    order: object
    result: Result
    products: dict = field(default_factory=dict)
    first: object = None  # the earlier item of the batch with the same id
    tag: object = None  # what the caller records the result on


def new_items(orders_or_errors, payloads):
    "Items for parsed orders; parse errors become rejected results"
    items = []
    for parsed, payload in zip(orders_or_errors, payloads):
        if isinstance(parsed, IntakeError):
            result = Result(external_id=None, payload=payload)
            result.reject(parsed)
            items.append(Item(order=None, result=result))
        else:
            items.append(Item(order=parsed, result=Result(
                        external_id=parsed.external_id, status='pending',
                        http_status=0, payload=payload)))
    return items

