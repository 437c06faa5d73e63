"""Demo: the campaigns the online orders came from (UTM attribution, as
the storefronts report it). Every fourth order of a channel has one, chosen
from its number, not drawn: the rest of the demo stays what the seed makes
it."""
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
