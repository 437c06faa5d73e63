"""The customer of an email address, made when there is none: a newsletter
confirmed, a validated storefront account, a cart that accepted marketing
and a conversation handed over by the customer assistant all need one
(scenarios, consents, orders and complaints meet on it)."""
from trytond.pool import Pool

from .erasure import like_escape


def customer_for(email, name=None, lang=None, create=True):
    """The oldest active party with this email (in any case), else a new
    one named name (the address without one) when create"""
    pool = Pool()
    Mechanism = pool.get('party.contact_mechanism')
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    mechanisms = Mechanism.search([('type', '=', 'email'),
            ('value', 'ilike', like_escape(email)),
            ('party.active', '=', True)], order=[('id', 'ASC')], limit=1)
    if mechanisms:
        return mechanisms[0].party
    if not create:
        return None
    langs = Lang.search([('code', '=', lang), ('translatable', '=', True)],
        limit=1) if lang else []
    party, = Party.create([{'name': name or email,
                'lang': langs[0].id if langs else None,
                'contact_mechanisms': [('create', [{
                                'type': 'email', 'value': email}])]}])
    return party
