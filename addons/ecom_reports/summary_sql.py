"""The SQL that fills the summary tables for a set of sale days.

Plain SQL shared by SQLite and PostgreSQL, with '%s' parameters (turned into
'?' for SQLite by ``run``). ``SALES`` is a CTE of the counted sales of one
company on the given days, with the ratio that converts the order currency
into the company currency at the sale date; ``LINES`` adds their lines with
the amount in company currency, rounded per line like the sale.
"""

STATES = "('confirmed', 'processing', 'done')"


def rate(currency):
    return (
        "(SELECT r.rate FROM currency_currency_rate r "
        f"WHERE r.currency = {currency} AND r.date <= sale.sale_date "
        "ORDER BY r.date DESC LIMIT 1)")


SALES = f"""
s AS (
    SELECT sale.id, sale.company, sale.sale_date AS date,
        sale.ecom_channel AS channel, sale.currency, sale.party,
        sale.shipment_address, sale.shipment_state,
        sale.marketing_campaign AS campaign, sale.marketing_medium AS medium,
        sale.marketing_source AS source,
        ch.shipping_product, COALESCE(ch.preparation_days, 2) AS sla_days,
        sc.digits AS sdigits, cc.digits AS cdigits,
        CASE WHEN sale.currency = c.currency THEN 1.0
            ELSE 1.0 * {rate('c.currency')} / {rate('sale.currency')}
            END AS ratio,
        CASE WHEN EXISTS (SELECT 1 FROM sale_sale o
                WHERE o.company = sale.company AND o.party = sale.party
                AND o.state IN {STATES}
                AND (o.sale_date < sale.sale_date
                    OR (o.sale_date = sale.sale_date AND o.id < sale.id)))
            THEN 0 ELSE 1 END AS first
    FROM sale_sale sale
    JOIN company_company c ON c.id = sale.company
    JOIN currency_currency cc ON cc.id = c.currency
    JOIN currency_currency sc ON sc.id = sale.currency
    LEFT JOIN ecom_channel ch ON ch.id = sale.ecom_channel
    WHERE sale.company = %s AND sale.state IN {STATES}
        AND {{where}}
)"""

LINES = """
l AS (
    SELECT s.*, line.product, line.promotion, line.quantity AS qty,
        line.ecom_return_reason AS reason,
        ROUND(ROUND(CAST(line.quantity AS NUMERIC) * line.unit_price, s.sdigits) * s.ratio,
            s.cdigits) AS amount,
        CASE WHEN line.promotion IS NOT NULL THEN
            ROUND(ROUND(CAST(line.quantity AS NUMERIC)
                    * (line.original_unit_price - line.unit_price),
                    s.sdigits) * s.ratio, s.cdigits)
            ELSE 0 END AS discount,
        CASE WHEN line.product = s.shipping_product THEN 1 ELSE 0 END
            AS is_shipping,
        ROUND(CAST(line.quantity AS NUMERIC) * COALESCE(pc.cost_price, 0),
            s.cdigits) AS cost
    FROM s
    JOIN sale_line line ON line.sale = s.id AND line.type = 'line'
    LEFT JOIN product_cost_price pc
        ON pc.product = line.product AND pc.company = s.company
)"""

KEY = "company, date, channel, currency"
MERCHANDISE = "is_shipping = 0"

INSERTS = {
    'ecom_report_summary_sales': (
        ("orders, quantity, gross, returns, revenue, shipping, discount, cost,"
        " new_customers, new_revenue"),
        f"""COUNT(DISTINCT id),
        SUM(CASE WHEN {MERCHANDISE} THEN qty ELSE 0 END),
        SUM(CASE WHEN {MERCHANDISE} AND amount > 0 THEN amount ELSE 0 END),
        -SUM(CASE WHEN {MERCHANDISE} AND amount < 0 THEN amount ELSE 0 END),
        SUM(CASE WHEN {MERCHANDISE} THEN amount ELSE 0 END),
        SUM(CASE WHEN is_shipping = 1 THEN amount ELSE 0 END),
        SUM(discount),
        SUM(cost),
        COUNT(DISTINCT CASE WHEN first = 1 THEN id END),
        SUM(CASE WHEN first = 1 AND {MERCHANDISE} THEN amount ELSE 0 END)
        FROM l""",
        ''),
    'ecom_report_summary_product': (
        ("product, orders, quantity, sold_quantity, returned_quantity,"
        " revenue, returns, cost"),
        f"""product, COUNT(DISTINCT id), SUM(qty),
        SUM(CASE WHEN qty > 0 THEN qty ELSE 0 END),
        -SUM(CASE WHEN qty < 0 THEN qty ELSE 0 END),
        SUM(amount),
        -SUM(CASE WHEN amount < 0 THEN amount ELSE 0 END),
        SUM(cost)
        FROM l WHERE {MERCHANDISE} AND product IS NOT NULL""",
        ', product'),
    'ecom_report_summary_region': (
        "country, subdivision, orders, revenue",
        f"""a.country, a.subdivision, COUNT(DISTINCT l.id),
        SUM(CASE WHEN {MERCHANDISE} THEN amount ELSE 0 END)
        FROM l LEFT JOIN party_address a ON a.id = l.shipment_address""",
        ', a.country, a.subdivision'),
    'ecom_report_summary_promotion': (
        "promotion, orders, discount, revenue",
        """p.promotion, COUNT(*), SUM(p.discount), SUM(o.revenue)
        FROM (SELECT id, company, date, channel, currency, promotion,
                SUM(discount) AS discount
            FROM l WHERE promotion IS NOT NULL
            GROUP BY id, company, date, channel, currency, promotion) p
        JOIN (SELECT id, SUM(CASE WHEN is_shipping = 0 THEN amount
                    ELSE 0 END) AS revenue
            FROM l GROUP BY id) o ON o.id = p.id""",
        ', p.promotion'),
    'ecom_report_summary_return': (
        "product, reason, orders, quantity, amount",
        f"""product, reason, COUNT(DISTINCT id), -SUM(qty), -SUM(amount)
        FROM l WHERE {MERCHANDISE} AND product IS NOT NULL AND qty < 0""",
        ', product, reason'),
    'ecom_report_summary_campaign': (
        ("campaign, medium, source, orders, new_customers, gross, returns,"
        " revenue, discount, cost"),
        f"""campaign, medium, source,
        COUNT(DISTINCT CASE WHEN {MERCHANDISE} AND qty > 0 THEN id END),
        COUNT(DISTINCT CASE WHEN first = 1 AND {MERCHANDISE} AND qty > 0
            THEN id END),
        SUM(CASE WHEN {MERCHANDISE} AND amount > 0 THEN amount ELSE 0 END),
        -SUM(CASE WHEN {MERCHANDISE} AND amount < 0 THEN amount ELSE 0 END),
        SUM(CASE WHEN {MERCHANDISE} THEN amount ELSE 0 END),
        SUM(discount),
        SUM(cost)
        FROM l""",
        ', campaign, medium, source'),
    'ecom_report_summary_fulfilment': (
        "orders, shipped, on_time, preparation_days",
        """COUNT(*),
        SUM(CASE WHEN f.shipped_date IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN f.days <= f.sla_days THEN 1 ELSE 0 END),
        SUM(COALESCE(f.days, 0))
        FROM (SELECT s.*, sh.shipped_date,
                c2.day_index - c1.day_index AS days
            FROM s
            LEFT JOIN (SELECT line.sale, MAX(sh.effective_date)
                        AS shipped_date
                    FROM sale_line line
                    JOIN stock_move m
                        ON m.origin = 'sale.line,' || CAST(line.id AS VARCHAR)
                    JOIN stock_shipment_out sh
                        ON m.shipment = 'stock.shipment.out,'
                            || CAST(sh.id AS VARCHAR)
                    WHERE line.sale IN (SELECT id FROM s)
                        AND sh.state = 'done'
                    GROUP BY line.sale) sh
                ON sh.sale = s.id AND s.shipment_state = 'sent'
            LEFT JOIN ecom_report_calendar c1 ON c1.date = s.date
            LEFT JOIN ecom_report_calendar c2 ON c2.date = sh.shipped_date
            ) f""",
        ''),
    }


def day_insert(table, dates):
    "INSERT of the day rows of table for the given days of one company"
    columns, select, group = INSERTS[table]
    alias = 'p.' if table == 'ecom_report_summary_promotion' else (
        'l.' if table == 'ecom_report_summary_region' else '')
    key = ', '.join(alias + k for k in KEY.split(', '))
    if table == 'ecom_report_summary_fulfilment':
        key = ', '.join('f.' + k for k in KEY.split(', '))
    placeholders = ', '.join(['%s'] * len(dates))
    return (
        with_sales(f"sale.sale_date IN ({placeholders})",
            lines=table != 'ecom_report_summary_fulfilment')
        + f"\nINSERT INTO {table} (grain, {KEY}, {columns})"
        f"\nSELECT 'D', {key}, {select}\nGROUP BY {key}{group}")


def month_insert(table, dimensions, measures):
    "INSERT of the month rows of table from its day rows, for some months"
    dims = ''.join(f', d.{d}' for d in dimensions)
    sums = ', '.join(f'SUM(d.{m})' for m in measures)
    return (
        f"INSERT INTO {table} (grain, company, date, channel, currency"
        f"{''.join(', ' + d for d in dimensions)}, {', '.join(measures)})"
        f"\nSELECT 'M', d.company, c.month, d.channel, d.currency{dims}, "
        f"{sums}\nFROM {table} d JOIN ecom_report_calendar c "
        "ON c.date = d.date"
        "\nWHERE d.grain = 'D' AND d.company = %s AND c.month IN ({months})"
        f"\nGROUP BY d.company, c.month, d.channel, d.currency{dims}")


CUSTOMERS = """
INSERT INTO ecom_report_summary_customer
    (company, party, first_date, last_date, orders, revenue)
SELECT company, party, MIN(date), MAX(date), COUNT(DISTINCT id),
    SUM(CASE WHEN is_shipping = 0 THEN amount ELSE 0 END)
FROM l GROUP BY company, party"""


def with_sales(where, lines=True):
    return "WITH " + SALES.replace('{where}', where) + (
        "," + LINES if lines else '')


def customer_insert(where):
    "INSERT of the lifetime rows of the customers whose sales match where"
    return with_sales(where) + CUSTOMERS


# RFM: quintiles of the company's customers (ties by party), then the
# segment, first rule that matches (documented in report_customers.py).
SCORES = """
UPDATE ecom_report_summary_customer SET
    recency = s.r, frequency = s.f, monetary = s.m,
    segment = CASE
        WHEN s.r >= 4 AND s.f >= 4 THEN 'champions'
        WHEN s.r >= 3 AND s.f >= 3 THEN 'loyal'
        WHEN s.r >= 4 THEN 'new'
        WHEN s.r >= 3 THEN 'need_attention'
        WHEN s.f >= 3 THEN 'at_risk'
        ELSE 'lost' END
FROM (SELECT id,
        NTILE(5) OVER (ORDER BY last_date, party) AS r,
        NTILE(5) OVER (ORDER BY orders, party) AS f,
        NTILE(5) OVER (ORDER BY revenue, party) AS m
    FROM ecom_report_summary_customer WHERE company = %s) s
WHERE ecom_report_summary_customer.id = s.id"""
