"""What the modules' extensions of Tryton's *Erase* wizard (party.erase)
share: the customer's email addresses, as storefronts and emails knew them."""
from trytond.pool import Pool

# what an erased text column holds where it may not be empty
ERASED = '[erased]'


def like_escape(text):
    "text as a literal in a LIKE pattern"
    return text.replace('\\', '\\\\').replace('%', '\\%').replace(
        '_', '\\_')


def party_emails(party_id):
    "The party's email addresses (of inactive mechanisms too), lower-cased"
    ContactMechanism = Pool().get('party.contact_mechanism')
    return sorted({m.value.strip().lower() for m in ContactMechanism.search([
                    ('party', '=', party_id),
                    ('active', 'in', [True, False]),
                    ('type', '=', 'email')])
            if m.value})
