"""A carrier's default package: what a shipment without packages is put in
when its label is bought."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Carrier(metaclass=PoolMeta):
    __name__ = 'carrier'

    ecom_package_type = fields.Many2One(
        'stock.package.type', "Default Package", ondelete='RESTRICT',
        states={'invisible': ~Eval('shipping_service')},
        help="The package a shipment with no package is put in (all its "
        "goods) when its label is bought.")
