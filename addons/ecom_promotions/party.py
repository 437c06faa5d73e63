"""The customer's carts erased with them (Tryton's *Erase*, party.erase):
each cart of theirs or priced for one of their email addresses loses the
email, the storefront's cart token and the customer, as the retention
erases closed carts; the lines and totals stay for the figures."""
from trytond.modules.ecom_base.erasure import like_escape, party_emails
from trytond.pool import Pool, PoolMeta


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def to_erase(self, party_id):
        Cart = Pool().get('ecom.cart')
        result = super().to_erase(party_id)
        result.append((Cart, ['OR', ('party', '=', party_id)]
                + [('email', 'ilike', like_escape(e))
                    for e in party_emails(party_id)], False,
                ['email', 'token', 'party'], [None, None, None]))
        return result
