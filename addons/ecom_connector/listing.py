from trytond.model import fields
from trytond.pool import PoolMeta


class Listing(metaclass=PoolMeta):
    __name__ = 'ecom.channel.listing'

    ecom_pushed_quantity = fields.Integer(
        "Stock Pushed", readonly=True,
        help="The available-to-sell quantity last sent to the storefront: "
        "only listings whose quantity changed are sent again.")
