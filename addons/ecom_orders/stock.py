"""Available-to-sell and the reservation lock of the order intake.

available to sell = the catalog's (on hand - planned outgoing moves - safety
                    stock; ecom_catalog/availability.py)
                    - lines of confirmed sales not processed yet

Concurrent intakes serialise on one ``ecom.stock.lock`` row per product and
warehouse. The intake *updates* those rows as the first statement of its
transaction: a second intake waits for the first to commit and, under
PostgreSQL's repeatable read, then fails with a serialization error and is
retried with a snapshot that sees the first one's sale. So the quantity an
intake reads is never stale and two orders can not both take the last unit.
"""

from sql import Literal
from sql.aggregate import Sum
from sql.functions import CurrentTimestamp
from trytond import backend
from trytond.model import ModelSQL, Unique, fields
from trytond.modules.ecom_base.bulk import chunks, in_, lookups
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import ConcurrentChange


class StockLock(ModelSQL):
    "Row locked by the intake while it reserves a product in a warehouse"
    __name__ = 'ecom.stock.lock'
    __string__ = "Stock Reservation Lock"

    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='CASCADE')
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, ondelete='CASCADE')
    counter = fields.Integer("Counter", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_warehouse_unique', Unique(t, t.product, t.warehouse),
                'ecom_orders.msg_stock_lock_unique'),
            ]

    @classmethod
    def missing(cls, warehouse_id, product_ids):
        "Product ids without a lock row in the warehouse"
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        found = set()
        for sub in chunks(sorted(product_ids)):
            cursor.execute(*t.select(t.product, where=(
                        t.warehouse == warehouse_id) & t.product.in_(sub)))
            found.update(p for p, in cursor)
        return set(product_ids) - found

    @classmethod
    def ensure(cls, warehouse_id, product_ids):
        "Create the missing rows; a concurrent creation is not an error"
        missing = cls.missing(warehouse_id, product_ids)
        if not missing:
            return
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.insert(
                [t.product, t.warehouse, t.counter, t.create_uid,
                    t.create_date],
                [[p, warehouse_id, 0, 0, CurrentTimestamp()] for p in sorted(missing)]))

    @classmethod
    def acquire(cls, warehouse_id, product_ids):
        """Lock the rows, in product order; must be the transaction's first
        statement. Returns False when a row is missing."""
        t = cls.__table__()
        cursor = Transaction().connection.cursor()
        count = 0
        for product_id in sorted(product_ids):
            cursor.execute(*t.update([t.counter], [t.counter + 1],
                    where=(t.warehouse == warehouse_id)
                    & (t.product == product_id)))
            count += cursor.rowcount
        return count == len(product_ids)


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def ecom_available_to_sell(cls, warehouse, product_ids):
        "Also less the lines of confirmed sales not processed yet"
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        result = super().ecom_available_to_sell(warehouse, product_ids)
        product_ids = sorted(set(product_ids))
        cursor = Transaction().connection.cursor()
        sale, line = Sale.__table__(), SaleLine.__table__()
        product, template = cls.__table__(), Template.__table__()
        units = {}
        for sub in lookups(product_ids):
            cursor.execute(*line.join(sale, condition=line.sale == sale.id
                    ).join(product, condition=line.product == product.id
                    ).join(template, condition=product.template == template.id
                    ).select(line.product, line.unit, template.default_uom,
                    Sum(line.quantity),
                    where=(sale.state == 'confirmed')
                    & (sale.warehouse == warehouse.id)
                    & (line.type == 'line') & (line.quantity > Literal(0))
                    & in_(line.product, sub),
                    group_by=[line.product, line.unit, template.default_uom]))
            for product_id, unit_id, default_uom, quantity in cursor:
                quantity = quantity or 0
                if unit_id != default_uom:
                    for id_ in (unit_id, default_uom):
                        units.setdefault(id_, Uom(id_))
                    quantity = Uom.compute_qty(
                        units[unit_id], quantity, units[default_uom],
                        round=False)
                result[product_id] -= quantity
        return result


def available_to_sell(warehouse, product_ids):
    "Mapping product id -> quantity available to sell, in the default unit"
    Product = Pool().get('product.product')
    return Product.ecom_available_to_sell(warehouse, product_ids)


# serialization failure, deadlock, lock not available
RETRYABLE_SQLSTATES = {'40001', '40P01', '55P03'}


def is_retryable(exception):
    """Whether a concurrent transaction caused the error, so that running
    again can succeed (a unique violation included: the retry then finds
    the other delivery's sale)"""
    if isinstance(exception, ConcurrentChange):
        return True
    if isinstance(exception, backend.DatabaseIntegrityError):
        return True
    if not isinstance(exception, backend.DatabaseOperationalError):
        return False
    if backend.name == 'sqlite':
        return 'locked' in str(exception) or 'busy' in str(exception)
    return getattr(exception, 'sqlstate', None) in RETRYABLE_SQLSTATES
