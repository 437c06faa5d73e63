"""Demo: an affiliate (E-commerce > Affiliates). Blog Runners (code
RUNNERS) on the plan "Affiliates": 12% on the first department, 10% on the
rest, payable 7 days after the invoice (the shop's return window), paid
from 20 EUR. Every 12th WooCommerce order came through its link, chosen
from the order's number, not drawn: posting their invoices made the
commissions, their returns' credit notes claw back. Then a payout: one
supplier invoice of what is payable today, in draft for the accountant
(*Pay Affiliates* makes the next)."""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

CODE = 'RUNNERS'
EVERY = 12


def create(data, log):
    "The plan and the affiliate, before the order history"
    pool = Pool()
    Template = pool.get('product.template')
    Category = pool.get('product.category')
    Uom = pool.get('product.uom')
    Plan = pool.get('commission.plan')
    Party = pool.get('party.party')
    Agent = pool.get('commission.agent')
    company = data['company']
    unit, = Uom.search([('name', '=', 'Unit')])
    account_category = data['products'][0].template.account_category
    fee, = Template.create([{'name': "Affiliate commission",
                'code': 'AFFILIATE', 'type': 'service',
                'default_uom': unit.id, 'list_price': Decimal(0),
                'account_category': account_category.id,
                'products': [('create', [{}])]}])
    department, = Category.search([('parent', '=', None),
            ('accounting', '=', False)], order=[('id', 'ASC')], limit=1)
    plan, = Plan.create([{'name': "Affiliates",
                'commission_product': fee.products[0].id,
                'ecom_attribution_days': 30, 'ecom_payable_after': 7,
                'ecom_minimum_payout': Decimal(20),
                'lines': [('create', [
                            {'sequence': 1, 'category': department.id,
                                'formula': 'amount * 0.12'},
                            {'sequence': 2, 'formula': 'amount * 0.1'}])],
                }])
    party, = Party.create([{'name': "Blog Runners",
                'addresses': [('create', [{'city': "Valencia"}])]}])
    agent, = Agent.create([{'party': party.id, 'type_': 'agent',
                'company': company.id, 'currency': company.currency.id,
                'plan': plan.id, 'ecom_code': CODE,
                'ecom_landing_url': 'https://tienda.example.com/'}])
    log(f"affiliate {CODE}: {agent.ecom_link}")
    return agent


def values(agent, channel, external_id, day):
    "The sale values of an order the affiliate brought (every 12th Woo one)"
    if agent is None or channel.code != 'woo':
        return {}
    number = int(external_id.split('-')[0])
    if number % EVERY:
        return {}
    clicked = dt.datetime.combine(day, dt.time(9)) - dt.timedelta(
        days=number % 5)
    return {'agent': agent.id, 'ecom_affiliate_note':
        f"Link of affiliate {CODE} clicked {clicked:%Y-%m-%d %H:%M} UTC"}


def build(agent, today, log):
    "The payout of what is payable today: a draft supplier invoice"
    from trytond.modules.ecom_affiliates.affiliate import payable
    pool = Pool()
    Commission = pool.get('commission')
    commissions = Commission.search([
            ('agent', '=', agent.id), ('invoice_line', '=', None)])
    due = payable(commissions, today)
    Commission.invoice(due)
    total = sum(c.amount for c in due)
    clawbacks = [c for c in commissions if c.amount < 0]
    log(f"affiliate commissions: {len(commissions)}, {len(clawbacks)} "
        f"clawed back; payout invoice of {len(due)} for {total:.2f} EUR")
