"""Sendcloud's address from the configuration, and a carrier that cannot be
reached named as such.

Upstream reads its module constant ``SENDCLOUD_API_URL`` at each call; it
is set here from ``[ecom_labels] sendcloud_url`` (the tests' and the demo's
simulator) before every call, the same value for every thread. Upstream
turns the carrier's HTTP errors into a message; a refused connection or a
timeout would reach staff as a traceback: it becomes a LabelError."""
import requests
from trytond import config
from trytond.i18n import gettext
from trytond.modules.stock_package_shipping_sendcloud import carrier as upstream
from trytond.pool import PoolMeta

from .exceptions import LabelError

SENDCLOUD_URL = upstream.SENDCLOUD_API_URL


def api_url():
    return config.get('ecom_labels', 'sendcloud_url', default=SENDCLOUD_URL)


def _call(method, *args, **kwargs):
    url = upstream.SENDCLOUD_API_URL = api_url()
    try:
        return method(*args, **kwargs)
    except requests.RequestException as exception:
        raise LabelError(gettext('ecom_labels.msg_carrier_unreachable',
                carrier="Sendcloud", url=url,
                reason=exception.__class__.__name__)) from exception


class CredentialSendcloud(metaclass=PoolMeta):
    __name__ = 'carrier.credential.sendcloud'

    @property
    def addresses_sender(self):
        return _call(lambda: super(CredentialSendcloud, self).addresses_sender)

    def get_shipping_methods(self, *args, **kwargs):
        return _call(super().get_shipping_methods, *args, **kwargs)

    def get_parcel(self, *args, **kwargs):
        return _call(super().get_parcel, *args, **kwargs)

    def create_parcels(self, *args, **kwargs):
        return _call(super().create_parcels, *args, **kwargs)

    def get_label(self, *args, **kwargs):
        return _call(super().get_label, *args, **kwargs)
