"""What the modules share about records changed in SQL."""
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
