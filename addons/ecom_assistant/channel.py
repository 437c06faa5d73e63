"""The channel's public assistant key: the chat page sends it."""
import secrets

from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'
    assistant_key = fields.Char("Assistant Key", readonly=True,
        help="Public key of the chat page (?key=): it can talk to the "
        "customer assistant and nothing else. Empty: no chat page.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'generate_assistant_key': {
                    'icon': 'tryton-launch',
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def copy(cls, channels, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('assistant_key', None)
        return super().copy(channels, default=default)

    @classmethod
    @ModelView.button
    def generate_assistant_key(cls, channels):
        "A new assistant key (the old one stops working)"
        for channel in channels:
            channel.assistant_key = 'ak_' + secrets.token_urlsafe(24)
        cls.save(channels)
