"""Write a report table to an XLSX workbook with a native Excel chart.

Pure xlsxwriter, no Tryton: ``Table`` holds what was read from a report
(title, filters, columns, rows) and ``write_workbook`` lays it out: the
filters on top, the table as an Excel table with totals, the chart beside it.
"""
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

CHART_TYPES = {
    'line': {'type': 'line'},
    'vbar': {'type': 'column'},
    'hbar': {'type': 'bar'},
    'pie': {'type': 'pie'},
    }


@dataclass
class Column:
    name: str
    string: str
    kind: str = 'text'  # text, integer, number, money, percent, date
    total: bool = False


@dataclass
class Table:
    title: str
    filters: list = field(default_factory=list)  # [(label, value)]
    columns: list = field(default_factory=list)  # [Column]
    rows: list = field(default_factory=list)  # [[value, ...]]
    chart_type: str = 'vbar'
    chart_x: str = None
    chart_y: list = field(default_factory=list)


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_workbook(table, max_chart_points=50):
    "The XLSX file of table, as bytes"
    output = io.BytesIO()
    # Customer-controlled texts (names, cities) starting with "=" stay
    # text: never a formula that Excel would run.
    workbook = xlsxwriter.Workbook(output, {
            'in_memory': True, 'default_date_format': 'yyyy-mm-dd',
            'remove_timezone': True, 'strings_to_formulas': False,
            'strings_to_urls': False})
    formats = {
        'title': workbook.add_format({'bold': True, 'font_size': 14}),
        'label': workbook.add_format({'bold': True}),
        'integer': workbook.add_format({'num_format': '#,##0'}),
        'number': workbook.add_format({'num_format': '#,##0.00'}),
        'money': workbook.add_format({'num_format': '#,##0.00'}),
        'percent': workbook.add_format({'num_format': '0.0%'}),
        'date': workbook.add_format({'num_format': 'yyyy-mm-dd'}),
        'text': None,
        }
    sheet = workbook.add_worksheet(table.title[:31])
    sheet.write(0, 0, table.title, formats['title'])
    row = 1
    for label, value in table.filters:
        sheet.write(row, 0, label, formats['label'])
        sheet.write(row, 1, _cell(value), formats.get(
                'date' if isinstance(value, dt.date) else 'text'))
        row += 1
    header = row + 1
    first, last = header + 1, header + len(table.rows)
    for i, column in enumerate(table.columns):
        sheet.set_column(i, i, max(12, min(40, len(column.string) + 2)),
            formats[column.kind])
    if table.rows:
        sheet.add_table(header, 0, last + 1, len(table.columns) - 1, {
                'name': 'Report',
                'data': [[_cell(v) for v in r] for r in table.rows],
                'total_row': True,
                'columns': [_table_column(c, i == 0, formats)
                    for i, c in enumerate(table.columns)],
                })
    else:
        for i, column in enumerate(table.columns):
            sheet.write(header, i, column.string, formats['label'])
        sheet.write(header + 1, 0, "No data for these filters.")
    if table.rows and table.chart_x and table.chart_y:
        _add_chart(workbook, sheet, table, header, first,
            min(last, first + max_chart_points - 1))
    workbook.close()
    return output.getvalue()


def _table_column(column, first, formats):
    spec = {'header': column.string}
    if column.kind != 'text' and column.kind != 'date':
        spec['format'] = formats[column.kind]
    if column.total:
        spec['total_function'] = 'sum'
    elif first:
        spec['total_string'] = "Total"
    return spec


def _add_chart(workbook, sheet, table, header, first, last):
    names = [c.name for c in table.columns]
    chart = workbook.add_chart(CHART_TYPES.get(
            table.chart_type, CHART_TYPES['vbar']))
    x = names.index(table.chart_x)
    sheet_name = sheet.get_name()
    for name in table.chart_y:
        y = names.index(name)
        chart.add_series({
                'name': [sheet_name, header, y],
                'categories': [sheet_name, first, x, last, x],
                'values': [sheet_name, first, y, last, y],
                })
    chart.set_title({'name': table.title})
    if table.chart_type != 'pie':
        chart.set_legend({'position': 'bottom'})
    chart.set_size({'width': 720, 'height': 400})
    sheet.insert_chart(xl_rowcol_to_cell(header, len(names) + 1), chart)
