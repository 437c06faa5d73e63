"""Coupon codes generated in bulk (typed ones stay upstream's numbers)."""
import secrets

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

# No 0/O, 1/I/L: codes read aloud or typed from a flyer
ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
MAX_COUNT = 10_000


def new_codes(prefix, length, count, taken):
    "count new distinct codes prefix + length random characters"
    codes = set()
    while len(codes) < count:
        code = prefix + ''.join(
            secrets.choice(ALPHABET) for _ in range(length))
        if code not in taken:
            codes.add(code)
    return sorted(codes)


class GenerateStart(ModelView):
    "Generate coupon codes"
    __name__ = 'ecom.promotion.coupon.generate.start'
    __string__ = "Generate Coupon Codes"

    coupon = fields.Many2One('sale.promotion.coupon', "Coupon",
        readonly=True)
    count = fields.Integer("Number of Codes", required=True,
        domain=[('count', '>', 0), ('count', '<=', MAX_COUNT)])
    prefix = fields.Char("Prefix", help="e.g. BF26-")
    length = fields.Integer("Random Characters", required=True,
        domain=[('length', '>=', 6), ('length', '<=', 20)],
        help="At least 6 from 31 characters: about a billion codes, "
        "too many to guess.")

    @classmethod
    def default_count(cls):
        return 100

    @classmethod
    def default_length(cls):
        return 8


class Generate(Wizard):
    "Generate coupon codes"
    __name__ = 'ecom.promotion.coupon.generate'
    start = StateView('ecom.promotion.coupon.generate.start',
        'ecom_promotions.coupon_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()

    def default_start(self, fields):
        return {'coupon': self.record.id if self.record else None}

    def transition_generate(self):
        pool = Pool()
        Number = pool.get('sale.promotion.coupon.number')
        coupon = self.record
        prefix = (self.start.prefix or '').strip().upper()
        if not prefix.replace('-', '').replace('_', '').isalnum() and prefix:
            raise ValidationError(gettext(
                    'ecom_promotions.msg_coupon_prefix', prefix=prefix))
        with Transaction().set_context(active_test=False):
            taken = {n.number for n in Number.search([
                        ('company', '=', coupon.company.id),
                        ('number', 'like', prefix + '%'),
                        ])}
        codes = new_codes(prefix, self.start.length, self.start.count, taken)
        numbers = [Number(coupon=coupon, company=coupon.company, number=c)
            for c in codes]
        for number in numbers:
            number.on_change_coupon()
        Number.save(numbers)
        return 'end'
