"""OSS VAT per country and quarter: what the One-Stop Shop return
declares, read from the taxes of posted customer invoices and credit notes
(credit notes count negative).

A tax counts as the OSS VAT of a country when it is the tax of a line of the
company's *OSS Tax Rule* with that *To Country* (give each country its own
tax, as the OSS return asks)."""
from sql import Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import Extract
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class OSSVat(ModelSQL, ModelView):
    "OSS VAT of a country in a quarter"
    __name__ = 'ecom.vat.oss'
    __string__ = "OSS VAT"

    company = fields.Many2One('company.company', "Company", readonly=True)
    year = fields.Integer("Year", readonly=True)
    quarter = fields.Integer("Quarter", readonly=True)
    country = fields.Many2One('country.country', "Country", readonly=True,
        help="The member state of consumption (the OSS rule line's To "
        "Country).")
    tax = fields.Many2One('account.tax', "Tax", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency",
        readonly=True)
    base = fields.Numeric("Taxable Base", digits=(16, 2), readonly=True)
    amount = fields.Numeric("VAT", digits=(16, 2), readonly=True)
    invoices = fields.Integer("Invoices", readonly=True,
        help="Customer invoices and credit notes counted.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('quarter', 'DESC'),
            ('country', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Company = pool.get('company.company')
        Invoice = pool.get('account.invoice')
        InvoiceTax = pool.get('account.invoice.tax')
        RuleLine = pool.get('account.tax.rule.line')
        company = Company.__table__()
        invoice = Invoice.__table__()
        invoice_tax = InvoiceTax.__table__()
        rule_line = RuleLine.__table__()

        # the OSS taxes of each company, with their country
        oss = rule_line.join(company,
            condition=rule_line.rule == company.ecom_vat_oss_rule).select(
            company.id.as_('company'), rule_line.tax.as_('tax'),
            Min(rule_line.to_country).as_('country'),
            where=(rule_line.tax != Null) & (rule_line.to_country != Null),
            group_by=[company.id, rule_line.tax])
        date = Coalesce(invoice.accounting_date, invoice.invoice_date)
        where = (invoice.type == 'out') & invoice.state.in_(
            ['posted', 'paid'])
        return invoice_tax.join(invoice,
            condition=invoice_tax.invoice == invoice.id
            ).join(oss, condition=(oss.tax == invoice_tax.tax)
                & (oss.company == invoice.company)
            ).select(
                Min(invoice_tax.id).as_('id'),
                invoice.company.as_('company'),
                cls.year.sql_cast(Extract('YEAR', date)).as_('year'),
                cls.quarter.sql_cast(Extract('QUARTER', date)).as_('quarter'),
                oss.country.as_('country'), invoice_tax.tax.as_('tax'),
                invoice.currency.as_('currency'),
                cls.base.sql_cast(Sum(invoice_tax.base)).as_('base'),
                cls.amount.sql_cast(Sum(invoice_tax.amount)).as_('amount'),
                Count(invoice.id, distinct=True).as_('invoices'),
                where=where,
                group_by=[invoice.company, Extract('YEAR', date),
                    Extract('QUARTER', date), oss.country, invoice_tax.tax,
                    invoice.currency])
