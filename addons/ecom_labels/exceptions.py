"""What buying a label refuses."""
from trytond.exceptions import UserError


class LabelError(UserError):
    "A shipment whose label cannot be bought: every one named, with why"
