"""What the modules share about records: the cache of records changed in
SQL, and the records of each customer shown on the customer form."""
from collections import defaultdict

from trytond.transaction import Transaction


def forget(Model, ids):
    "Drop the cached values of records changed in SQL"
    transaction = Transaction()
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            for id_ in ids:
                cache[Model.__name__].pop(id_, None)
    transaction.counter += 1


def forget_all(Model):
    "Drop the cached values of every record of Model (a bulk SQL change)"
    transaction = Transaction()
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            cache[Model.__name__].clear()
    transaction.counter += 1


def per_party(Model, party, parties, domain, order=None):
    """{party id: [ids]} of the records of Model whose ``party`` (a field
    path) is one of parties, in the company of the context, in order"""
    company = Transaction().context.get('company') or -1
    found = defaultdict(list)
    for record in Model.search([(party, 'in', [p.id for p in parties]),
                ('company', '=', company), *domain], order=order):
        owner = record
        for name in party.split('.'):
            owner = getattr(owner, name)
        found[owner.id].append(record.id)
    return {p.id: found[p.id] for p in parties}


def date_or_time(moment, name):
    """The date or the time (to the second) of a datetime, for the pair of
    Function fields sao's lists show in place of a datetime column: the
    time when the field's name ends with 'time'"""
    if moment is None:
        return None
    if name.endswith('time'):
        return moment.time().replace(microsecond=0)
    return moment.date()
