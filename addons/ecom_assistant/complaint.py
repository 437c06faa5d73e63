"""A conversation can be the origin of a complaint: the hand-over."""
from trytond.pool import PoolMeta

ORIGIN = 'ecom.assistant.conversation'


class ComplaintType(metaclass=PoolMeta):
    __name__ = 'sale.complaint.type'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        domain = cls.origin.domain
        for i, clause in enumerate(domain):
            if (isinstance(clause, tuple) and clause[:2] == ('name', 'in')
                    and ORIGIN not in clause[2]):
                domain[i] = ('name', 'in', [*clause[2], ORIGIN])
