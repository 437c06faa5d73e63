"""Demo: storefront customer accounts (E-commerce > Customers > Storefront
Accounts): the web channel's account page, four customers with a validated
account linked to their customer record, one sign-up still waiting for its
email to be validated. Chosen from the lists in order, not drawn."""
from trytond.pool import Pool

ACCOUNT_URL = 'https://tienda.example.com/mi-cuenta'
PASSWORD = 'demo-customer-1'


def build(data, log):
    pool = Pool()
    User = pool.get('web.user')
    channel = data['channels'][0][0]
    channel.account_url = ACCOUNT_URL
    channel.save()
    customers = [c for c in data['customers'] if c.email][:5]
    values = [{'email': c.email, 'password': PASSWORD, 'email_valid': True,
            'party': c.id, 'ecom_company': data['company'].id,
            'ecom_channel': channel.id, 'ecom_name': c.name}
        for c in customers[:4]]
    for waiting in customers[4:]:
        values.append({'email': waiting.email, 'password': PASSWORD,
                'email_valid': False, 'email_token': 'demo-waiting',
                'ecom_company': data['company'].id,
                'ecom_channel': channel.id, 'ecom_name': waiting.name})
    users = User.create(values)
    log(f"storefront accounts: {len(users)} (password {PASSWORD})")
    return users
