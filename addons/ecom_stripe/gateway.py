"""A channel's payment gateway may be a Stripe account the back office
operates: its journal (upstream account_payment_stripe) holds the keys."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Gateway(metaclass=PoolMeta):
    __name__ = 'ecom.channel.gateway'

    stripe_journal = fields.Many2One(
        'account.payment.journal', "Stripe Journal", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('process_method', '=', 'stripe'),
            ],
        help="The payment journal of the shop's Stripe account: orders "
        "the storefront reports authorised are captured when they ship, "
        "and the credit notes of their returns refunded through Stripe.")
