"""Online orders attributed to affiliates, and their commissions on net
goods: discount lines reduce the base, shipping and discounts earn none."""
import datetime
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.product import round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_affiliate_note = fields.Char("Affiliate Attribution", readonly=True,
        states={'invisible': ~Eval('ecom_affiliate_note')},
        help="Why the order is (or is not) an affiliate's: the link or "
        "coupon, and when the link was clicked.")

    @classmethod
    def set_agent(cls, sales):
        # Online orders get their agent from the attribution only (upstream
        # selects one by customer or employee, one search per sale).
        super().set_agent([s for s in sales if not s.ecom_channel])

    def ecom_intake_lines(self, order, lines, batch):
        "The affiliate of the order, before it is saved (no extra line)"
        extra = super().ecom_intake_lines(order, lines, batch)
        self.ecom_attribute(order, batch.setdefault('ecom_affiliates', {}))
        return extra

    def ecom_attribute(self, order, cache):
        """Set agent from the order's referral code or coupons: the latest
        touch within the plan's window wins, a coupon counting at the
        order's time; unknown or expired codes are only noted.
        cache: what codes and coupon codes are, for one intake batch (of
        one channel, so one company)"""
        pool = Pool()
        Agent = pool.get('commission.agent')
        Number = pool.get('sale.promotion.coupon.number')
        attribution = order.attribution
        code = (attribution.affiliate or '').strip().upper()
        ordered = order.created_at or datetime.datetime.now()
        touches = []
        coupons = [c for c in order.coupons if isinstance(c, str)]
        missing = [c for c in coupons if ('coupon', c) not in cache]
        if missing:
            for c in missing:
                cache['coupon', c] = None
            for number in Number.search([
                        ('number', 'in', missing),
                        ('coupon.ecom_affiliate', '!=', None),
                        ('company', '=', self.company.id),
                        ]):
                cache['coupon', number.number] = (
                    number.coupon.ecom_affiliate)
        for c in coupons:
            if agent := cache['coupon', c]:
                touches.append((ordered, 1, agent, gettext(
                            'ecom_affiliates.msg_note_coupon',
                            code=c, affiliate=agent.ecom_code)))
        if code:
            key = ('code', code)
            if key not in cache:
                cache[key] = Agent.by_code(self.company.id, [code]).get(code)
            agent = cache[key]
            clicked = attribution.affiliate_clicked_at or ordered
            if agent is None:
                note = gettext('ecom_affiliates.msg_note_unknown', code=code)
                touches.append((None, 0, None, note))
            else:
                window = (agent.plan.ecom_attribution_days if agent.plan
                    else 30)
                days = (ordered - clicked).days
                if days > window:
                    touches.append((None, 0, None, gettext(
                                'ecom_affiliates.msg_note_expired',
                                code=code, days=days, window=window)))
                else:
                    touches.append((clicked, 0, agent, gettext(
                                'ecom_affiliates.msg_note_link', code=code,
                                clicked=clicked.isoformat(' ', 'minutes'))))
        valid = [t for t in touches if t[2] is not None]
        if valid:
            _, _, self.agent, note = max(valid, key=lambda t: t[:2])
            self.ecom_affiliate_note = note
        elif touches:
            self.ecom_affiliate_note = touches[0][3]


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    def get_commissions(self):
        """Upstream's commissions, on the sale's net goods only: its
        promotion discount lines (not shipping discounts) lower each goods
        line's base in proportion; shipping and discount lines earn none"""
        pool = Pool()
        SaleLine = pool.get('sale.line')
        commissions = super().get_commissions()
        if not commissions or not isinstance(self.origin, SaleLine):
            return commissions
        if _kind(self) != 'goods':
            return []
        factor = _net_factor(self.invoice)
        result = []
        for commission in commissions:
            base = round_price(commission.base_amount * factor)
            amount = commission.agent.plan.compute(base, self.product)
            amount = round_price(amount) if amount else Decimal(0)
            if amount:
                commission.base_amount = base
                commission.amount = amount
                result.append(commission)
        return result


def _kind(line):
    "goods, shipping or discount: what an invoice line of a sale is"
    sale_line = line.origin
    channel = sale_line.sale.ecom_channel
    shipping = channel.shipping_product if channel else None
    if shipping and line.product == shipping:
        return 'shipping'
    if getattr(sale_line, 'ecom_discount', False):
        return 'discount'
    return 'goods'


def _net_factor(invoice):
    "Net goods over gross goods of an invoice of online orders"
    pool = Pool()
    SaleLine = pool.get('sale.line')
    goods = discounts = Decimal(0)
    for line in invoice.lines:
        if line.type != 'line' or not isinstance(line.origin, SaleLine):
            continue
        kind = _kind(line)
        if kind == 'goods':
            goods += line.amount
        elif kind == 'discount':
            discounts += line.amount
    if not goods:
        return Decimal(1)
    # a credit note has negative goods and positive discounts: same ratio
    return min(max((goods + discounts) / goods, Decimal(0)), Decimal(1))
