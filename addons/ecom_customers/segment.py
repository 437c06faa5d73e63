"""Customer segments: rules over the customers' lifetime figures (the RFM
summary of ecom_reports: orders, net sales, last order, RFM segment), their
country and the categories they bought from. A daily task refreshes the
members; a segment can feed a newsletter list (its members are subscribed,
former members unsubscribed; consent still decides who receives what)."""
import datetime as dt

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_base.bulk import in_, lookups
from trytond.modules.ecom_base.records import forget
from trytond.modules.ecom_reports.summary import SEGMENTS
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class Segment(ModelSQL, ModelView):
    "Customer Segment"
    __name__ = 'ecom.customer.segment'
    __string__ = "Customer Segment"
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    rfm_segments = fields.MultiSelection(
        SEGMENTS, "RFM Segments",
        help="Customers in any of these RFM segments (empty: any).")
    min_revenue = fields.Numeric(
        "Spent At Least", digits=(16, 2),
        help="Lifetime net sales, in the company's currency.")
    min_orders = fields.Integer("Orders At Least")
    ordered_within = fields.Integer(
        "Ordered Within (days)", help="Last order at most this many days ago.")
    countries = fields.Many2Many(
        'ecom.customer.segment-country.country', 'segment', 'country',
        "Countries", help="The country of the customer's first address.")
    category = fields.Many2One(
        'product.category', "Bought in Category",
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Customers who bought a product of this category or below.")
    email_list = fields.Many2One(
        'marketing.email.list', "Newsletter List",
        domain=[('ecom_company', '=', Eval('company', -1))],
        help="Subscribe the members (with an email) to this list.")
    members = fields.One2Many(
        'ecom.customer.segment.member', 'segment', "Members", readonly=True)
    member_count = fields.Function(
        fields.Integer("Members"), 'get_member_count')
    refreshed_at = fields.DateTime("Refreshed At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({'refresh': {}})

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def get_member_count(cls, segments, name):
        Member = Pool().get('ecom.customer.segment.member')
        counts = {s.id: 0 for s in segments}
        for member in Member.search([('segment', 'in', list(counts))]):
            counts[member.segment.id] += 1
        return counts

    def matching_parties(self):
        "Ids of the customers the rules select now"
        pool = Pool()
        Summary = pool.get('ecom.report.summary.customer')
        Date = pool.get('ir.date')
        # the ORM's domain: it casts the decimals SQLite keeps as text
        domain = [('company', '=', self.company.id)]
        if self.rfm_segments:
            domain.append(('segment', 'in', list(self.rfm_segments)))
        if self.min_revenue is not None:
            domain.append(('revenue', '>=', self.min_revenue))
        if self.min_orders:
            domain.append(('orders', '>=', self.min_orders))
        if self.ordered_within is not None:
            domain.append(('last_date', '>=',
                    Date.today() - dt.timedelta(days=self.ordered_within)))
        parties = {s.party.id for s in Summary.search(domain)}
        if self.countries:
            parties &= self._in_countries(parties)
        if self.category:
            parties &= self._bought_in_category()
        return parties

    def _in_countries(self, parties):
        Address = Pool().get('party.address')
        countries = {c.id for c in self.countries}
        first = {}
        for address in Address.search([('party', 'in', list(parties))],
                order=[('party', 'ASC'), ('sequence', 'ASC NULLS LAST'),
                    ('id', 'ASC')]):
            first.setdefault(address.party.id, address.country)
        return {p for p, c in first.items() if c and c.id in countries}

    def _bought_in_category(self):
        pool = Pool()
        Category = pool.get('product.category')
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        Product = pool.get('product.product')
        Relation = pool.get('product.template-product.category')
        categories = [c.id for c in Category.search(
                [('parent', 'child_of', [self.category.id])])]
        sale, line = Sale.__table__(), Line.__table__()
        product, relation = Product.__table__(), Relation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*sale.join(line, condition=line.sale == sale.id
                ).join(product, condition=line.product == product.id
                ).join(relation,
                condition=relation.template == product.template
                ).select(sale.party, distinct=True,
                where=(sale.company == self.company.id)
                & sale.state.in_(['processing', 'done'])
                & relation.category.in_(categories)))
        return {p for p, in cursor}

    @classmethod
    @ModelView.button
    def refresh(cls, segments):
        "Recompute the members (and feed the newsletter lists)"
        pool = Pool()
        Member = pool.get('ecom.customer.segment.member')
        table = Member.__table__()
        cursor = Transaction().connection.cursor()
        now = dt.datetime.now()
        for segment in segments:
            wanted = segment.matching_parties()
            cursor.execute(*table.select(table.party,
                    where=table.segment == segment.id))
            current = {p for p, in cursor}
            gone = current - wanted
            for sub in lookups(sorted(gone)):
                cursor.execute(*table.delete(where=(
                            table.segment == segment.id)
                        & in_(table.party, sub)))
            with without_check_access():
                Member.create([{'segment': segment.id, 'party': p}
                        for p in sorted(wanted - current)])
            if segment.email_list:
                segment._feed(wanted)
        with without_check_access():
            cls.write(list(segments), {'refreshed_at': now})
        forget(cls, [s.id for s in segments])

    def _feed(self, parties):
        "Subscribe the members' emails; unsubscribe former members'"
        pool = Pool()
        Email = pool.get('marketing.email')
        Party = pool.get('party.party')
        emails = {p.email.lower() for p in Party.browse(list(parties))
            if p.email}
        existing = {e.email: e for e in Email.search([
                    ('list_', '=', self.email_list.id),
                    ('active', 'in', [True, False])])}
        to_create = [{'email': e, 'list_': self.email_list.id,
                'ecom_segment': self.id, 'active': True}
            for e in sorted(emails - set(existing))]
        to_activate = [s for e, s in existing.items()
            if e in emails and not s.active and s.ecom_segment == self]
        to_deactivate = [s for e, s in existing.items()
            if e not in emails and s.active and s.ecom_segment == self]
        with without_check_access():
            Email.create(to_create)
            if to_activate:
                Email.write(to_activate, {'active': True})
            if to_deactivate:
                Email.write(to_deactivate, {'active': False})

    @classmethod
    def refresh_all(cls):
        "Daily task: every segment of every company"
        with Transaction().set_context(active_test=False):
            cls.refresh(cls.search([]))


class SegmentCountry(ModelSQL):
    "Customer Segment - Country"
    __name__ = 'ecom.customer.segment-country.country'
    __string__ = "Customer Segment - Country"
    segment = fields.Many2One('ecom.customer.segment', "Segment",
        required=True, ondelete='CASCADE')
    country = fields.Many2One('country.country', "Country", required=True,
        ondelete='CASCADE')


class Member(ModelSQL, ModelView):
    "Customer Segment Member"
    __name__ = 'ecom.customer.segment.member'
    __string__ = "Customer Segment Member"
    segment = fields.Many2One('ecom.customer.segment', "Segment",
        required=True, ondelete='CASCADE', readonly=True)
    party = fields.Many2One('party.party', "Customer", required=True,
        ondelete='CASCADE', readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @fields.depends('segment', '_parent_segment.company')
    def on_change_with_company(self, name=None):
        return self.segment.company if self.segment else None

    @classmethod
    def search_company(cls, name, clause):
        return [('segment.company',) + tuple(clause[1:])]


class Email(metaclass=PoolMeta):
    __name__ = 'marketing.email'
    ecom_segment = fields.Many2One(
        'ecom.customer.segment', "Segment", readonly=True,
        ondelete='SET NULL',
        help="The segment that subscribed this address.")

