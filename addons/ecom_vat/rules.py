"""Which tax rule a sale to a customer gets: the one decision shared by the
sale lines (intake, staff sales, invoices through them) and the cart API.

- The customer's own *Customer Tax Rule* always wins (set by staff).
- Shipped from one EU country to another, to a customer with an EU VAT
  number: the company's *Intra-EU B2B Tax Rule* (reverse charge).
- Shipped from one EU country to another, to a consumer, once the company
  is *Over the EU Distance-Selling Threshold*: its *OSS Tax Rule* (each
  destination's VAT, declared through the One-Stop Shop).
- Anything else (domestic, outside the EU, under the threshold): none, the
  products' taxes (the origin country's VAT).
"""
from stdnum.eu.vat import MEMBER_STATES
from trytond.pool import Pool

# ISO 3166 codes of the EU member states (VAT numbers write Greece 'EL';
# 'XI', Northern Ireland, is no country of ISO 3166)
EU_COUNTRIES = frozenset(
    {'GR' if m == 'el' else m.upper() for m in MEMBER_STATES} - {'XI'})
EU_VAT_TYPES = frozenset({'eu_vat'} | {f'{m}_vat' for m in MEMBER_STATES})


def is_eu_business(party):
    "Whether party has an EU VAT number (valid: party checks it on save)"
    if party is None or getattr(party, 'id', None) is None:
        return False
    identifier = party.tax_identifier
    return bool(identifier and identifier.type in EU_VAT_TYPES)


def sale_tax_rule(company, party, from_country, to_country):
    "The tax rule of a sale (None: the products' taxes as they are)"
    if party is not None and party.id is not None \
            and party.customer_tax_rule:
        return party.customer_tax_rule
    if company is None or not from_country or not to_country \
            or from_country == to_country \
            or from_country.code not in EU_COUNTRIES \
            or to_country.code not in EU_COUNTRIES:
        return None
    if is_eu_business(party):
        return company.ecom_vat_b2b_rule
    if company.ecom_vat_oss:
        return company.ecom_vat_oss_rule
    return None


def pattern_rule(company, party, pattern):
    """The tax rule of a line whose tax rule pattern (upstream
    account_tax_rule_country's from_country, to_country ids) is pattern"""
    Country = Pool().get('country.country')
    origin, destination = (
        Country(pattern[k]) if pattern.get(k) is not None else None
        for k in ['from_country', 'to_country'])
    return sale_tax_rule(company, party, origin, destination)


def country_pattern(from_country, to_country):
    "The pattern keys account_tax_rule_country's rule lines match"
    return {
        'from_country': from_country.id if from_country else None,
        'to_country': to_country.id if to_country else None,
        }
