"""Carrier rate tables: a carrier whose cost method is *Rate Table* prices a
parcel with the first of its rates (by sequence) whose destination
countries, weight range and order amount range match. The channel's free
shipping threshold makes any rate free from that goods amount up.

Upstream's carrier API is kept: ``Carrier.get_sale_price()`` reads the
parcel from the context key ``ecom_parcel`` (weight in kg, goods amount,
destination country id), so sale_shipment_cost or any other caller of the
carrier price gets the same figure as the storefront's rates API.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.model.exceptions import ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Carrier(metaclass=PoolMeta):
    __name__ = 'carrier'

    ecom_rates = fields.One2Many(
        'carrier.ecom_rate', 'carrier', "Rates",
        states={'invisible': Eval('carrier_cost_method') != 'ecom_rates'},
        help="The first rate (in order) matching the destination, weight "
        "and amount prices the parcel; no match: the carrier does not "
        "serve it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('ecom_rates', "Rate Table")
        if selection not in cls.carrier_cost_method.selection:
            cls.carrier_cost_method.selection.append(selection)

    def ecom_rate(self, weight, amount, country):
        "The rate pricing the parcel, if any"
        for rate in self.ecom_rates:
            if rate.matches(weight, amount, country):
                return rate

    def get_sale_price(self):
        price, currency_id = super().get_sale_price()
        if self.carrier_cost_method == 'ecom_rates':
            parcel = Transaction().context.get('ecom_parcel') or {}
            rate = self.ecom_rate(
                parcel.get('weight') or 0, parcel.get('amount') or 0,
                parcel.get('country'))
            if rate:
                price, currency_id = rate.price, rate.currency.id
            else:
                price, currency_id = None, None
        return price, currency_id


class Rate(sequence_ordered(), ModelSQL, ModelView):
    "A shipping price of a carrier for a zone, weight and amount range"
    __name__ = 'carrier.ecom_rate'
    __string__ = "Shipping Rate"

    carrier = fields.Many2One(
        'carrier', "Carrier", required=True, ondelete='CASCADE')
    name = fields.Char("Name", help="e.g. Spain mainland, up to 2 kg")
    countries = fields.Many2Many(
        'carrier.ecom_rate-country.country', 'rate', 'country',
        "Destination Countries", help="Leave empty for anywhere.")
    min_weight = fields.Float(
        "From Weight (kg)", domain=['OR', ('min_weight', '=', None),
            ('min_weight', '>=', 0)])
    max_weight = fields.Float(
        "Up to Weight (kg)", domain=['OR', ('max_weight', '=', None),
            ('max_weight', '>=', 0)])
    min_amount = Monetary(
        "From Amount", currency='currency', digits='currency',
        domain=['OR', ('min_amount', '=', None), ('min_amount', '>=', 0)],
        help="Goods amount before tax.")
    max_amount = Monetary(
        "Below Amount", currency='currency', digits='currency',
        domain=['OR', ('max_amount', '=', None), ('max_amount', '>=', 0)])
    price = Monetary(
        "Price", currency='currency', digits='currency', required=True,
        domain=[('price', '>=', 0)])
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True)

    @classmethod
    def default_currency(cls):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def validate_fields(cls, rates, field_names):
        super().validate_fields(rates, field_names)
        for rate in rates:
            for low, high in [('min_weight', 'max_weight'),
                    ('min_amount', 'max_amount')]:
                lo, hi = getattr(rate, low), getattr(rate, high)
                if lo is not None and hi is not None and lo > hi:
                    raise ValidationError(gettext(
                            'ecom_shipping.msg_rate_range',
                            rate=rate.rec_name,
                            carrier=rate.carrier.rec_name,
                            minimum=cls.__names__(low)['field'],
                            maximum=cls.__names__(high)['field']))

    def get_rec_name(self, name):
        return self.name or str(self.id)

    def matches(self, weight, amount, country):
        "Weight from min (included) up to max (included); amount from min "
        "(included) below max (excluded)"
        if self.countries and country not in {c.id for c in self.countries}:
            return False
        if self.min_weight is not None and weight < self.min_weight:
            return False
        if self.max_weight is not None and weight > self.max_weight:
            return False
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return self.max_amount is None or amount < self.max_amount


class RateCountry(ModelSQL):
    "Destination country of a shipping rate"
    __name__ = 'carrier.ecom_rate-country.country'
    __string__ = "Carrier Rate - Country"

    rate = fields.Many2One(
        'carrier.ecom_rate', "Rate", required=True, ondelete='CASCADE')
    country = fields.Many2One(
        'country.country', "Country", required=True, ondelete='CASCADE')


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    carriers = fields.Many2Many(
        'ecom.channel-carrier', 'channel', 'carrier', "Shipping Carriers",
        help="The carriers the storefront offers at checkout (with their "
        "rates); the channel's default carrier when empty.")
    free_shipping_threshold = Monetary(
        "Free Shipping From", currency='company_currency',
        digits='company_currency',
        domain=['OR', ('free_shipping_threshold', '=', None),
            ('free_shipping_threshold', '>=', 0)],
        help="Goods amount before tax from which the cheapest shipping "
        "option is free; empty: never free.")
    company_currency = fields.Function(
        fields.Many2One('currency.currency', "Company Currency"),
        'on_change_with_company_currency')

    @fields.depends('company')
    def on_change_with_company_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def parcel_weight(cls, goods):
        """The weight in kg of goods [(product, quantity)], and the goods
        products that have no weight (one per line, in order)"""
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kg = Uom(ModelData.get_id('product', 'uom_kilogram'))
        weight, unweighed = 0.0, []
        for product, quantity in goods:
            if product.weight and product.weight_uom:
                weight += float(quantity) * Uom.compute_qty(
                    product.weight_uom, product.weight, kg, round=False)
            elif product.type == 'goods':
                unweighed.append(product)
        return weight, unweighed

    def shipping_rates(self, weight, amount, country):
        """The carriers serving the parcel with their price, cheapest
        first: [(carrier, price, currency, free)]; from the free shipping
        threshold the cheapest is free (faster ones keep their price)"""
        carriers = list(self.carriers) or (
            [self.carrier] if self.carrier else [])
        free = (self.free_shipping_threshold is not None
            and amount >= self.free_shipping_threshold)
        parcel = {'weight': weight, 'amount': amount,
            'country': country.id if country else None}
        rates = []
        with Transaction().set_context(
                ecom_parcel=parcel, company=self.company.id):
            for carrier in carriers:
                carrier = carrier.__class__(carrier.id)
                price, currency_id = carrier.get_sale_price()
                if price is None:
                    continue
                rates.append((carrier, price, currency_id, False))
        rates.sort(key=lambda r: (r[1], r[0].rec_name))
        if free and rates:
            carrier, _, currency_id, _ = rates[0]
            rates[0] = (carrier, Decimal(0), currency_id, True)
        return rates


class ChannelCarrier(ModelSQL):
    "Carrier offered by a channel"
    __name__ = 'ecom.channel-carrier'
    __string__ = "Channel - Carrier"

    channel = fields.Many2One(
        'ecom.channel', "Channel", required=True, ondelete='CASCADE')
    carrier = fields.Many2One(
        'carrier', "Carrier", required=True, ondelete='CASCADE')
