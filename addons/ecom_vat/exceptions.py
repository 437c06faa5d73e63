"""What the EU VAT settings refuse."""
from trytond.model.exceptions import ValidationError


class VatSettingError(ValidationError):
    "A company's EU VAT setting that cannot work"
