"""The company's EU VAT settings."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

from .exceptions import VatSettingError
from .rules import EU_COUNTRIES

RULE_DOMAIN = [
    ('company', '=', Eval('id', -1)),
    ('kind', 'in', ['sale', 'both']),
    ]


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    ecom_vat_oss = fields.Boolean(
        "Over the EU Distance-Selling Threshold",
        help="Sales to consumers in other EU countries passed EUR 10,000 "
        "this year or the last: each such sale carries the VAT of its "
        "destination, declared through the One-Stop Shop (OSS).")
    ecom_vat_oss_rule = fields.Many2One(
        'account.tax.rule', "OSS Tax Rule", ondelete='RESTRICT',
        domain=RULE_DOMAIN,
        states={'required': Bool(Eval('ecom_vat_oss'))},
        help="Its lines give, per destination country, the VAT that "
        "replaces ours on sales to consumers there.")
    ecom_vat_b2b_rule = fields.Many2One(
        'account.tax.rule', "Intra-EU B2B Tax Rule", ondelete='RESTRICT',
        domain=RULE_DOMAIN,
        help="The rule of sales shipped to another EU country for customers "
        "with an EU VAT number: the reverse-charged (exempt) tax.")

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names & {'ecom_vat_oss', 'ecom_vat_oss_rule'}:
            for company in companies:
                company.check_ecom_vat_oss_rule()

    def check_ecom_vat_oss_rule(self):
        "The OSS rule gives the VAT of at least one other EU country"
        rule = self.ecom_vat_oss_rule
        if not rule or any(line.to_country and line.tax
                and line.to_country.code in EU_COUNTRIES
                for line in rule.lines):
            return
        pool = Pool()
        raise VatSettingError(gettext('ecom_vat.msg_oss_rule_no_country',
                company=self.rec_name, rule=rule.rec_name,
                field=self.__names__('ecom_vat_oss_rule')['field'],
                country=pool.get('account.tax.rule.line').__names__(
                    'to_country')['field']))
