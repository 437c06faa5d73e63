"""Demo: the customer assistant (ecom_assistant).

The shop's FAQ entries in English and Spanish, the chat page's key on each
channel, and four conversations played through the assistant itself: a
shipping question, a shopper who gets her order's status after a wrong
email, one who returns an item, and one the assistant hands over."""
from trytond.pool import Pool
from trytond.transaction import Transaction

# (question, other phrasings, answer) in English, then in Spanish
FAQS = [
    (("How much is shipping?", "shipping costs\ndelivery price",
            ("Free in mainland Spain from 50 EUR; otherwise 4.95 EUR. "
            "Other EU countries: 9.95 EUR.")),
        ("¿Cuánto cuesta el envío?", "gastos de envío\nprecio del envío",
            ("Gratis en la Península desde 50 EUR; si no, 4,95 EUR. Resto "
            "de la UE: 9,95 EUR."))),
    (("How long does delivery take?", "delivery time\nshipping time",
            ("Orders placed before 14:00 leave the same day; delivery takes "
            "24-48 h in mainland Spain and 3-5 days elsewhere in the EU.")),
        ("¿Cuánto tarda el envío?", "plazo de entrega\ntiempo de entrega",
            ("Los pedidos hechos antes de las 14:00 salen el mismo día; "
            "llegan en 24-48 h en la Península y en 3-5 días al resto de "
            "la UE."))),
    (("Which payment methods do you accept?",
            "can I pay with paypal\npay by card",
            "Card (Visa, Mastercard), PayPal and Bizum."),
        ("¿Qué formas de pago aceptáis?",
            "puedo pagar con tarjeta\nmétodos de pago",
            "Tarjeta (Visa, Mastercard), PayPal y Bizum.")),
    (("Is there a size guide?", "what size should I buy\nsize chart",
            ("Each product page has its size chart; boots run true to "
            "size, and if in doubt take the larger one: returns are free "
            "within 30 days.")),
        ("¿Tenéis guía de tallas?", "qué talla elijo\ntallaje",
            ("Cada ficha de producto tiene su tabla de tallas; las botas "
            "tallan normal y, si dudas, coge la mayor: la devolución es "
            "gratis durante 30 días."))),
    (("How do I cancel my order?", "cancel an order",
            ("Write to us before it ships and we cancel it and refund you "
            "at once.")),
        ("¿Cómo cancelo mi pedido?", "anular pedido\ncancelar un pedido",
            ("Escríbenos antes de que salga y lo cancelamos y te "
            "devolvemos el dinero en el acto."))),
    (("Do you sell gift cards?", "gift vouchers",
            "Yes: gift cards of 25, 50 and 100 EUR, sent by email."),
        ("¿Vendéis tarjetas regalo?", "cheques regalo",
            ("Sí: tarjetas regalo de 25, 50 y 100 EUR, enviadas por "
            "correo."))),
    ]
NETWORK = '203.0.113.0/24'


def build(data, log):
    pool = Pool()
    Faq = pool.get('ecom.assistant.faq')
    Channel = pool.get('ecom.channel')
    Sale = pool.get('sale.sale')
    company = data['shop'].company
    faqs = Faq.create([{'company': company.id, 'question': en[0],
                'phrasings': en[1], 'answer': en[2]} for en, _ in FAQS])
    with Transaction().set_context(language='es'):
        for faq, (_, es) in zip(faqs, FAQS):
            Faq.write([Faq(faq.id)], {'question': es[0],
                    'phrasings': es[1], 'answer': es[2]})
    channels = [c for c, *_ in data['channels']]
    Channel.generate_assistant_key(channels)
    channel = channels[0]
    sales = Sale.search([('ecom_channel', '=', channel.id),
            ('state', 'in', ['processing', 'done']),
            ('ecom_external_id', '!=', None),
            ('party.contact_mechanisms.type', '=', 'email')],
        order=[('sale_date', 'DESC'), ('id', 'DESC')], limit=2)
    chats = [('en', ["how much is shipping to portugal?"])]
    if len(sales) == 2:
        shipped, returned = sales
        chats += [
            ('es', [f"¿Dónde está mi pedido {shipped.ecom_external_id}?",
                    "cliente@example.com", shipped.party.email]),
            ('en', [(f"I want to return order {returned.ecom_external_id}, "
                    f"email {returned.party.email}"), "1", "size"]),
            ]
    # a known customer (the hand-over finds her party by the email)
    member = next(c for c in data['customers'] if c.email)
    chats.append(('es', ["¿Hacéis descuentos a clubes de montaña?",
                f"soy del club, {member.email}"]))
    talk(channel, chats)
    log(f"customer assistant: {len(faqs)} FAQ entries (en, es), "
        f"{len(chats)} conversations")


def talk(channel, chats):
    from trytond.modules.ecom_assistant import dialog
    Conversation = Pool().get('ecom.assistant.conversation')
    with Transaction().set_context(_skip_warnings=True):
        for language, messages in chats:
            conversation = Conversation.start(channel, language)
            for message in messages:
                dialog.answer(conversation, message, NETWORK)
