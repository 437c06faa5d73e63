"""Customer groups get their price list.

A customer group is a party category (e.g. "Wholesale", "VIP"). Per
company, a group is given a price list; a customer without a price list of
their own gets the one of their first group (by sequence) on new sales,
and the storefront feeds price a group with it (``?group=<category id>``).
Quantity tiers are price list lines with a minimum quantity and scheduled
prices are lines with start and end dates (upstream product_price_list and
product_price_list_dates): a line applies to sales dated within its dates.
"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class GroupPriceList(sequence_ordered(), ModelSQL, ModelView):
    "The price list of a customer group in a company"
    __name__ = 'ecom.pricing.group_price_list'
    __string__ = "Customer Group Price List"

    company = fields.Many2One(
        'company.company', "Company", required=True)
    group = fields.Many2One(
        'party.category', "Customer Group", required=True,
        help="Customers in this party category get the price list.")
    price_list = fields.Many2One(
        'product.price_list', "Price List", required=True,
        domain=[('company', '=', Eval('company', -1))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('group_unique', Unique(t, t.company, t.group),
                'ecom_pricing.msg_group_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.price_list.company != record.company:
                raise ValidationError(gettext(
                        'ecom_pricing.msg_price_list_company',
                        price_list=record.price_list.rec_name,
                        group=record.group.rec_name))

    @classmethod
    def for_groups(cls, company, groups):
        "The price list of the first of groups that has one, or None"
        ids = [g.id for g in groups]
        if not ids or company is None:
            return None
        records = cls.search([
                ('company', '=', company.id if hasattr(company, 'id')
                    else company),
                ('group', 'in', ids),
                ], limit=1)
        return records[0].price_list if records else None

    def get_rec_name(self, name):
        return f'{self.group.rec_name}: {self.price_list.rec_name}'


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    def ecom_price_list(self, company):
        "The customer's own sale price list, else their group's"
        own = self.get_multivalue(
            'sale_price_list', company=getattr(company, 'id', company))
        if own:
            return own
        GroupPriceList = Pool().get('ecom.pricing.group_price_list')
        return GroupPriceList.for_groups(company, self.categories)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def _ecom_group_price_list(self):
        if self.party and self.company:
            group = self.party.ecom_price_list(self.company)
            if group:
                self.price_list = group

    @fields.depends('company', 'party')
    def on_change_party(self):
        super().on_change_party()
        self._ecom_group_price_list()

    @fields.depends('company', 'party')
    def on_change_company(self):
        super().on_change_company()
        self._ecom_group_price_list()


class Shop(metaclass=PoolMeta):
    __name__ = 'web.shop'

    def ecom_feed_price_list(self, group=None):
        "A group is a party category id (or name) with a price list"
        if group is None:
            return super().ecom_feed_price_list(group)
        GroupPriceList = Pool().get('ecom.pricing.group_price_list')
        domain = [('company', '=', self.company.id)]
        if str(group).isdigit():
            domain.append(('group', '=', int(group)))
        else:
            domain.append(('group.name', '=', group))
        records = GroupPriceList.search(domain, limit=1)
        if not records:
            raise KeyError(group)
        return records[0].price_list
