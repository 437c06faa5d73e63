"""Demo: EU VAT (ecom_vat). The shop ships from Madrid and is over the
distance-selling threshold: the OSS rule gives consumers in its 6 other
countries their own VAT, the B2B rule reverse-charges companies with an EU
VAT number. ORDERS orders placed today show it (a German and a French
consumer, Bergsport GmbH) and fill *E-commerce > EU VAT > OSS VAT*. The
history's orders keep the Spanish VAT they were booked with."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

ORDERS = 3
# destination: (name of its VAT, rate)
RATES = {
    'FR': ("FR TVA 20%", '.20'), 'DE': ("DE USt 19%", '.19'),
    'IT': ("IT IVA 22%", '.22'), 'PT': ("PT IVA 23%", '.23'),
    'NL': ("NL BTW 21%", '.21'), 'BE': ("BE TVA 21%", '.21'),
    }
B2B = ("Bergsport GmbH", 'DE136695976', 'einkauf@bergsport.example')


def build(data, log):
    pool = Pool()
    Address = pool.get('party.address')
    Company = pool.get('company.company')
    Country = pool.get('country.country')
    Location = pool.get('stock.location')
    Party = pool.get('party.party')
    Rule = pool.get('account.tax.rule')
    Tax = pool.get('account.tax')
    company, vat = data['company'], data['tax']
    countries = {c.code: c for c in Country.search(
            [('code', 'in', ['ES', *RATES])])}
    taxes = Tax.create([{'name': name, 'description': name,
                'type': 'percentage', 'rate': Decimal(rate),
                'company': company.id,
                'invoice_account': vat.invoice_account.id,
                'credit_note_account': vat.credit_note_account.id}
            for name, rate in [*RATES.values(),
                ("Intra-EU delivery 0% (reverse charge)", '0')]])
    oss, b2b = Rule.create([
            {'name': "EU One-Stop Shop (OSS)", 'kind': 'sale',
                'company': company.id,
                'lines': [('create', [{'origin_tax': vat.id, 'tax': t.id,
                                'to_country': countries[code].id}
                            for code, t in zip(RATES, taxes)])]},
            {'name': "Intra-EU B2B (reverse charge)", 'kind': 'sale',
                'company': company.id,
                'lines': [('create', [{'origin_tax': vat.id,
                                'tax': taxes[-1].id}])]},
            ])
    # the rules match on the warehouse's country
    warehouse = data['shop'].warehouse
    warehouse.address, = Address.create([{'party': company.party.id,
                'street': "Calle de Alcalá 20", 'postal_code': "28014",
                'city': "Madrid", 'country': countries['ES'].id}])
    Location.save([warehouse])
    Company.write([company], {'ecom_vat_oss': True,
            'ecom_vat_oss_rule': oss.id, 'ecom_vat_b2b_rule': b2b.id})
    name, number, email = B2B
    business, = Party.create([{'name': name,
                'identifiers': [('create', [{'type': 'eu_vat',
                                'code': number}])],
                'contact_mechanisms': [('create', [{'type': 'email',
                                'value': email}])],
                'addresses': [('create', [{'street': "Leopoldstraße 8",
                                'postal_code': "80802", 'city': "München",
                                'country': countries['DE'].id}])]}])
    consumers = [next(c for c in data['customers']
            if c.addresses[0].country.code == code) for code in ['DE', 'FR']]
    sales = _orders(data, [*consumers, business])
    log(f"EU VAT: OSS rule for {len(RATES)} countries, B2B rule, "
        f"{len(sales)} orders taxed by destination")


def _orders(data, parties):
    "One paid order of the web store per party, processed like the history's"
    from . import history
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    channel = data['channels'][0][0]
    product = data['products'][0]
    moment = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    sales = []
    for i, party in enumerate(parties):
        address = party.addresses[0]
        sale = Sale(company=data['company'], party=party,
            invoice_address=address, shipment_address=address,
            sale_date=moment.date(), currency=data['company'].currency,
            web_shop=data['shop'], warehouse=data['shop'].warehouse,
            payment_term=data['payment_term'], ecom_channel=channel,
            ecom_external_id=f"EU{i + 1}", web_id=f"{channel.code}-EU{i + 1}",
            ecom_payment_state='paid',
            ecom_ordered_at=moment - dt.timedelta(hours=i + 1),
            ecom_delivery='carrier')
        line = Line(sale=sale, type='line', product=product, quantity=1,
            unit=product.sale_uom, unit_price=data['prices'][product.id],
            warehouse=sale.warehouse)
        line.taxes = line.compute_taxes(party)
        sale.lines = [line]
        sales.append(sale)
    return history.book_paid(sales, 2)
