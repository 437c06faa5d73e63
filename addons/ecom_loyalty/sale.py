"""Loyalty points on orders: earned when an order is processed, redeemed
as a discount line of a draft order (wizard *Redeem Loyalty Points*), given
back when the order is cancelled."""
from collections import defaultdict
from decimal import Decimal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.ecom_orders.exceptions import ConcurrentChange, OrderRefused
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import LoyaltyError


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def process(cls, sales):
        super().process(sales)
        cls.ecom_earn_points(sales)
        cls.ecom_reverse_points(sales)

    def ecom_returned_sale(self):
        """The order a return sale gives goods back for: its origin, or the
        origin of the complaint it came from"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        origin = self.origin
        if origin and not isinstance(origin, Sale):
            origin = getattr(origin, 'origin', None)
        return origin if isinstance(origin, Sale) else None

    @classmethod
    def ecom_reverse_points(cls, sales):
        """A processed return takes back the points its order earned, in
        proportion to the goods returned (once per return, never below
        zero)"""
        pool = Pool()
        Entry = pool.get('ecom.loyalty.entry')
        returns = [(s, s.ecom_returned_sale()) for s in sales
            if s.state in {'processing', 'done'}]
        returns = [(r, o) for r, o in returns if o]
        if not returns:
            return
        earned = {e.sale.id: e for e in Entry.search([
                    ('sale', 'in', [o.id for _, o in returns]),
                    ('kind', '=', 'earn')])}
        done = {e.sale.id for e in Entry.search([
                    ('sale', 'in', [r.id for r, _ in returns]),
                    ('kind', '=', 'reverse')])}
        todo = [(r, o, o.ecom_loyalty_program()) for r, o in returns
            if o.id in earned and r.id not in done]
        todo = [(r, o, p) for r, o, p in todo if p]
        # one query for every return and order of the batch
        amounts = cls.ecom_goods_amounts(
            [(r, p) for r, _, p in todo] + [(o, p) for _, o, p in todo])
        for sale, original, _ in todo:
            entry = earned[original.id]
            returned, sold = -amounts[sale.id], amounts[original.id]
            if returned <= 0 or sold <= 0:
                continue
            points = min(entry.points, round(entry.points * returned / sold))
            if points > 0:
                entry.account.take_back(points, sale=sale,
                    note=gettext('ecom_loyalty.msg_loyalty_reversed_note',
                        sale=original.rec_name))

    @classmethod
    def cancel(cls, sales):
        super().cancel(sales)
        cls.ecom_refund_points(sales)

    def ecom_loyalty_program(self):
        Program = Pool().get('ecom.loyalty.program')
        channel = getattr(self, 'ecom_channel', None)
        return Program.find(
            self.company.id, channel.shop if channel else None)

    @classmethod
    def ecom_goods_amounts(cls, pairs):
        """{sale id: untaxed amount of the goods (and of the program's
        points discount)} in the company's currency, for [(sale, program)]:
        one query per slice of sales, and no record field read per sale or
        line (each such read instantiates with every prefetched id: reading
        the lines' amounts, or even sale.currency, sale after sale is
        quadratic)"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        sale = cls.__table__()
        line = pool.get('sale.line').__table__()
        product = pool.get('product.product').__table__()
        template = pool.get('product.template').__table__()
        cursor = Transaction().connection.cursor()
        discounts = {}  # sale id -> the discount product id of its program
        by_program = {}
        for record, program in pairs:
            if program is not None and program.id not in by_program:
                by_program[program.id] = (program.discount_product.id
                    if program.discount_product else None)
            discounts[record.id] = by_program.get(
                program.id if program else None)
        lines = {i: [] for i in discounts}  # each line's quantity x price
        currency_of, company_of, dates = {}, {}, {}
        for chunk in grouped_slice(list(discounts), backend.MAX_QUERY_PARAMS):
            chunk = list(chunk)  # a generator, read twice
            cursor.execute(*sale.select(sale.id, sale.currency, sale.company,
                    sale.sale_date, where=reduce_ids(sale.id, chunk)))
            for sale_id, currency_id, company_id, date in cursor:
                currency_of[sale_id] = currency_id
                company_of[sale_id] = company_id
                dates[sale_id] = date
            cursor.execute(*line.join(product,
                    condition=line.product == product.id
                    ).join(template,
                    condition=product.template == template.id
                    ).select(line.sale, line.product, line.quantity,
                    line.unit_price, template.type,
                    where=reduce_ids(line.sale, chunk)
                    & (line.type == 'line')))
            for sale_id, product_id, quantity, unit_price, type_ in cursor:
                if type_ != 'goods' and discounts[sale_id] != product_id:
                    continue
                lines[sale_id].append(Decimal(str(quantity or 0))
                    * Decimal(str(unit_price or 0)))
        currencies = {c.id: c for c in Currency.browse(
                set(currency_of.values()))}
        company_currency = {c.id: c.currency for c in Company.browse(
                set(company_of.values()))}
        amounts = {}
        for sale_id, products in lines.items():
            currency = currencies[currency_of[sale_id]]
            # rounded line by line, as the lines' amounts are
            amount = sum((currency.round(a) for a in products), Decimal(0))
            target = company_currency[company_of[sale_id]]
            if currency != target:
                with Transaction().set_context(date=dates[sale_id]):
                    amount = Currency.compute(
                        currency, amount, target, round=False)
            amounts[sale_id] = amount
        return amounts

    @classmethod
    def ecom_earn_points(cls, sales):
        """Credit the points of processed orders, once per order, in bulk:
        what was earned already, the amounts, the accounts and the entries
        each in one go"""
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        Entry = pool.get('ecom.loyalty.entry')
        programs, todo = {}, []
        for sale in sales:
            if sale.state not in {'processing', 'done'}:
                continue
            channel = getattr(sale, 'ecom_channel', None)
            key = sale.company.id, channel.shop.id if channel and channel.shop \
                else None
            if key not in programs:
                programs[key] = sale.ecom_loyalty_program()
            if programs[key]:
                todo.append((sale, programs[key]))
        if not todo:
            return
        earned = set()
        for chunk in grouped_slice([s.id for s, _ in todo], backend.MAX_QUERY_PARAMS):
            earned.update(e['sale'] for e in Entry.search_read([
                        ('sale', 'in', list(chunk)), ('kind', '=', 'earn')],
                    fields_names=['sale']))
        todo = [(s, p) for s, p in todo if s.id not in earned]
        amounts = cls.ecom_goods_amounts(todo)

        earnings = defaultdict(list)  # company -> [(sale, points, program)]
        for sale, program in todo:
            if points := program.points_for(amounts[sale.id]):
                earnings[sale.company.id].append((sale, points, program))
        for company, items in earnings.items():
            accounts = Account.of_parties(
                company, [s.party.id for s, _, _ in items])
            Account.earn_many([(accounts[s.party.id], points, program, s,
                        gettext('ecom_loyalty.msg_loyalty_earned_note',
                            sale=s.rec_name))
                    for s, points, program in items])

    @classmethod
    def ecom_refund_points(cls, sales):
        "A cancelled order gives its redeemed points back"
        pool = Pool()
        Entry = pool.get('ecom.loyalty.entry')
        for entry in Entry.search([
                    ('sale', 'in', [s.id for s in sales]),
                    ('kind', '=', 'redeem')]):
            program = entry.sale.ecom_loyalty_program()
            if program:
                entry.account.earn(-entry.points, program, sale=entry.sale,
                    note=gettext('ecom_loyalty.msg_loyalty_refund_note',
                        sale=entry.sale.rec_name))

    def ecom_intake_lines(self, order, lines, batch):
        "The discount line of the points an online order redeems"
        extra = super().ecom_intake_lines(order, lines, batch)
        points = order.loyalty_points
        if not points:
            return extra
        return extra + [self._ecom_points_line(points, lines + extra, batch)]

    def _ecom_points_line(self, points, lines, batch):
        "The discount line of an online order: OrderRefused names the field"
        Account = Pool().get('ecom.loyalty.account')

        def refuse(reason):
            raise OrderRefused([('loyalty_points', reason)])
        program = self.ecom_loyalty_program()
        if not program:
            refuse("the channel's shop has no loyalty program")
        if points < program.minimum_redeem:
            refuse(f"at least {program.minimum_redeem} points are redeemed "
                "at once")
        accounts = Account.search([('company', '=', self.company.id),
                ('party', '=', self.party.id if (self.party.id or -1) > 0
                    else -1)])
        key = ('ecom_loyalty', accounts[0].id if accounts else None)
        planned = batch.get(key, 0)
        balance = (accounts[0].balance if accounts else 0) - planned
        if points > balance:
            # the storefront is not told the customer's balance
            refuse(f"{points} points are more than the customer's balance")
        try:
            line = self.ecom_points_line(points, program, lines)
        except LoyaltyError as error:
            refuse(error.message)
        batch[key] = planned + points
        return line

    def ecom_points_line(self, points, program, lines):
        """The (unsaved) discount line worth points among lines, with the
        goods' taxes when they all share them (the discount lowers the taxed
        base on the invoice); LoyaltyError when worth more than the goods"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Line = pool.get('sale.line')
        with Transaction().set_context(
                date=getattr(self, 'sale_date', None)):
            value = Currency.compute(self.company.currency,
                points * program.point_value, self.currency)
        goods = [l for l in lines if getattr(l, 'type', 'line') == 'line'
            and l.product and l.product.type == 'goods']
        amount = sum(Decimal(str(l.quantity)) * l.unit_price for l in goods)
        if value > amount:
            raise LoyaltyError(gettext('ecom_loyalty.msg_loyalty_too_much',
                    points=points, value=value, amount=amount))
        product = program.discount_product
        line = Line(sale=self, type='line', product=product, quantity=1,
            unit=product.sale_uom or product.default_uom, unit_price=-value,
            description=gettext('ecom_loyalty.msg_loyalty_line',
                points=points))
        taxes = {tuple(sorted(t.id for t in l.taxes)) for l in goods}
        line.taxes = list(taxes.pop()) if len(taxes) == 1 else []
        return line

    @classmethod
    def ecom_intake_saved(cls, pairs):
        "Take the points of the saved orders (a race runs the batch again)"
        pool = Pool()
        Account = pool.get('ecom.loyalty.account')
        super().ecom_intake_saved(pairs)
        for sale, order in pairs:
            if not order.loyalty_points:
                continue
            program = sale.ecom_loyalty_program()
            account = Account.of(sale.company.id, sale.party)
            try:
                account.redeem(order.loyalty_points, program, sale=sale,
                    note=gettext('ecom_loyalty.msg_loyalty_redeemed_note',
                        sale=sale.rec_name))
            except LoyaltyError as error:
                raise ConcurrentChange(str(error)) from error

    def ecom_redeem_points(self, points):
        """Redeem points as a discount line of this draft order: the
        points' value, at most the goods amount"""
        Account = Pool().get('ecom.loyalty.account')
        if self.state not in {'draft', 'quotation'}:
            raise LoyaltyError(gettext(
                    'ecom_loyalty.msg_loyalty_sale_state',
                    sale=self.rec_name))
        program = self.ecom_loyalty_program()
        if not program:
            raise LoyaltyError(gettext(
                    'ecom_loyalty.msg_loyalty_no_program',
                    sale=self.rec_name))
        line = self.ecom_points_line(points, program, list(self.lines))
        account = Account.of(self.company.id, self.party)
        account.redeem(points, program, sale=self,
            note=gettext('ecom_loyalty.msg_loyalty_redeemed_note',
                sale=self.rec_name))
        line.save()
        return line


class RedeemStart(ModelView):
    "Redeem Loyalty Points"
    __name__ = 'ecom.loyalty.redeem.start'
    __string__ = "Redeem Loyalty Points"
    balance = fields.Integer("Balance", readonly=True)
    points = fields.Integer("Points to Redeem", required=True)


class Redeem(Wizard):
    "Redeem Loyalty Points"
    __name__ = 'ecom.loyalty.redeem'
    start = StateView('ecom.loyalty.redeem.start',
        'ecom_loyalty.loyalty_redeem_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Redeem", 'redeem', 'tryton-ok', default=True),
            ])
    redeem = StateTransition()

    def default_start(self, fields):
        Account = Pool().get('ecom.loyalty.account')
        accounts = Account.search([
                ('company', '=', self.record.company.id),
                ('party', '=', self.record.party.id)])
        return {'balance': accounts[0].balance if accounts else 0}

    def transition_redeem(self):
        self.record.ecom_redeem_points(self.start.points)
        return 'end'
