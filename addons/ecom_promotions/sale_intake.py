"""Online orders of channels whose promotions the back office prices: the
intake adds the same discount lines the cart API showed the customer."""
from trytond.model import fields
from trytond.modules.ecom_orders.exceptions import OrderRefused
from trytond.pool import Pool, PoolMeta

from . import engine, pricing
from .outcome import keep

NO_LINE_DISCOUNT = ("must be 0: the channel's promotions are priced by the "
    "back office (send coupon codes)")


class Channel(metaclass=PoolMeta):
    __name__ = 'ecom.channel'

    promotion_pricing = fields.Selection([
            ('storefront', "Storefront"),
            ('backoffice', "Back Office"),
            ], "Promotions Priced By", required=True,
        help="Storefront: orders come with the storefront's discounts in "
        "their prices. Back Office: the storefront asks the cart API and "
        "sends catalog prices and coupon codes; the intake adds the same "
        "discount lines and checks the total.")

    cart_abandoned_after = fields.Integer(
        "Cart Abandoned After (min)", required=True,
        domain=[('cart_abandoned_after', '>=', 1)],
        help="Minutes without a new price request after which a cart with "
        "an email address counts as abandoned.")

    def ecom_cart_extras(self, request, answer):
        """More keys of the cart API's answer, computed in its read-only
        transaction from the parsed request and the priced answer; other
        modules add theirs (ecom_recommendations: ``recommendations``)"""
        return {}

    def ecom_cart_tax_rule(self, party, country):
        """(tax rule, its pattern) that prices a cart of party (or None)
        shipped to country (a country.country or None): the customer's own
        rule; ecom_vat adds the EU rules of the destination"""
        return (party.customer_tax_rule if party else None), {}

    @classmethod
    def default_promotion_pricing(cls):
        return 'storefront'

    @classmethod
    def default_cart_abandoned_after(cls):
        return 60


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def ecom_intake_lines(self, order, lines, batch):
        extra = super().ecom_intake_lines(order, lines, batch)
        if self.ecom_channel.promotion_pricing != 'backoffice':
            return extra
        errors = [(f'lines[{i}].discount', NO_LINE_DISCOUNT)
            for i, l in enumerate(order.lines) if l.discount]
        found, refused = pricing.resolve_coupons(
            self.company.id, order.coupons, self.party)
        cart, taxes, shipping_taxes = self.ecom_cart(
            lines + extra, set(found.values()))
        planned = batch.setdefault('ecom_promotions', {})
        party_key = order.email.lower()
        rules, outcome = pricing.evaluate(self.company.id, cart, self.party,
            {i: p.of(party_key) for i, p in planned.items()})
        refused += pricing.coupon_refusals(
            order.coupons, found, rules, outcome)
        errors += [(f'coupons[{i}]', reason) for i, reason in sorted(refused)]
        if errors:
            raise OrderRefused(errors)
        # kept for the results the confirmation stores
        keep(self, rules, outcome)
        for discount in outcome.discounts:
            if discount.rule.id in cart.usage:
                mine = planned.setdefault(discount.rule.id, _Planned())
                mine.uses += 1
                mine.spent += cart.from_cart(
                    discount.amount, discount.rule.currency)
                mine.customers[party_key] = mine.customers.get(
                    party_key, 0) + 1
        return extra + self.ecom_discount_lines(
            pricing.parts(outcome, taxes, shipping_taxes))

    @classmethod
    def ecom_intake_saved(cls, pairs):
        super().ecom_intake_saved(pairs)
        # the carts these orders came from are closed (abandoned.py)
        Pool().get('ecom.cart').close(pairs)


class _Planned(engine.Usage):
    "The uses the orders of one intake batch take before it is saved"

    def __init__(self):
        super().__init__()
        self.customers = {}

    def of(self, customer):
        "The uses as one customer sees them"
        return engine.Usage(self.uses, self.spent,
            self.customers.get(customer, 0))
