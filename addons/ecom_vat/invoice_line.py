"""Invoice lines of sales take the same EU VAT rule as their sale line
(rules.py): upstream's check before posting ("does not have the default
taxes") and staff re-picking a product then agree with the sale."""
from trytond.model import fields
from trytond.pool import PoolMeta

from .rules import pattern_rule


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @fields.depends(
        'product', 'unit', 'taxes', '_parent_invoice.type',
        '_parent_invoice.party', '_parent_invoice.company', 'party',
        'invoice', 'invoice_type', 'company',
        methods=['_get_tax_rule_pattern'])
    def on_change_product(self):
        super().on_change_product()
        invoice = self.invoice
        type_ = invoice.type if invoice and invoice.type else (
            self.invoice_type)
        if not self.product or type_ != 'out':
            return
        party = invoice.party if invoice and invoice.party else self.party
        company = self.company or (invoice.company if invoice else None)
        pattern = self._get_tax_rule_pattern()
        rule = pattern_rule(company, party, pattern)
        if not rule or (party and rule == party.customer_tax_rule):
            return
        taxes = set()
        for tax in self.product.customer_taxes_used:
            taxes.update(rule.apply(tax, pattern) or [])
        taxes.update(rule.apply(None, pattern) or [])
        self.taxes = taxes
