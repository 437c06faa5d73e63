"""A channel's connector settings, its sync tasks and their last success."""
import datetime

from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import shopify_admin, woocommerce
from .exceptions import ConnectorError

# the storefronts with a connector: their API module (Client, TASKS)
CONNECTED = {'woocommerce': woocommerce, 'shopify': shopify_admin}
KINDS = sorted(CONNECTED)


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    ecom_api_url = fields.Char(
        "API URL", strip=True,
        states={'invisible': ~Eval('kind').in_(KINDS)},
        help="The storefront's address: WooCommerce https://shop.example.com "
        "(the REST API is under /wp-json/wc/v3/), Shopify "
        "https://<shop>.myshopify.com (the Admin API is under "
        "/admin/api/).")
    ecom_api_key = fields.Char(
        "API Key", strip=True,
        states={'invisible': Eval('kind') != 'woocommerce'},
        help="WooCommerce > Settings > Advanced > REST API: the consumer "
        "key (ck_…) of a key with Read/Write permissions.")
    ecom_api_secret = fields.Char(
        "API Secret", strip=True,
        states={'invisible': ~Eval('kind').in_(KINDS)},
        help="WooCommerce: the consumer secret (cs_…) of the same key. "
        "Shopify: the custom app's Admin API access token (shpat_…) with "
        "the scopes read_orders, write_inventory, read_locations, "
        "write_merchant_managed_fulfillment_orders.")
    ecom_shopify_location = fields.Char(
        "Shopify Location", strip=True,
        states={'invisible': Eval('kind') != 'shopify'},
        help="The Shopify location whose available quantities the stock "
        "push sets (gid://shopify/Location/…); the shop's first location "
        "when empty, remembered at the first push.")
    ecom_pull_watermark = fields.DateTime(
        "Orders Pulled Until",
        states={'invisible': ~Eval('kind').in_(KINDS)},
        help="The storefront's modification time (UTC) of the newest order "
        "pulled; the next pull asks for the orders modified since. Set it "
        "back (go-live: the day to import orders from) and pull again.")
    ecom_push_stock = fields.Boolean(
        "Push Stock",
        states={'invisible': ~Eval('kind').in_(KINDS)},
        help="Send available-to-sell of the listed products to the "
        "storefront when it changes.")
    ecom_last_pull = fields.Function(
        fields.DateTime("Last Order Pull"), 'get_ecom_last')
    ecom_last_stock = fields.Function(
        fields.DateTime("Last Stock Push"), 'get_ecom_last')
    ecom_last_fulfilment = fields.Function(
        fields.DateTime("Last Fulfilment Push"), 'get_ecom_last')
    ecom_syncs = fields.One2Many(
        'ecom.channel.sync', 'channel', "Sync Log", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ecom_sync': {
                    'invisible': ~Eval('kind').in_(KINDS),
                    'depends': ['kind'],
                    },
                'ecom_import_catalogue': {
                    'invisible': ~Eval('kind').in_(KINDS),
                    'depends': ['kind'],
                    },
                })

    @classmethod
    def copy(cls, channels, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ecom_api_key', 'ecom_api_secret', 'ecom_pull_watermark',
                'ecom_shopify_location', 'ecom_syncs']:
            default.setdefault(name, None)
        return super().copy(channels, default=default)

    @classmethod
    def get_ecom_last(cls, channels, names):
        Sync = Pool().get('ecom.channel.sync')
        kinds = {'ecom_last_pull': 'pull', 'ecom_last_stock': 'stock',
            'ecom_last_fulfilment': 'fulfilment'}
        return {n: Sync.last_done(channels, kinds[n]) for n in names}

    @classmethod
    @ModelView.button
    def ecom_sync(cls, channels):
        "Pull the orders, push stock and fulfilments now"
        for channel in channels:
            channel.ecom_run_sync()

    @classmethod
    @ModelView.button
    def ecom_import_catalogue(cls, channels):
        """List every product and variant of the storefront's catalogue:
        matched to our products by SKU, the others to map"""
        for channel in channels:
            channel.ecom_run_sync(import_catalogue=True)

    @classmethod
    def ecom_sync_all(cls):
        "Cron: every WooCommerce and Shopify channel with API credentials"
        for channel in cls.search([
                    ('kind', 'in', list(CONNECTED)),
                    ('ecom_api_url', '!=', None)]):
            channel.ecom_run_sync()

    def ecom_run_sync(self, import_catalogue=False):
        """Run each task (or the catalogue import), logging it; a
        storefront that refuses or cannot be reached fails that task (in
        the log) and not the others"""
        Sync = Pool().get('ecom.channel.sync')
        if self.kind not in CONNECTED:
            raise ConnectorError(f'Channel "{self.rec_name}" is not a '
                'WooCommerce or Shopify store: nothing to synchronise.')
        api = CONNECTED[self.kind]
        client = api.Client(self)
        results = {}
        tasks = [('catalogue', api.import_catalogue)] if import_catalogue \
            else api.TASKS
        for kind, task in tasks:
            if kind == 'stock' and not self.ecom_push_stock:
                continue
            started, calls = datetime.datetime.now(), client.calls
            try:
                count, message = task(self, client)
            except ConnectorError as error:
                Sync.record(self, kind, started, 'failed', 0,
                    client.calls - calls, error.message)
                results[kind] = error
                continue
            Sync.record(self, kind, started, 'done', count,
                client.calls - calls, message)
            results[kind] = count
        return results
