from trytond.exceptions import UserError


class ConnectorError(UserError):
    "A storefront's API refused a call or could not be reached"
