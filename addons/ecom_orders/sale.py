from trytond.model import Unique, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_channel = fields.Many2One(
        'ecom.channel', "Channel", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    ecom_external_id = fields.Char(
        "External Order ID", strip=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The order number in the storefront; one sale per channel.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_external_unique',
                Unique(t, t.ecom_channel, t.ecom_external_id),
                'ecom_orders.msg_sale_external_unique'),
            ]

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_external_id', None)
        return super().copy(sales, default=default)
