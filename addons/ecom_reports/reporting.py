from sql import Null
from trytond.model import ModelView, fields
from trytond.modules.sale.sale_reporting import Abstract, AbstractTimeseries
from trytond.pool import Pool
from trytond.pyson import Eval


class ChannelMixin:
    "Group upstream sale reporting by the channel the order came from"
    __slots__ = ()

    channel = fields.Many2One(
        'ecom.channel', "Channel",
        context={'company': Eval('company', -1)}, depends={'company'})

    @classmethod
    def _sale_line_columns(cls, line, sale):
        return super()._sale_line_columns(line, sale) + [
            sale.ecom_channel.as_('channel')]

    @classmethod
    def _columns(cls, tables, withs):
        return super()._columns(tables, withs) + [
            tables['line'].channel.as_('channel')]

    @classmethod
    def _group_by(cls, tables, withs):
        return super()._group_by(tables, withs) + [tables['line'].channel]

    @classmethod
    def _where(cls, tables, withs):
        return super()._where(tables, withs) & (
            tables['line'].channel != Null)


class Channel(ChannelMixin, Abstract, ModelView):
    "Sales per channel over the selected dates"
    __name__ = 'ecom.reporting.channel'
    __string__ = "Sales by Channel"

    time_series = fields.Function(fields.Many2Many(
            'ecom.reporting.channel.time_series', None, None, "Time Series"),
        'get_time_series')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('revenue', 'DESC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return tables['line'].channel

    def get_time_series(self, name):
        Timeseries = Pool().get('ecom.reporting.channel.time_series')
        return [t.id for t in Timeseries.search([
                    ('channel', '=', self.channel.id)])]

    def get_rec_name(self, name):
        return self.channel.rec_name if self.channel else ''


class ChannelTimeseries(ChannelMixin, AbstractTimeseries, ModelView):
    "Sales per channel and period (day, month or year)"
    __name__ = 'ecom.reporting.channel.time_series'
    __string__ = "Channel Sales over Time"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.append(('channel', 'ASC'))
