"""Promotions on sales: discount lines that say which promotion, which
lines and why; uses taken when the order is confirmed, given back when it
goes back to draft."""
import datetime
from decimal import Decimal

from sql import Cast, Literal, Null
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.modules.ecom_base.records import forget
from trytond.modules.ecom_orders.exceptions import ConcurrentChange
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import engine, facts, outcome, pricing


class Configuration(metaclass=PoolMeta):
    __name__ = 'sale.configuration'

    ecom_discount_product = fields.Many2One('product.product',
        "Promotion Discount Product", domain=[('type', '=', 'service')],
        help="The product of the discount lines promotions add (its "
        "account category books them).")


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_promotions_explained = fields.Function(fields.Text(
            "Promotions",
            states={'invisible': ~Eval('lines')
                | ~Eval('state').in_(['draft', 'quotation'])}),
        'get_ecom_promotions_explained')
    ecom_promotions_applied = fields.Function(fields.Char(
            "Promotions Applied",
            help="The promotions that discounted the order when it was "
            "confirmed, with their amounts (all of them, applied or not, "
            "on the Promotions tab)."),
        'get_ecom_promotions_applied')
    ecom_promotion_results = fields.One2Many(
        'ecom.sale.promotion_result', 'sale', "Promotion Results",
        readonly=True,
        states={'invisible': Eval('state').in_(['draft', 'quotation'])},
        help="Each promotion applied or not when the order was confirmed, "
        "and why.")

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_promotion_results', None)
        return super().copy(sales, default=default)

    # The cart of a sale ---------------------------------------------------
    def ecom_shipping_product(self):
        channel = getattr(self, 'ecom_channel', None)
        return channel.shipping_product if channel else None

    def ecom_cart(self, lines, coupon_ids=frozenset()):
        """(engine cart, its lines' taxes, shipping taxes) of the goods and
        shipping lines among lines"""
        shipping_product = self.ecom_shipping_product()
        cart_lines, taxes, shipping, shipping_taxes = [], {}, None, ()
        for line in lines:
            if (getattr(line, 'type', 'line') != 'line' or not line.product
                    or getattr(line, 'ecom_discount', False)):
                continue
            line_taxes = tuple(sorted(t.id for t in (line.taxes or [])))
            amount = Decimal(str(line.quantity)) * line.unit_price
            if line.product == shipping_product:
                shipping = (shipping or Decimal(0)) + self.currency.round(
                    amount)
                shipping_taxes = line_taxes
                continue
            if line.quantity <= 0 or line.unit_price <= 0:
                continue
            index = len(cart_lines)
            cart_lines.append(engine.Line(index, line.product.id,
                    Decimal(str(line.quantity)), line.unit_price,
                    facts.categories(line.product),
                    line.product.code or line.product.name))
            taxes[index] = line_taxes
        groups, first = pricing.customer(
            self.company.id, self.party, exclude_sale=self.id)
        address = self.shipment_address
        channel = getattr(self, 'ecom_channel', None)
        date = getattr(self, 'sale_date', None) or Pool().get(
            'ir.date').today()
        cart = engine.Cart(cart_lines, currency=self.currency.id,
            digits=self.currency.digits, shipping=shipping,
            country=(address.country.id if address and address.country
                else None),
            groups=groups, first_order=first,
            shop=channel.shop.id if channel and channel.shop else None,
            moment=(getattr(self, 'ecom_ordered_at', None)
                or datetime.datetime.now()),
            coupons=frozenset(coupon_ids),
            convert=pricing.converter(self.currency, date),
            timezone=self.company.timezone)
        return cart, taxes, shipping_taxes

    def ecom_price(self, lines, coupon_ids=frozenset()):
        "(rules, outcome, parts) of the promotions on lines"
        cart, taxes, shipping_taxes = self.ecom_cart(lines, coupon_ids)
        rules, outcome = pricing.evaluate(self.company.id, cart, self.party)
        return rules, outcome, pricing.parts(outcome, taxes, shipping_taxes)

    def ecom_discount_lines(self, parts):
        "The unsaved discount lines of parts"
        pool = Pool()
        Line = pool.get('sale.line')
        Promotion = pool.get('sale.promotion')
        Config = pool.get('sale.configuration')
        default = Config(1).ecom_discount_product
        result = []
        for part in parts:
            promotion = Promotion(part.rule.id)
            product = (self.ecom_shipping_product() if part.shipping
                else None) or promotion.ecom_discount_product or default
            if not product:
                raise UserError(gettext(
                        'ecom_promotions.msg_no_discount_product',
                        promotion=promotion.rec_name))
            line = Line(sale=self, type='line', product=product,
                quantity=1, unit=product.sale_uom or product.default_uom,
                unit_price=-part.amount,
                original_unit_price=Decimal(0), promotion=promotion,
                ecom_discount=True,
                description=self.ecom_explain(promotion, part.why))
            line.taxes = list(part.taxes)
            line.amount = line.on_change_with_amount()
            result.append(line)
        return result

    def ecom_explain(self, promotion, why):
        """The discount line's description in the customer's language (it
        is copied to the invoice): the promotion's name and why"""
        pool = Pool()
        Promotion = pool.get('sale.promotion')
        language = (self.party.lang.code if self.party and self.party.lang
            else None)
        with Transaction().set_context(language=language):
            name = Promotion(promotion.id).name
            if isinstance(why, engine.Why):
                message = 'ecom_promotions.msg_why_' + why.key
                why = gettext(message, **why.values)
        return f"{name}: {why}"

    @classmethod
    def get_ecom_promotions_applied(cls, sales, name):
        "One read of the stored results for all the sales"
        pool = Pool()
        Result = pool.get('ecom.sale.promotion_result')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        texts = {s.id: [] for s in sales}
        currencies = {s.id: s.currency for s in sales}
        for result in Result.search([
                    ('sale', 'in', list(texts)), ('applied', '=', True)],
                order=[('sale', 'ASC'), ('id', 'ASC')]):
            sale = result.sale.id
            texts[sale].append(f"{result.name} (-"
                f"{lang.currency(result.amount, currencies[sale])})")
        return {i: ', '.join(t) or None for i, t in texts.items()}

    def get_ecom_promotions_explained(self, name):
        if self.state not in {'draft', 'quotation'}:
            # what it got when quoted (uses and budgets moved since)
            return '\n'.join(f"Applied: {l.description} ({l.amount})"
                for l in self.lines
                if getattr(l, 'ecom_discount', False)) or None
        text = [f"Applied: {name} -{amount} ({why})" if applied
            else f"Not applied: {name}: {why}"
            for _, name, applied, amount, why in outcome.decisions(
                *outcome.engine_outcome(self))]
        return '\n'.join(text) or None

    # Workflow -----------------------------------------------------------
    def ecom_apply_discounts(self):
        """The formula campaigns' prices (upstream), then the engine's
        discount lines; refuse coupons that do not apply"""
        self._ecom_remove_discounts()
        self.apply_promotion()
        coupons = list(getattr(self, 'coupons', []))
        codes = [n.number for n in coupons]
        found = {n.number: n.coupon.id for n in coupons}
        rules, outcome, parts = self.ecom_price(
            self.lines, set(found.values()))
        campaigns = {l.promotion.id for l in self.lines
            if getattr(l, 'promotion', None)}
        refused = pricing.coupon_refusals(
            codes, found, rules, outcome, campaigns)
        if refused:
            raise UserError(gettext('ecom_promotions.msg_coupon_refused',
                    sale=self.rec_name,
                    reasons='; '.join(r for _, r in refused)))
        new = self.ecom_discount_lines(parts)
        if new:
            self.lines = list(self.lines) + new

    @classmethod
    @ModelView.button
    @Workflow.transition('quotation')
    def quote(cls, sales):
        # lines are added while the sale is a draft; upstream's quote then
        # applies the campaign prices again (the same prices).
        # Storefront orders come with their discounts (see sale_intake).
        todo = [s for s in sales if not getattr(s, 'ecom_channel', None)]
        for sale in todo:
            sale.ecom_apply_discounts()
        cls.save(todo)
        super().quote(sales)

    def unapply_promotion(self):
        "Remove the discount lines (an online order keeps its own)"
        if not getattr(self, 'ecom_channel', None):
            self._ecom_remove_discounts()
        super().unapply_promotion()

    def _ecom_remove_discounts(self):
        Line = Pool().get('sale.line')
        discounts = [l for l in self.lines
            if getattr(l, 'ecom_discount', False)]
        if discounts:
            Line.delete([l for l in discounts if l.id and l.id > 0])
            self.lines = [l for l in self.lines if l not in discounts]

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, sales):
        outcome.record_at_confirmation(sales)
        cls.ecom_take_promotions(sales)
        super().confirm(sales)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sales):
        # a confirmed order not processed yet may go back to draft; a
        # cancelled one was never confirmed (nothing to give back there)
        cls.ecom_release_promotions(sales)
        Result = Pool().get('ecom.sale.promotion_result')
        with without_check_access():
            Result.delete(Result.search(
                    [('sale', 'in', [s.id for s in sales])]))
        super().draft(sales)

    @classmethod
    def ecom_take_promotions(cls, sales):
        """Count a use of each promotion of the sales' discount lines; a
        limit reached meanwhile refuses the confirmation (the intake runs
        its batch again, and then refuses the order)"""
        pool = Pool()
        Promotion = pool.get('sale.promotion')
        Usage = pool.get('ecom.promotion.usage')
        Currency = pool.get('currency.currency')
        table = Promotion.__table__()
        cursor = Transaction().connection.cursor()
        usages = []
        for sale in sales:
            amounts = {}
            for line in sale.lines:
                if getattr(line, 'ecom_discount', False) and line.promotion:
                    amounts[line.promotion] = amounts.get(
                        line.promotion, Decimal(0)) - line.amount
            for promotion, amount in sorted(
                    amounts.items(), key=lambda a: a[0].id):
                currency = promotion.currency or sale.company.currency
                with Transaction().set_context(date=sale.sale_date):
                    amount = Currency.compute(sale.currency, amount,
                        currency)
                # cast: SQLite stores Decimal as a blob
                where = (table.id == promotion.id) & (
                    (table.ecom_max_uses == Null)
                    | (table.ecom_uses < table.ecom_max_uses)) & (
                    (table.ecom_budget == Null)
                    | (Cast(table.ecom_spent + amount, 'NUMERIC')
                        <= Cast(table.ecom_budget, 'NUMERIC')))
                cursor.execute(*table.update(
                        [table.ecom_uses, table.ecom_spent],
                        [table.ecom_uses + 1, table.ecom_spent + amount],
                        where=where))
                refused = cursor.rowcount == 0
                if not refused and promotion.ecom_max_uses_per_customer:
                    refused = Usage.search([
                            ('promotion', '=', promotion.id),
                            ('party', '=', sale.party.id),
                            ], count=True) + sum(
                        1 for u in usages if u.promotion == promotion
                        and u.party == sale.party) >= (
                        promotion.ecom_max_uses_per_customer)
                if refused:
                    cls._ecom_limit_reached(sale, promotion)
                usages.append(Usage(promotion=promotion,
                        company=sale.company, sale=sale, party=sale.party,
                        amount=amount, currency=currency))
        if usages:
            forget(Promotion, [u.promotion.id for u in usages])
            Usage.save(usages)

    @classmethod
    def _ecom_limit_reached(cls, sale, promotion):
        message = gettext('ecom_promotions.msg_limit_reached',
            promotion=promotion.rec_name, sale=sale.rec_name)
        if Transaction().context.get('ecom_intake'):
            raise ConcurrentChange(message)
        raise UserError(message)

    @classmethod
    def ecom_release_promotions(cls, sales):
        pool = Pool()
        Promotion = pool.get('sale.promotion')
        Usage = pool.get('ecom.promotion.usage')
        table = Promotion.__table__()
        cursor = Transaction().connection.cursor()
        usages = Usage.search([('sale', 'in', [s.id for s in sales])])
        for usage in usages:
            cursor.execute(*table.update(
                    [table.ecom_uses, table.ecom_spent],
                    [table.ecom_uses - Literal(1),
                        table.ecom_spent - usage.amount],
                    where=table.id == usage.promotion.id))
        forget(Promotion, [u.promotion.id for u in usages])
        Usage.delete(usages)


class Line(metaclass=PoolMeta):
    __name__ = 'sale.line'

    ecom_discount = fields.Boolean("Promotion Discount", readonly=True,
        states={'invisible': ~Eval('ecom_discount')},
        help="A discount line added by a promotion (see its description).")

    def get_original_amount(self, name):
        if self.ecom_discount:
            return Decimal(0)
        return super().get_original_amount(name)

    @property
    @fields.depends('ecom_discount')
    def taxable_lines(self):
        lines = super().taxable_lines
        if self.ecom_discount and Transaction().context.get(
                '_original_amount'):
            return []
        return lines


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    ecom_promotion = fields.Function(fields.Many2One(
            'sale.promotion', "Promotion"), 'get_ecom_promotion')

    def get_ecom_promotion(self, name):
        SaleLine = Pool().get('sale.line')
        origin = self.origin
        if isinstance(origin, SaleLine) and origin.ecom_discount:
            return origin.promotion.id if origin.promotion else None
