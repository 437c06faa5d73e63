from trytond.modules.ecom_orders.exceptions import FieldErrors


class ReturnRefused(FieldErrors):
    "A return the storefront asked for that cannot be opened, by field"
