"""XLSX export of any report: the columns of its list view, the chart of its
graph view, the rows it shows in sao for the same filters."""
from lxml import etree
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .xlsx import Column, Table, write_workbook

REPORTS = [
    ('sales', "Sales over Time"),
    ('customers', "New vs Returning Customers"),
    ('product', "Top Products"),
    ('category', "Top Categories"),
    ('region', "Sales by Geography"),
    ('segment', "Customer Segments (RFM)"),
    ('customer', "Customers by Value (RFM)"),
    ('promotion', "Promotions"),
    ('fulfilment', "Fulfilment (SLA)"),
    ('returns', "Returns by Product and Reason"),
    ('campaign', "Campaign Performance"),
    ('cart', "Abandoned Carts"),
    ]
FILTERS = ['from_date', 'to_date', 'period', 'shop', 'channel', 'currency',
    'limit']


def _kind(info, attrs):
    if attrs.get('factor') == '100':
        return 'percent'
    return {
        'integer': 'integer', 'float': 'number', 'numeric': 'money',
        'date': 'date'}.get(info['type'], 'text')


def read_table(key):
    "The report of key read with the current context, as an xlsx.Table"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Action = pool.get('ir.action.act_window')
    action = Action(ModelData.get_id('ecom_reports', f'act_report_{key}'))
    Model = pool.get(action.res_model)
    views = {v.view.type: v.view.id for v in action.act_window_views}
    tree = Model.fields_view_get(views['tree'], 'tree')
    graph = Model.fields_view_get(views['graph'], 'graph')
    columns = []
    for node in etree.fromstring(tree['arch']).iter('field'):
        info = tree['fields'][node.get('name')]
        columns.append(Column(
                node.get('name'), info['string'], _kind(info, node.attrib),
                node.get('sum') == '1'))
    graph_arch = etree.fromstring(graph['arch'])
    chart_x = graph_arch.find('x/field').get('name')
    if chart_x not in {c.name for c in columns}:
        # a short label for the screen (Top Products): the sheet's chart
        # takes the list's first column, which it names
        chart_x = columns[0].name
    table = Table(
        title=dict(REPORTS)[key], columns=columns,
        chart_type=graph_arch.get('type', 'vbar'),
        chart_x=chart_x,
        chart_y=[f.get('name') for f in graph_arch.findall('y/field')])
    names = [c.name for c in columns]
    relations = [n for n in names if tree['fields'][n]['type'] == 'many2one']
    selections = {
        n: dict(tree['fields'][n]['selection']) for n in names
        if tree['fields'][n]['type'] == 'selection'}
    records = Model.search([])
    # read answers in the database's order: the rows keep the search's
    rows = {v['id']: v for v in Model.read(
            [r.id for r in records],
            names + [f'{n}.rec_name' for n in relations])}
    for values in (rows[r.id] for r in records):
        row = []
        for name in names:
            value = values[name]
            if name in relations:
                value = (values.get(name + '.') or {}).get('rec_name')
            elif name in selections:
                value = selections[name].get(value, value)
            row.append(value)
        table.rows.append(row)
    table.filters = describe_filters()
    return table


def describe_filters():
    pool = Pool()
    Context = pool.get('ecom.report.context')
    context = Transaction().context
    described = []
    names = ['company', *FILTERS]
    if context.get('group_by'):
        Context = pool.get('ecom.report.campaign.context')
        names.append('group_by')
    for name in names:
        value = context.get(name)
        if value is None:
            continue
        field = Context._fields[name]
        if isinstance(field, fields.Many2One):
            value = pool.get(field.model_name)(value).rec_name
        elif isinstance(field, fields.Selection):
            value = dict(field.selection).get(value, value)
        described.append((field.string, value))
    refreshed = Context.default_refreshed()
    if refreshed:
        described.append((Context.refreshed.string, refreshed))
    return described


def export(key):
    "(file name, XLSX bytes) of the report of key for the current context"
    table = read_table(key)
    context = Transaction().context
    dates = '-'.join(str(context[d]) for d in ['from_date', 'to_date']
        if context.get(d))
    return f'{key}-{dates}.xlsx', write_workbook(table)


class ExportStart(ModelView):
    "Choose the report and its filters"
    __name__ = 'ecom.report.export.start'
    __string__ = "Export Report"
    report = fields.Selection(REPORTS, "Report", required=True)
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True)
    period = fields.Selection(
        'get_periods', "Period", required=True)
    shop = fields.Many2One('web.shop', "Web Shop")
    channel = fields.Many2One('ecom.channel', "Channel")
    currency = fields.Many2One('currency.currency', "Order Currency")
    limit = fields.Integer("Top", required=True)
    group_by = fields.Selection('get_groups', "Group By",
        states={
            'invisible': Eval('report') != 'campaign',
            'required': Eval('report') == 'campaign',
            })

    @classmethod
    def get_periods(cls):
        Context = Pool().get('ecom.report.context')
        return Context.period.selection

    @classmethod
    def get_groups(cls):
        Context = Pool().get('ecom.report.campaign.context')
        return [(None, "")] + Context.group_by.selection

    @classmethod
    def default_group_by(cls):
        return 'campaign'

    @classmethod
    def default_get(cls, fields_names=None, with_rec_name=True, **kwargs):
        Context = Pool().get('ecom.report.context')
        values = super().default_get(fields_names, with_rec_name, **kwargs)
        defaults = Context.default_get(FILTERS, with_rec_name=False)
        values.update({k: v for k, v in defaults.items()
                if fields_names is None or k in fields_names})
        values.setdefault('report', 'sales')
        return values


class ExportResult(ModelView):
    "The exported workbook"
    __name__ = 'ecom.report.export.result'
    __string__ = "Exported Report"
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class Export(Wizard):
    "Export a report with its chart to Excel"
    __name__ = 'ecom.report.export'
    start = StateView('ecom.report.export.start',
        'ecom_reports.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-launch', default=True),
            ])
    export = StateTransition()
    result = StateView('ecom.report.export.result',
        'ecom_reports.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        context = {n: getattr(self.start, n) for n in FILTERS}
        if self.start.report == 'campaign':
            context['group_by'] = self.start.group_by
        for name in ['shop', 'channel', 'currency']:
            context[name] = context[name].id if context[name] else None
        with Transaction().set_context(context):
            self.result.filename, self.result.file = export(self.start.report)
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}
