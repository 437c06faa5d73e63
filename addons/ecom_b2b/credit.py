"""The credit check of an online order on account, as upstream
account_credit_limit's ``check_credit_limit`` decides it (credit amount:
receivables and, with sale_credit_limit, confirmed sales not invoiced yet;
a dunning at a level that blocks credit) but returning its reason instead of
raising: the intake holds or refuses with it. Upstream's own check cannot
serve there: it runs as the root user, for whom it only warns.

Two orders of one customer taken at once must not both fit in what is left
of the limit (each transaction would not see the other's sale): the check
first writes the customer's row (``serialise``), so the second waits for
the first to commit and then fails with a serialization error (PostgreSQL's
repeatable read; SQLite lets one transaction write at a time) and the
intake runs it again, seeing the first sale. Upstream locks whole tables
for this; that would stop every other order of the shop."""
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction


def serialise(party):
    "Write party's row (no value changes): credit checks of it in turn"
    table = Pool().get('party.party').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.write_date], [table.write_date],
            where=table.id == party.id))


def over_limit(party, company, amount, pending=0):
    """Why party may not order amount more on account (its text), or None.
    pending: what earlier orders of the same batch took already."""
    pool = Pool()
    Dunning = pool.get('account.dunning')
    Lang = pool.get('ir.lang')
    if party is None or party.id is None or amount <= 0:
        return None
    limit = party.get_multivalue('credit_limit_amount', company=company.id)
    if limit is None:  # as upstream: no limit, nothing checked
        return None
    serialise(party)
    if party.credit_amount + pending + amount > limit:
        lang = Lang.get()
        return gettext('account_credit_limit.msg_party_credit_limit_amount',
            party=party.rec_name,
            limit=lang.currency(limit, company.currency),
            amount=lang.currency(amount, company.currency))
    dunnings = Dunning.search([
            ('party', '=', party.id),
            ('level.credit_limit', '=', True),
            ('blocked', '!=', True),
            ], limit=1)
    if dunnings:
        return gettext('account_credit_limit.msg_party_credit_limit_dunning',
            party=party.rec_name, dunning=dunnings[0].rec_name)
    return None
