"EU VAT: which rule a sale gets, staff sales too, and what is refused"
import contextlib
from decimal import Decimal

from trytond.model.exceptions import (
    DomainValidationError,
    RequiredValidationError,
)
from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    CompanyTestMixin,
    create_company,
    set_company,
)
from trytond.modules.ecom_base.tests.cache import DependencyCacheMixin
from trytond.modules.ecom_base.tests.spanish import SpanishTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from ..exceptions import VatSettingError
from ..rules import EU_COUNTRIES, sale_tax_rule


class EcomVatTestCase(
        DependencyCacheMixin, SpanishTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test the e-commerce EU VAT module"
    module = 'ecom_vat'

    @contextlib.contextmanager
    def setup(self):
        """A Spanish company with its chart, IVA 21% on goods, USt 19%, 0%
        intra-EU, an OSS rule (Germany), a B2B rule and a customer's own
        rule: a dict"""
        company = create_company()
        with set_company(company):
            create_chart(company)
            yield self._setup(company)

    def _setup(self, company):
        pool = Pool()
        Account = pool.get('account.account')
        Country = pool.get('country.country')
        Tax = pool.get('account.tax')
        Rule = pool.get('account.tax.rule')
        countries = {c.code: c for c in Country.create([
                    {'name': n, 'code': c} for c, n in [('ES', "Spain"),
                        ('DE', "Germany"), ('US', "United States")]])}
        account, = Account.search([('code', '=', '6.3.6')])

        def tax(name, rate):
            return Tax.create([{'name': name, 'description': name,
                        'type': 'percentage', 'rate': Decimal(rate),
                        'invoice_account': account.id,
                        'credit_note_account': account.id}])[0]
        es, de, zero = (tax("IVA 21%", '.21'), tax("USt 19%", '.19'),
            tax("Intra-EU 0%", '0'))
        oss, b2b, own = Rule.create([
                {'name': "OSS", 'kind': 'sale', 'lines': [('create', [{
                                'origin_tax': es.id, 'tax': de.id,
                                'to_country': countries['DE'].id}])]},
                {'name': "B2B", 'kind': 'sale', 'lines': [('create', [{
                                'origin_tax': es.id, 'tax': zero.id}])]},
                {'name': "Own", 'kind': 'sale', 'lines': [('create', [{
                                'origin_tax': es.id, 'tax': zero.id}])]},
                ])
        return dict(company=company, es=es, de=de, zero=zero, oss=oss,
            b2b=b2b, own=own, **countries)

    def party(self, vat=None, rule=None):
        Party = Pool().get('party.party')
        party, = Party.create([{'name': vat or "Consumer",
                    'identifiers': [('create', [{'type': 'eu_vat',
                                    'code': vat}])] if vat else [],
                    'customer_tax_rule': rule.id if rule else None}])
        return party

    def test_eu_countries(self):
        "The 27 member states by their ISO codes"
        self.assertEqual(len(EU_COUNTRIES), 27)
        self.assertIn('GR', EU_COUNTRIES)
        self.assertNotIn('EL', EU_COUNTRIES)
        self.assertNotIn('GB', EU_COUNTRIES)

    @with_transaction()
    def test_rule_choice(self):
        "Own rule first; B2B to EU VAT numbers; OSS only over the threshold"
        with self.setup() as s:
            company, es, de, us = s['company'], s['ES'], s['DE'], s['US']
            consumer = self.party()
            business = self.party(vat='DE136695976')
            own = self.party(rule=s['own'])
            # under the threshold: B2B already reverse-charged, consumers not
            self.assertIsNone(sale_tax_rule(company, consumer, es, de))
            self.assertEqual(sale_tax_rule(company, business, es, de), None)
            company.ecom_vat_b2b_rule = s['b2b']
            company.save()
            self.assertEqual(sale_tax_rule(company, business, es, de), s['b2b'])
            company.ecom_vat_oss = True
            company.ecom_vat_oss_rule = s['oss']
            company.save()
            for party, origin, destination, rule in [
                    (consumer, es, de, s['oss']),
                    (None, es, de, s['oss']),   # a cart without a customer
                    (consumer, es, es, None),   # domestic
                    (consumer, es, us, None),   # outside the EU
                    (consumer, es, None, None),  # no destination
                    (business, es, de, s['b2b']),
                    (business, es, es, None),   # domestic B2B: Spanish VAT
                    (own, es, de, s['own']),
                    (own, es, es, s['own']),
                    ]:
                with self.subTest(party=party and party.name, to=destination):
                    self.assertEqual(
                        sale_tax_rule(company, party, origin, destination), rule)

    @with_transaction()
    def test_staff_sale_taxed_by_destination(self):
        "A sale typed in the back office gets the destination's VAT too"
        pool = Pool()
        Account = pool.get('account.account')
        Address = pool.get('party.address')
        Category = pool.get('product.category')
        Location = pool.get('stock.location')
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        InvoiceLine = pool.get('account.invoice.line')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        with self.setup() as s:
            company = s['company']
            company.ecom_vat_oss = True
            company.ecom_vat_oss_rule = s['oss']
            company.save()
            warehouse, = Location.search([('code', '=', 'WH')])
            warehouse.address, = Address.create([{'party': company.party.id,
                        'country': s['ES'].id}])
            warehouse.save()
            revenue, = Account.search([('type.revenue', '=', True),
                    ('closed', '!=', True)], limit=1)
            category, = Category.create([{'name': "Goods", 'accounting': True,
                        'account_revenue': revenue.id,
                        'customer_taxes': [('add', [s['es'].id])]}])
            unit, = Uom.search([('name', '=', 'Unit')])
            template, = Template.create([{'name': "Boot", 'type': 'goods',
                        'default_uom': unit.id, 'salable': True,
                        'sale_uom': unit.id, 'list_price': Decimal(50),
                        'account_category': category.id,
                        'products': [('create', [{}])]}])
            consumer = self.party()
            taxes, sales = {}, []
            for code in ['DE', 'ES']:
                address, = Address.create([{'party': consumer.id,
                            'country': s[code].id}])
                sale = Sale(company=company, party=consumer,
                    warehouse=warehouse, shipment_address=address,
                    invoice_address=address, currency=company.currency)
                line = Line(sale=sale, type='line', quantity=1,
                    product=template.products[0])
                line.on_change_product()
                taxes[code] = [t.name for t in line.taxes]
                sale.lines = [line]
                sales.append(sale)
            self.assertEqual(taxes, {'DE': ["USt 19%"], 'ES': ["IVA 21%"]})
            # its invoice line's default taxes are the same (what upstream
            # checks before posting, warning staff otherwise)
            Sale.save(sales)
            Sale.quote(sales)
            Sale.confirm(sales)
            Sale.process(sales)
            for sale in sales:
                invoice_line, = Sale(sale.id).invoices[0].lines
                fresh = InvoiceLine(invoice_line.id)
                fresh.on_change_product()
                self.assertEqual(set(fresh.taxes), set(invoice_line.taxes))
                self.assertEqual(set(fresh.taxes), set(sale.lines[0].taxes))

    @with_transaction()
    def test_settings_refused(self):
        "Bad settings name their field and save nothing"
        pool = Pool()
        Company = pool.get('company.company')
        Rule = pool.get('account.tax.rule')
        with self.setup() as s:
            company = s['company']
            company.ecom_vat_oss = True
            with self.assertRaisesRegex(RequiredValidationError, 'OSS Tax Rule'):
                company.save()
            # a rule without a line for an EU destination changes nothing
            company = Company(company.id)
            company.ecom_vat_oss = True
            company.ecom_vat_oss_rule = s['b2b']
            with self.assertRaises(VatSettingError) as raised:
                company.save()
            self.assertIn('"OSS Tax Rule"', str(raised.exception))
            self.assertIn('"To Country"', str(raised.exception))
            purchase, = Rule.create([{'name': "Buy", 'kind': 'purchase'}])
            company = Company(company.id)
            company.ecom_vat_b2b_rule = purchase
            with self.assertRaisesRegex(DomainValidationError,
                    'Intra-EU B2B Tax Rule'):
                company.save()


del ModuleTestCase
