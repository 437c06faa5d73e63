"""What no back-office user can forge over JSON-RPC (mixed into the intake
HTTP test, sharing its demo database and server): the fields the storefront
and the workflow set, and gateway transactions."""
REFUSED = "cannot be written directly"


class SecurityHTTPTests:
    "model.*.write and create as staff and accountant, refused"

    def as_user(self, login):
        from tests.test_intake_http import PASSWORD
        session = self.server.login(login, PASSWORD)
        return lambda method, *args: self.server.rpc(
            method, *args, session=session)

    def assert_rpc_refused(self, call, method, *args, reason=REFUSED):
        with self.assertRaises(AssertionError) as cm:
            call(method, *args)
        self.assertIn(reason, str(cm.exception))

    def test_staff_cannot_forge_payment_or_idempotency(self):
        "Staff: payment state and external id refused; a comment is fine"
        order = self.order(payment={'status': 'pending'})
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        sale_id = answer['sale']['id']
        staff = self.as_user('staff')
        for values in [{'ecom_payment_state': 'paid'},
                {'ecom_external_id': 'forged-1'},
                {'ecom_storefront_total': '0.01'}]:
            self.assert_rpc_refused(staff, 'model.sale.sale.write',
                [sale_id], values, {})
        sale, = self.read('sale.sale', [sale_id],
            ['ecom_payment_state', 'ecom_external_id', 'comment'])
        self.assertEqual(
            (sale['ecom_payment_state'], sale['ecom_external_id']),
            ('pending', order['external_id']))
        staff('model.sale.sale.write', [sale_id],
            {'comment': "Gift wrap, please"}, {})
        self.assertEqual(self.read('sale.sale', [sale_id], ['comment'])[0][
                'comment'], "Gift wrap, please")
        # a new order cannot be created paid either
        known, = self.read('sale.sale', [sale_id],
            ['party', 'company', 'currency'])
        self.assert_rpc_refused(staff, 'model.sale.sale.create', [{
                    'party': known['party'], 'company': known['company'],
                    'currency': known['currency'],
                    'ecom_payment_state': 'paid'}], {})

    def test_accountant_cannot_forge_transactions(self):
        "Accountant: a capture's state, amount, sale: refused, unchanged"
        code, answer = self.post_generic(self.order())
        self.assertEqual(code, 201, answer)
        ids = self.rpc('model.ecom.payment.transaction.search', [
                ('sale', '=', answer['sale']['id'])], 0, None, None, {})
        capture, = self.read('ecom.payment.transaction', ids,
            ['state', 'amount', 'currency', 'channel'])
        accountant = self.as_user('accountant')
        for values in [{'state': 'waiting'}, {'amount': '0.01'},
                {'sale': None}, {'invoice': None}]:
            self.assert_rpc_refused(accountant,
                'model.ecom.payment.transaction.write', [capture['id']],
                values, {})
        again, = self.read('ecom.payment.transaction', [capture['id']],
            ['state', 'amount'])
        self.assertEqual((again['state'], again['amount']),
            (capture['state'], capture['amount']))
        count = self.count('ecom.payment.transaction')
        self.assert_rpc_refused(accountant,
            'model.ecom.payment.transaction.create', [{
                    'company': 1, 'channel': capture['channel'],
                    'kind': 'capture', 'reference': 'forged',
                    'amount': '1.00', 'currency': capture['currency'],
                    'date': {'__class__': 'datetime', 'year': 2026,
                        'month': 11, 'day': 30, 'hour': 0, 'minute': 0,
                        'second': 0, 'microsecond': 0}}], {},
            reason="create")  # no create access; nor from RPC at all
        self.assertEqual(self.count('ecom.payment.transaction'), count)

    def test_newsletter_secret_unreadable(self):
        "Nobody reads or writes a list's signing secret over RPC"
        list_id = self.fx['newsletter']
        for login in ['staff', 'manager']:
            user = self.as_user(login)
            name, = user('model.marketing.email.list.read', [list_id],
                ['name'], {})
            self.assertEqual(name['name'], "Alpine News")
            self.assert_rpc_refused(user, 'model.marketing.email.list.read',
                [list_id], ['ecom_secret'], {}, reason='.Secret"')
        self.assert_rpc_refused(self.as_user('manager'),
            'model.marketing.email.list.write', [list_id],
            {'ecom_secret': 'forged'}, {}, reason='.Secret"')

    def test_consent_ledger_append_only_over_rpc(self):
        "Staff add a consent entry (source staff, now); no key edits it"
        staff = self.as_user('staff')
        entry_id, = staff('model.ecom.customer.consent.create', [{
                    'address': 'ledger@example.com', 'action': 'grant',
                    'text_version': 'news-2026-11', 'source': 'form',
                    'recorded_at': {'__class__': 'datetime', 'year': 2020,
                        'month': 1, 'day': 1, 'hour': 0, 'minute': 0,
                        'second': 0, 'microsecond': 0}}],
            {'company': self.fx['company']})
        entry, = self.read('ecom.customer.consent', [entry_id],
            ['source', 'recorded_at', 'action'])
        self.assertEqual(entry['source'], 'staff')
        self.assertGreater(entry['recorded_at']['year'], 2020)
        for context in [{}, {'ecom_consent_erase': True}]:
            self.assert_rpc_refused(staff,
                'model.ecom.customer.consent.write', [entry_id],
                {'action': 'withdraw'}, context,
                reason='not allowed to access "Marketing Consent"')
            self.assert_rpc_refused(staff,
                'model.ecom.customer.consent.delete', [entry_id], context,
                reason='not allowed to access "Marketing Consent"')
        self.assertEqual(self.read('ecom.customer.consent', [entry_id],
                ['action'])[0]['action'], 'grant')
