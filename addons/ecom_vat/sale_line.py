"""Sale lines take the EU VAT rule of their destination (rules.py)."""
from trytond.model import fields
from trytond.pool import PoolMeta

from .rules import pattern_rule


class _WithRule:
    "A party whose customer tax rule is the one given"

    def __init__(self, party, rule):
        self._party, self.customer_tax_rule = party, rule

    def __getattr__(self, name):
        return getattr(self._party, name)

    def __bool__(self):
        return True


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    @fields.depends(
        'type', 'product',
        methods=['on_change_with_company', '_get_tax_rule_pattern'])
    def compute_taxes(self, party):
        if self.type == 'line':
            rule = pattern_rule(self.on_change_with_company(), party,
                self._get_tax_rule_pattern())
            if rule and (party is None or rule != party.customer_tax_rule):
                party = _WithRule(party, rule)
        return super().compute_taxes(party)
