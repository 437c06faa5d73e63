"""The channel's beacon key and how long its raw events are kept."""
import secrets

from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import RetentionError


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'
    analytics_key = fields.Char("Beacon Key", readonly=True,
        help="Public key of the storefront's pages for the events route "
        "(?key=): it can post events and nothing else.")
    analytics_retention = fields.Integer("Keep Raw Events (days)",
        required=True,
        help="Raw storefront events older than this are deleted once "
        "their day is summarised; the daily figures stay.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'generate_analytics_key': {
                    'icon': 'tryton-launch',
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def default_analytics_retention(cls):
        return 30

    @classmethod
    def validate_fields(cls, channels, field_names):
        super().validate_fields(channels, field_names)
        if 'analytics_retention' in field_names:
            for channel in channels:
                if not 3 <= (channel.analytics_retention or 0) <= 3650:
                    raise RetentionError(channel.rec_name,
                        channel.analytics_retention)

    @classmethod
    def copy(cls, channels, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('analytics_key', None)
        return super().copy(channels, default=default)

    @classmethod
    @ModelView.button
    def generate_analytics_key(cls, channels):
        "A new beacon key (the old one stops working)"
        for channel in channels:
            channel.analytics_key = 'pk_' + secrets.token_urlsafe(24)
        cls.save(channels)
