"""Bulk SQL helpers shared by the modules: chunks, ``IN`` lists, and the
multi-row writes of the catalog import.

Tryton's ORM creates about 65 products a second (validation of every
record, quadratic record caches in big batches): 100,000 products would
take 25 minutes. The import validates every row itself before writing
anything, so it writes with multi-row SQL statements here. Every column
the import does not set gets the value the ORM would give it
(``default_get`` of the model, so defaults added by other modules are kept).
"""
import datetime as dt
from collections import defaultdict

from sql.functions import Function
from sql.operators import Equal
from trytond import backend
from trytond.model import fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

CHUNK = 1000


def chunks(values, size=CHUNK):
    "values in lists of at most size"
    for sub in grouped_slice(values, size):
        yield list(sub)


class _Any(Function):
    _function = 'ANY'


def lookups(values):
    """values in lists for in_(): all at once on PostgreSQL (one array
    parameter), by CHUNK elsewhere"""
    if backend.name == 'postgresql':
        values = list(values)
        return [values] if values else []
    return chunks(values)


def in_(column, values):
    """column IN values. On PostgreSQL one array parameter, which it hashes:
    an IN of 1,000 parameters is compared one by one (2.5 s a query on
    100,000 products without an index)"""
    if backend.name == 'postgresql':
        return Equal(column, _Any(list(values)))
    return column.in_(list(values))


def _columns(Model):
    "Names of the fields of Model stored in its own table"
    return [
        name for name, field in Model._fields.items()
        if not isinstance(field, (
                fields.Function, fields.One2Many, fields.Many2Many))
        and name not in {'id', 'create_uid', 'create_date',
            'write_uid', 'write_date'}]


def _defaults(Model, names):
    values = Model.default_get(names, with_rec_name=False)
    return {n: values.get(n) for n in names}


def insert(Model, rows):
    """Insert rows (dicts of column values) into Model's table; return the
    new ids in the order of rows"""
    if not rows:
        return []
    transaction = Transaction()
    database = transaction.database
    connection = transaction.connection
    cursor = connection.cursor()
    table = Model.__table__()
    names = sorted(set().union(*rows) | set(_columns(Model)))
    defaults = _defaults(Model, [n for n in names if n in Model._fields])
    now = dt.datetime.now()
    user = transaction.user
    columns = [getattr(table, n) for n in names] + [
        table.create_uid, table.create_date]

    def values(row):
        return [row[n] if n in row else defaults.get(n) for n in names] + [
            user, now]

    ids = []
    for sub in chunks(rows):
        new_ids = database.nextid(connection, Model._table, count=len(sub))
        if new_ids is not None:
            if len(sub) == 1:
                new_ids = [new_ids]
            params = [values(r) + [i] for r, i in zip(sub, new_ids)]
            if hasattr(cursor, 'copy'):
                # PostgreSQL: COPY is 5-10x faster than INSERT
                names_sql = ', '.join(f'"{n}"' for n in [
                        *names, 'create_uid', 'create_date', 'id'])
                with cursor.copy(
                        f'COPY "{Model._table}" ({names_sql}) FROM STDIN'
                        ) as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                query, _ = tuple(table.insert(
                        columns + [table.id], params[:1]))
                cursor.executemany(query, params)
            ids.extend(new_ids)
        else:
            for row in sub:
                cursor.execute(*table.insert(columns, [values(row)]))
                ids.append(database.lastid(cursor))
    return ids


def update(Model, rows):
    """Write rows (dicts with 'id' and the columns to change) with SQL: one
    UPDATE per set of changed columns, the rows as its parameters"""
    cursor = Transaction().connection.cursor()
    table = Model.__table__()
    now = dt.datetime.now()
    user = Transaction().user
    groups = defaultdict(list)
    for row in rows:
        names = tuple(sorted(n for n in row if n != 'id'))
        if names:
            groups[names].append(row)
    for names, group in groups.items():
        params = [[r[n] for n in names] + [user, now, r['id']]
            for r in group]
        query, _ = tuple(table.update(
                [getattr(table, n) for n in names]
                + [table.write_uid, table.write_date],
                params[0][:-1], where=table.id == params[0][-1]))
        cursor.executemany(query, params)


def set_translations(field_name, lang, values, fresh=()):
    """Store translations of a translatable field: values maps record id ->
    (source text, translated text); fresh records have none to replace"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    if not values:
        return
    cursor = Transaction().connection.cursor()
    table = Translation.__table__()
    ids = [i for i in values if i not in fresh]
    for sub in lookups(ids):
        cursor.execute(*table.delete(
                where=(table.name == field_name) & (table.lang == lang)
                & (table.type == 'model') & in_(table.res_id, sub)))
    insert(Translation, [{
                'name': field_name, 'res_id': id_, 'lang': lang,
                'type': 'model', 'src': src, 'value': value,
                'fuzzy': False, 'module': None}
            for id_, (src, value) in values.items()])
    Translation._translation_cache.clear()
