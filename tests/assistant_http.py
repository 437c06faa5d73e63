"""The customer assistant over real HTTP (mixed into the intake HTTP test,
sharing its demo database and server): an order placed through the
intake, then asked about, returned and handed over in a chat."""
import urllib.error
import urllib.request


class AssistantHTTPTests:
    "POST and GET /<db>/ecom/v1/channels/<id>/assistant"

    def chat(self, message, conversation=None, key=None, channel=None,
            **extra):
        body = dict({'message': message, 'conversation': conversation},
            **extra)
        return self.post(f"{channel or self.fx['app']}/assistant", body,
            {'Authorization': f"Bearer {key or self.fx['app_key']}"})

    def chat_public(self, message, conversation=None, key=None):
        key = key or self.fx['assistant_key']
        return self.post(f"{self.fx['app']}/assistant?key={key}",
            {'message': message, 'conversation': conversation,
                'language': 'es'})

    def placed(self):
        "An order placed through the intake, processed: (order, email)"
        order = self.order()
        code, answer = self.post_generic(order)
        self.assertEqual(code, 201, answer)
        return order, order['customer']['email']

    def test_assistant_order_status_only_with_its_email(self):
        "Where is my order: the right email shows it, a wrong one nothing"
        order, email = self.placed()
        number = order['external_id']
        code, answer = self.chat(f"Where is my order {number}?",
            language='en', client_ip='192.0.2.10')
        self.assertEqual(code, 200, answer)
        self.assertEqual(answer['awaiting'], 'order')
        self.assertNotIn('order', answer)
        token = answer['conversation']
        code, wrong = self.chat("it's ana@example.com", token)
        self.assertEqual(code, 200, wrong)
        self.assertNotIn('order', wrong)
        self.assertIn("can't find", wrong['reply'])
        code, answer = self.chat(f"{number} {email.upper()}", token)
        self.assertEqual(answer['order']['external_id'], number)
        self.assertIn(f"Order {number}:", answer['reply'])
        self.assertEqual(answer['order']['state'], self.read('sale.sale',
                [answer['order']['sale']['id']], ['state'])[0]['state'])
        # another company's channel knows neither the conversation nor
        # the order
        code, other = self.chat("hello", token, key=self.fx['other_key'],
            channel=self.fx['other'])
        self.assertEqual(code, 404, other)
        self.assertEqual(other['errors'][0]['field'], 'conversation')
        code, other = self.chat(f"{number} {email}",
            key=self.fx['other_key'], channel=self.fx['other'])
        self.assertNotIn('order', other)
        # staff see it: the verified order, the failed check
        conversation, = self.rpc(
            'model.ecom.assistant.conversation.search_read',
            [('token', '=', token)], 0, None, None,
            ['sale', 'messages'], {})
        self.assertEqual(conversation['sale'],
            answer['order']['sale']['id'])
        checks = self.read('ecom.assistant.message',
            conversation['messages'], ['failed_check', 'network'])
        self.assertEqual(sum(m['failed_check'] for m in checks), 1)
        self.assertIn('192.0.2.0/24', {m['network'] for m in checks})

    def test_assistant_bad_input_and_limits(self):
        "Each bad field named, nothing written; guessing gets 429"
        before = self.count('ecom.assistant.conversation')
        code, answer = self.chat(" ", language='fr', client_ip='nope')
        self.assertEqual(code, 422, answer)
        self.assertEqual({e['field'] for e in answer['errors']},
            {'message', 'language', 'client_ip'})
        code, answer = self.chat("hola", conversation='no-such-token')
        self.assertEqual(code, 404, answer)
        self.assertEqual(self.count('ecom.assistant.conversation'), before)
        code, answer = self.chat("hola", key='wrong')
        self.assertEqual(code, 401, answer)
        token = None
        for guess in ['70001', '70002', '70003']:
            code, answer = self.chat(f"pedido {guess} de x@example.com",
                token, client_ip='198.51.100.20')
            self.assertEqual(code, 200, answer)
            token = answer['conversation']
        messages = self.count('ecom.assistant.message')
        code, answer = self.chat("pedido 70004 de x@example.com", token,
            client_ip='198.51.100.20')
        self.assertEqual(code, 429, answer)
        self.assertEqual(answer['errors'][0]['field'], 'message')
        self.assertEqual(self.count('ecom.assistant.message'), messages)

    def test_assistant_page_and_public_key(self):
        "The chat page in Spanish; its key talks to the assistant only"
        url = (f"{self.server.url}{self.database}/ecom/v1/channels/"
            f"{self.fx['app']}/assistant")
        with urllib.request.urlopen(
                f"{url}?key={self.fx['assistant_key']}&lang=es",
                timeout=60) as response:
            self.assertEqual(response.status, 200)
            self.assertIn('text/html', response.headers['Content-Type'])
            page = response.read().decode()
        self.assertIn('<html lang="es">', page)
        self.assertIn("Escribe un mensaje", page)
        for query in ['?key=wrong', '']:
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + query, timeout=60)
            self.assertEqual(refused.exception.code, 401)
        code, answer = self.chat_public("Hola")
        self.assertEqual(code, 200, answer)
        self.assertIn("¡Hola!", answer['reply'])
        # the public key opens nothing else: not the orders route
        code, _ = self.post(
            f"{self.fx['app']}/orders?key={self.fx['assistant_key']}",
            self.order())
        self.assertEqual(code, 401)

    def test_assistant_return_then_person(self):
        "A return opened from the chat, then a person asked for"
        order, email = self.placed()
        code, answer = self.chat_public(
            f"Quiero devolver el pedido {order['external_id']}, {email}")
        self.assertEqual(answer['awaiting'], 'return_lines', answer)
        self.assertIn("1. ", answer['reply'])
        token = answer['conversation']
        code, answer = self.chat_public("1", token)
        self.assertEqual(answer['awaiting'], 'return_reason', answer)
        code, answer = self.chat_public("talla", token)
        self.assertEqual((code, answer['intent']), (200, 'return_opened'),
            answer)
        complaint, = self.rpc('model.sale.complaint.search_read',
            [('number', '=', answer['return']['number'])], 0, None, None,
            ['state', 'origin', 'ecom_channel'], {})
        self.assertEqual(complaint['state'], 'waiting')
        self.assertEqual(complaint['ecom_channel'], self.fx['app'])
        code, answer = self.chat_public("quiero hablar con una persona",
            token)
        self.assertEqual((code, answer['state']), (200, 'handed_over'),
            answer)
        handover, = self.rpc('model.sale.complaint.search_read',
            [('number', '=', answer['complaint'])], 0, None, None,
            ['origin', 'description', 'customer'], {})
        self.assertTrue(handover['origin'].startswith(
                'ecom.assistant.conversation,'))
        self.assertIn("Quiero devolver", handover['description'])
        self.assertIn(order['external_id'], handover['description'])
