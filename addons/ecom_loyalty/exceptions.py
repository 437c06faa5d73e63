"""Errors of the loyalty module: model code raises them, the HTTP layer
answers them 422 with the field (ecom_orders.exceptions)."""
from trytond.model.exceptions import ValidationError


class LoyaltyError(ValidationError):
    "Points a customer does not have, or worth more than the order"
