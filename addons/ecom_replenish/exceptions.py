"""What replenishment refuses."""
from trytond.exceptions import UserError


class ReplenishError(UserError):
    "An alert that cannot become a purchase request"
