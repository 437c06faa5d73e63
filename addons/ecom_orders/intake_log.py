from trytond.model import ModelSQL, ModelView, fields
from trytond.transaction import Transaction

from .intake_format import without_nul
from .retention import minimise

PAYLOAD_MAX = 100_000


class IntakeLog(ModelSQL, ModelView):
    "One storefront delivery of one order, accepted or not"
    __name__ = 'ecom.intake.log'
    __string__ = "Intake Log"

    company = fields.Many2One('company.company', "Company", readonly=True)
    channel = fields.Many2One(
        'ecom.channel', "Channel", readonly=True, ondelete='SET NULL')
    kind = fields.Selection([
            ('generic', "Generic JSON"),
            ('woocommerce', "WooCommerce"),
            ('shopify', "Shopify"),
            ], "Format", readonly=True)
    external_id = fields.Char("External Order ID", readonly=True)
    status = fields.Selection([
            ('accepted', "Accepted"),
            ('on_hold', "On Hold"),
            ('duplicate', "Duplicate"),
            ('rejected', "Rejected"),
            ], "Status", readonly=True, sort=False)
    http_status = fields.Integer("HTTP Status", readonly=True)
    code = fields.Char("Error Code", readonly=True)
    errors = fields.Text("Errors", readonly=True)
    payload = fields.Text("Payload", readonly=True)
    sale = fields.Many2One(
        'sale.sale', "Sale", readonly=True, ondelete='SET NULL')
    remote_addr = fields.Char("Remote Address", readonly=True)
    duration = fields.Float(
        "Duration (ms)", digits=(16, 1), readonly=True,
        help="Time the server spent on the whole request.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def write_results(cls, channel, kind, results, remote_addr, duration):
        "Log one entry per result; channel may be None (unknown channel)"
        values = []
        for result in results:
            # what PostgreSQL text cannot hold (a NUL byte) is replaced
            payload = without_nul(minimise(kind, result.payload or ''))
            if len(payload) > PAYLOAD_MAX:
                payload = (payload[:PAYLOAD_MAX]
                    + f'\n[... {len(payload) - PAYLOAD_MAX} more characters]')
            values.append({
                    'company': channel.company.id if channel else None,
                    'channel': channel.id if channel else None,
                    'kind': kind,
                    'external_id': (without_nul(str(result.external_id))[:100]
                        if result.external_id is not None else None),
                    'status': result.status,
                    'http_status': result.http_status,
                    'code': result.code,
                    'errors': without_nul('\n'.join(
                        f'{f}: {r}' for f, r in result.errors)) or None,
                    'payload': payload,
                    'sale': result.sale,
                    'remote_addr': remote_addr,
                    'duration': duration,
                    })
        with Transaction().set_context(_check_access=False):
            cls.create(values)
