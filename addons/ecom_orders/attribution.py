"""Where an online order came from: the campaign, medium and source (UTM)
and the referrer and landing page the storefront recorded.

The generic order's optional ``attribution`` object, or what the
storefront's own fields say: WooCommerce's order attribution
(``_wc_order_attribution_*`` meta data, WooCommerce 8.5+) and Shopify's
``landing_site`` (its ``utm_*`` query parameters) and ``referring_site``.
The campaign, medium and source become upstream ``marketing_campaign``
records (found by name, case-insensitive, or created), on the sale. The
affiliate's referral code (``affiliate``, or the landing page's ``ref``
parameter) and when its link was clicked are kept for the modules that pay
affiliates (ecom_affiliates); nothing here looks them up."""
import datetime
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from trytond.pool import Pool

UTM = ['source', 'medium', 'campaign']
MAX_NAME, MAX_URL, MAX_CODE = 100, 1000, 50
# WooCommerce order attribution meta keys
WOO_META = {
    '_wc_order_attribution_utm_source': 'source',
    '_wc_order_attribution_utm_medium': 'medium',
    '_wc_order_attribution_utm_campaign': 'campaign',
    '_wc_order_attribution_referrer': 'referrer',
    '_wc_order_attribution_session_entry': 'landing_page',
    }


@dataclass
class Attribution:
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    referrer: str | None = None
    landing_page: str | None = None
    affiliate: str | None = None
    affiliate_clicked_at: datetime.datetime | None = None


def utm_of(url):
    """The utm_source, utm_medium and utm_campaign of url's query, and its
    ref parameter (an affiliate's code) as affiliate"""
    if not isinstance(url, str):
        return {}
    query = dict(parse_qsl(urlsplit(url).query))
    values = {k: query[f'utm_{k}'].strip() for k in UTM
        if query.get(f'utm_{k}', '').strip()}
    if query.get('ref', '').strip():
        values['affiliate'] = query['ref'].strip()
    return values


def parse(chk, data):
    """The generic order's ``attribution`` (optional), each bad field named
    on chk; the landing page's UTM and ref parameters fill what it leaves
    out"""
    from .intake_format import timestamp
    raw = chk.obj(data.get('attribution'), 'attribution', required=False)
    if raw is None:
        return Attribution()
    values = {k: chk.text(raw, k, 'attribution.', required=False,
            max_length=MAX_NAME) for k in UTM}
    for key in ['referrer', 'landing_page']:
        values[key] = chk.text(raw, key, 'attribution.', required=False,
            max_length=MAX_URL)
    values['affiliate'] = chk.text(raw, 'affiliate', 'attribution.',
        required=False, max_length=MAX_CODE)
    values['affiliate_clicked_at'] = timestamp(
        chk, raw, 'affiliate_clicked_at', 'attribution.')
    for key, value in utm_of(values['landing_page']).items():
        limit = MAX_CODE if key == 'affiliate' else MAX_NAME
        if not values[key] and len(value) <= limit:
            values[key] = value
    return Attribution(**values)


def _clean(values):
    return {k: v for k, v in values.items() if isinstance(v, str) and v}


def from_woocommerce(data):
    "The generic attribution of a WooCommerce order (its meta data)"
    values = {}
    for meta in data.get('meta_data') or []:
        if isinstance(meta, dict) and meta.get('key') in WOO_META:
            values[WOO_META[meta['key']]] = meta.get('value')
    # WooCommerce writes "(none)" where the visit had no UTM parameter
    values = {k: v for k, v in _clean(values).items() if v != '(none)'}
    return values or None


def from_shopify(data):
    "The generic attribution of a Shopify order"
    values = _clean({'landing_page': data.get('landing_site'),
            'referrer': data.get('referring_site')})
    return values or None


class Marketing:
    "The campaign, medium and source records of one intake run, by name"

    def __init__(self):
        self.cache = {}

    def record(self, model, name):
        key = (model, name.strip().lower())
        if key not in self.cache:
            # created if new: the intake's transaction retries a conflict
            self.cache[key] = Pool().get(model).from_name(name)
        return self.cache[key]

    def apply(self, sale, attribution):
        for key in UTM:
            if name := getattr(attribution, key):
                setattr(sale, f'marketing_{key}',
                    self.record(f'marketing.{key}', name))
        sale.ecom_referrer = attribution.referrer
        sale.ecom_landing_page = attribution.landing_page
