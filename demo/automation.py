"""Demo: the four ready marketing scenarios running (E-commerce >
Customers > Scenarios), the coupon steps on a "Come back" promotion whose
codes the scenarios make, and one trigger run so that their first entries
show (the emails go when the process task runs)."""
from decimal import Decimal

from trytond.pool import Pool


def build(data, log):
    pool = Pool()
    Promotion = pool.get('sale.promotion')
    Scenario = pool.get('marketing.automation.scenario')
    Activity = pool.get('marketing.automation.activity')
    Record = pool.get('marketing.automation.record')
    company = data['company']
    promotion, = Promotion.create([{'name': "Come back: 10 EUR off",
                'company': company.id, 'currency': company.currency.id,
                'ecom_kind': 'fixed_order', 'ecom_amount': Decimal(10),
                'amount': Decimal(40),
                'coupons': [('create', [{'company': company.id,
                                'number_of_use': 1}])]}])
    Activity.write(Activity.search([('action', '=', 'ecom_coupon')]),
        {'ecom_coupon': promotion.coupons[0].id})
    scenarios = Scenario.search([('state', '=', 'draft')])
    Scenario.run(scenarios)
    Scenario.trigger(scenarios)
    log(f"{len(scenarios)} marketing scenarios running, "
        f"{Record.search_count([])} customers in them")
