"""What the quick order refuses."""
from trytond.exceptions import UserError


class QuickOrderError(UserError):
    "A quick order CSV that cannot become a sale: every bad row named"
