"""The company's replenishment setting."""
from trytond.model import fields
from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    ecom_auto_purchase_requests = fields.Boolean(
        "Request Purchases for Low Stock",
        help="The daily low-stock check also creates the purchase requests "
        "of the open alerts that have none.")
