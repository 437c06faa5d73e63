"""Demo: the campaigns the online orders came from (UTM attribution, as
the storefronts report it). Every fourth order of a channel has one, chosen
from its number, not drawn: the rest of the demo stays what the seed makes
it."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

# campaign, medium, source, referrer; the landing page carries the UTM
CAMPAIGNS = [
    ('black-friday', 'email', 'newsletter', None),
    ('rebajas-invierno', 'cpc', 'google', 'https://www.google.com/'),
    ('otono-instagram', 'social', 'instagram', 'https://l.instagram.com/'),
    (None, 'organic', 'google', 'https://www.google.com/'),
    ]


class Attribution:
    "The sale values of an order's attribution, the records made once"

    def __init__(self):
        pool = Pool()
        self.ids = {}
        for row in CAMPAIGNS:
            for kind, name in zip(['campaign', 'medium', 'source'], row):
                if name and (kind, name) not in self.ids:
                    self.ids[kind, name] = pool.get(
                        f'marketing.{kind}').from_name(name).id

    def values(self, external_id):
        number = int(external_id)
        if number % 4:
            return {}
        campaign, medium, source, referrer = CAMPAIGNS[
            number // 4 % len(CAMPAIGNS)]
        utm = '&'.join(f'utm_{k}={v}' for k, v in [('source', source),
                ('medium', medium), ('campaign', campaign)] if v)
        return {
            'marketing_campaign': self.ids.get(('campaign', campaign)),
            'marketing_medium': self.ids[('medium', medium)],
            'marketing_source': self.ids[('source', source)],
            'ecom_referrer': referrer,
            'ecom_landing_page': f'/?{utm}',
            }


# campaign, medium, source, days ago, amount, what
SPEND = [
    ('black-friday', 'email', 'newsletter', 12, '180.00', "Newsletter design"),
    ('rebajas-invierno', 'cpc', 'google', 40, '850.00', "Google Ads"),
    ('rebajas-invierno', 'cpc', 'google', 10, '620.00', "Google Ads"),
    ('otono-instagram', 'social', 'instagram', 30, '400.00',
        "Instagram promoted posts"),
    ]


def build_spend(company, log):
    """What the campaigns cost, and the Black Friday mailing whose links
    carry the campaign's tags (Reports > Campaign Performance)"""
    pool = Pool()
    Date = pool.get('ir.date')
    Spend = pool.get('ecom.marketing.spend')
    List = pool.get('marketing.email.list')
    Message = pool.get('marketing.email.message')
    today = Date.today()

    def tags(campaign, medium, source, prefix=''):
        return {prefix + k: pool.get(f'marketing.{k}').from_name(v).id
            for k, v in [('campaign', campaign), ('medium', medium),
                ('source', source)]}
    Spend.create([{
                'company': company.id, 'date': today - dt.timedelta(days=ago),
                'amount': Decimal(amount), 'description': what,
                **tags(c, m, s)}
            for c, m, s, ago, amount, what in SPEND])
    lists = List.search([('ecom_company', '=', company.id)], limit=1)
    if lists:
        Message.create([{
                    'list_': lists[0].id, 'title': "Black Friday: -20%",
                    'content': "<p>Black Friday en Alpine.</p>",
                    **tags('black-friday', 'email', 'newsletter', 'marketing_')}])
    log(f"{len(SPEND)} campaign costs and the Black Friday mailing")
