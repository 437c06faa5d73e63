"""Erasure tests: run Tryton's *Erase*, find where a text is left in the
tables of our models."""
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction


def texts_found(needles):
    """(table, column) of our tables whose text columns hold one of the
    needles (case-insensitive)"""
    pool = Pool()
    cursor = Transaction().connection.cursor()
    found = []
    for name, Model in pool.iterobject():
        if not (name.startswith('ecom.') or name == 'marketing.email') or (
                not issubclass(Model, ModelSQL)) or callable(
                getattr(Model, 'table_query', None)):
            continue
        table = Model.__table__()
        for field_name, field in Model._fields.items():
            if field._type not in {'char', 'text'} or isinstance(
                    field, fields.Function):
                continue
            column = getattr(table, field_name)
            for needle in needles:
                cursor.execute(*table.select(table.id,
                        where=column.ilike(f'%{needle}%')))
                if cursor.fetchone():
                    found.append((table._name, field_name, needle))
    return found


def erase(party):
    "Tryton's *Erase* wizard run on party (made inactive first, as asked)"
    pool = Pool()
    Party = pool.get('party.party')
    Erase = pool.get('party.erase', type='wizard')
    Party.write([party], {'active': False})
    session_id, _, _ = Erase.create()
    wizard = Erase(session_id)
    wizard.ask.party = party
    wizard.transition_erase()
