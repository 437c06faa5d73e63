"""Summary tables behind the reports.

Every report reads one of these tables instead of the sale lines. Rows come in
two grains: 'D' (one day) and 'M' (a calendar month, the sum of its days), so
a report over a long date range adds up whole months and only the days of the
partial months at either end. The tables are rebuilt day by day by
``ecom.report.refresh`` (summary_refresh.py) from the confirmed, processing
and done sales.
"""
from trytond.model import Index, ModelSQL, fields
from trytond.pyson import Eval

GRAINS = [('D', "Day"), ('M', "Month")]
SEGMENTS = [
    ('champions', "Champions"),
    ('loyal', "Loyal"),
    ('new', "New"),
    ('need_attention', "Need Attention"),
    ('at_risk', "At Risk"),
    ('lost', "Lost"),
    ]


class SummaryMixin:
    "Columns shared by every grain table"
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    grain = fields.Selection(GRAINS, "Grain", required=True)
    date = fields.Date(
        "Date", required=True, help="The day, or the month's first day.")
    channel = fields.Many2One('ecom.channel', "Channel")
    currency = fields.Many2One(
        'currency.currency', "Order Currency", required=True)

    _dimension_names = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.grain, Index.Equality()),
                (t.date, Index.Range())))

    @classmethod
    def _dimensions(cls):
        return list(cls._dimension_names)

    @classmethod
    def _measures(cls):
        "The summable columns: every field that is not a key"
        keys = {'id', 'company', 'grain', 'date', 'channel', 'currency',
            'create_uid', 'create_date', 'write_uid', 'write_date',
            'rec_name', *cls._dimension_names}
        return sorted(n for n, f in cls._fields.items()
            if n not in keys and not isinstance(f, fields.Function))


def amount_field(string):
    return fields.Numeric(string, digits=(16, 2))


class Calendar(ModelSQL):
    "One row per day with the period it belongs to, as ordinals"
    __name__ = 'ecom.report.calendar'
    __string__ = "Report Calendar"
    date = fields.Date("Date", required=True)
    day_index = fields.Integer("Day Number", required=True)
    week = fields.Date("Week", required=True, help="The Monday.")
    week_index = fields.Integer("Week Number", required=True)
    month = fields.Date("Month", required=True)
    month_index = fields.Integer("Month Number", required=True)
    year = fields.Date("Year", required=True)
    year_index = fields.Integer("Year Number", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))


class SalesSummary(SummaryMixin, ModelSQL):
    "Orders and amounts per day, channel and order currency"
    __name__ = 'ecom.report.summary.sales'
    __string__ = "Sales Summary"
    orders = fields.Integer("Orders")
    quantity = fields.Float("Quantity")
    gross = amount_field("Gross Sales")
    returns = amount_field("Returns")
    revenue = amount_field("Net Sales")
    shipping = amount_field("Shipping")
    discount = amount_field("Promotion Discounts")
    cost = amount_field("Cost")
    new_customers = fields.Integer("New Customers")
    new_revenue = amount_field("Net Sales to New Customers")


class ProductSummary(SummaryMixin, ModelSQL):
    "Quantities and amounts per day, channel, order currency and product"
    __name__ = 'ecom.report.summary.product'
    __string__ = "Product Sales Summary"
    _dimension_names = ('product',)
    product = fields.Many2One(
        'product.product', "Product", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    orders = fields.Integer("Orders")
    quantity = fields.Float("Quantity")
    sold_quantity = fields.Float("Sold Quantity")
    returned_quantity = fields.Float("Returned Quantity")
    revenue = amount_field("Net Sales")
    returns = amount_field("Returns")
    cost = amount_field("Cost")


class RegionSummary(SummaryMixin, ModelSQL):
    "Orders and net sales per day and shipping country/subdivision"
    __name__ = 'ecom.report.summary.region'
    __string__ = "Region Sales Summary"
    _dimension_names = ('country', 'subdivision')
    country = fields.Many2One('country.country', "Country")
    subdivision = fields.Many2One('country.subdivision', "Subdivision")
    orders = fields.Integer("Orders")
    revenue = amount_field("Net Sales")


class PromotionSummary(SummaryMixin, ModelSQL):
    "Uses, discount and order revenue per day and promotion"
    __name__ = 'ecom.report.summary.promotion'
    __string__ = "Promotion Summary"
    _dimension_names = ('promotion',)
    promotion = fields.Many2One('sale.promotion', "Promotion", required=True)
    orders = fields.Integer("Orders")
    discount = amount_field("Discount")
    revenue = amount_field("Net Sales of the Orders")


class CampaignSummary(SummaryMixin, ModelSQL):
    "Orders and amounts per day and marketing campaign, medium and source"
    __name__ = 'ecom.report.summary.campaign'
    __string__ = "Campaign Summary"
    _dimension_names = ('campaign', 'medium', 'source')
    campaign = fields.Many2One('marketing.campaign', "Campaign")
    medium = fields.Many2One('marketing.medium', "Medium")
    source = fields.Many2One('marketing.source', "Source")
    orders = fields.Integer("Orders", help="Return sales are not counted.")
    new_customers = fields.Integer("New Customers")
    gross = amount_field("Gross Sales")
    returns = amount_field("Returns")
    revenue = amount_field("Net Sales")
    discount = amount_field("Promotion Discounts")
    cost = amount_field("Cost")


class FulfilmentSummary(SummaryMixin, ModelSQL):
    "Shipped orders, on time or late, per order day"
    __name__ = 'ecom.report.summary.fulfilment'
    __string__ = "Fulfilment Summary"
    orders = fields.Integer("Orders")
    shipped = fields.Integer("Shipped Orders")
    on_time = fields.Integer("Shipped within SLA")
    preparation_days = fields.Integer(
        "Preparation Days", help="Sum over the shipped orders.")


class ReturnSummary(SummaryMixin, ModelSQL):
    "Returned units and amounts per day, product and return reason"
    __name__ = 'ecom.report.summary.return'
    __string__ = "Returns Summary"
    _dimension_names = ('product', 'reason')
    product = fields.Many2One(
        'product.product', "Product", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    reason = fields.Char("Return Reason")
    orders = fields.Integer("Return Orders")
    quantity = fields.Float("Units Returned")
    amount = amount_field("Amount Returned")


class CustomerSummary(ModelSQL):
    "Lifetime figures of a customer, the base of the RFM segments"
    __name__ = 'ecom.report.summary.customer'
    __string__ = "Customer Summary"
    company = fields.Many2One('company.company', "Company", required=True)
    party = fields.Many2One('party.party', "Customer", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    first_date = fields.Date("First Order")
    last_date = fields.Date("Last Order")
    orders = fields.Integer("Orders")
    revenue = amount_field("Net Sales")
    recency = fields.Integer("R")
    frequency = fields.Integer("F")
    monetary = fields.Integer("M")
    segment = fields.Selection(SEGMENTS, "Segment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Range()),
                    (t.party, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.revenue, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.segment, Index.Equality())),
                })


SUMMARIES = [
    'ecom.report.summary.sales', 'ecom.report.summary.product',
    'ecom.report.summary.region', 'ecom.report.summary.promotion',
    'ecom.report.summary.fulfilment', 'ecom.report.summary.return',
    'ecom.report.summary.campaign']
