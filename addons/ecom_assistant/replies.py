"""What the assistant says to shoppers, in English and Spanish (the
conversation's language). Staff-facing texts are in message.xml."""
from trytond.modules.ecom_orders.sale import RETURN_REASONS

REPLIES = {
    'en': {
        'greeting': "Hello! I can tell you where your order is, start a "
        "return, or answer questions about shipping, payment and more. "
        "How can I help?",
        'thanks': "You're welcome! Anything else?",
        'ask_order': "Sure. What is your order number, and the email "
        "address you ordered with?",
        'ask_number': "Thanks. What is the order number?",
        'ask_email': "Thanks. What email address did you order with? "
        "(I need it to show you anything about the order.)",
        'not_found': "I can't find an order with that number and email "
        "address. Please check both and try again.",
        'too_many': "Too many attempts. Please try again in {minutes} "
        "minutes.",
        'status': "Order {order}: {state}.{payment}{shipments}{due}",
        'payment': " Payment: {payment}.",
        'shipment': " Shipment {number} with {carrier}, tracking "
        "{tracking}{url}.",
        'shipment_no_tracking': " Shipment {number}: {state}.",
        'due': " Expected to ship by {due}.",
        'pick_lines': "Which items of order {order} do you want to "
        "return? Answer with their numbers, or 'all':\n{lines}",
        'nothing_to_return': "Order {order} has nothing left to return.",
        'bad_lines': "Please answer with the numbers of the list (for "
        "example 1 or 1, 2), or 'all'.",
        'pick_reason': "Why are you returning them? Answer with a "
        "number:\n{reasons}",
        'bad_reason': "Please answer with the number of a reason (1 to "
        "8).",
        'return_opened': "Return {number} is open for order {order}. Our "
        "team will check it and email you the instructions.",
        'return_refused': "I can't open that return: {reasons}",
        'ask_contact': "I'm not sure I can answer that myself. Leave your "
        "email address and a person from our team will reply, or ask me "
        "something else.",
        'handed_over': "I've passed our conversation to our team "
        "(reference {number}); they will reply by email.",
        'already_handed_over': "Our team has this conversation (reference "
        "{number}) and will reply by email.",
        },
    'es': {
        'greeting': "¡Hola! Puedo decirte dónde está tu pedido, iniciar "
        "una devolución o responder preguntas sobre envíos, pagos y más. "
        "¿En qué te ayudo?",
        'thanks': "¡De nada! ¿Algo más?",
        'ask_order': "Claro. ¿Cuál es tu número de pedido y el correo "
        "electrónico con el que lo hiciste?",
        'ask_number': "Gracias. ¿Cuál es el número de pedido?",
        'ask_email': "Gracias. ¿Con qué correo electrónico hiciste el "
        "pedido? (Lo necesito para enseñarte algo del pedido.)",
        'not_found': "No encuentro ningún pedido con ese número y ese "
        "correo. Revisa los dos y vuelve a intentarlo.",
        'too_many': "Demasiados intentos. Vuelve a intentarlo dentro de "
        "{minutes} minutos.",
        'status': "Pedido {order}: {state}.{payment}{shipments}{due}",
        'payment': " Pago: {payment}.",
        'shipment': " Envío {number} con {carrier}, seguimiento "
        "{tracking}{url}.",
        'shipment_no_tracking': " Envío {number}: {state}.",
        'due': " Saldrá como tarde el {due}.",
        'pick_lines': "¿Qué artículos del pedido {order} quieres "
        "devolver? Responde con sus números, o 'todo':\n{lines}",
        'nothing_to_return': "Al pedido {order} no le queda nada por "
        "devolver.",
        'bad_lines': "Responde con los números de la lista (por ejemplo 1 "
        "o 1, 2), o 'todo'.",
        'pick_reason': "¿Por qué lo devuelves? Responde con un número:\n"
        "{reasons}",
        'bad_reason': "Responde con el número de un motivo (del 1 al 8).",
        'return_opened': "La devolución {number} del pedido {order} está "
        "abierta. Nuestro equipo la revisará y te enviará las "
        "instrucciones por correo.",
        'return_refused': "No puedo abrir esa devolución: {reasons}",
        'ask_contact': "No estoy seguro de poder responder a eso. Déjame "
        "tu correo electrónico y una persona de nuestro equipo te "
        "contestará, o pregúntame otra cosa.",
        'handed_over': "He pasado nuestra conversación a nuestro equipo "
        "(referencia {number}); te responderán por correo.",
        'already_handed_over': "Nuestro equipo tiene esta conversación "
        "(referencia {number}) y te responderá por correo.",
        },
    }
STATES = {
    'en': {'draft': "received, not confirmed yet",
        'quotation': "received, not confirmed yet",
        'confirmed': "confirmed, being prepared",
        'processing': "being prepared", 'done': "completed",
        'cancelled': "cancelled",
        'held': "on hold", 'to_prepare': "being prepared",
        'to_pick': "being prepared", 'to_pack': "being packed",
        'packed': "packed, waiting for the carrier",
        'ready': "ready for pickup", 'shipped': "shipped",
        'delivered': "delivered", 'partial': "partly shipped",
        'paid': "paid", 'pending': "pending", 'refunded': "refunded",
        'waiting': "waiting", 'assigned': "being prepared",
        'picked': "being packed", 'done_shipment': "shipped"},
    'es': {'draft': "recibido, aún sin confirmar",
        'quotation': "recibido, aún sin confirmar",
        'confirmed': "confirmado, en preparación",
        'processing': "en preparación", 'done': "completado",
        'cancelled': "cancelado",
        'held': "retenido", 'to_prepare': "en preparación",
        'to_pick': "en preparación", 'to_pack': "embalándose",
        'packed': "embalado, esperando al transportista",
        'ready': "listo para recoger", 'shipped': "enviado",
        'delivered': "entregado", 'partial': "enviado en parte",
        'paid': "pagado", 'pending': "pendiente", 'refunded': "reembolsado",
        'waiting': "en espera", 'assigned': "en preparación",
        'picked': "embalándose", 'done_shipment': "enviado"},
    }
# as shoppers say them; the codes and their order are the return reasons
# of ecom_orders (a reason added there fails here, at import, until its
# words are written)
REASON_WORDS = {
    'en': {'damaged': "Arrived damaged", 'defective': "Defective",
        'wrong_item': "Wrong item sent",
        'not_as_described': "Not as described",
        'size_fit': "Size or fit", 'changed_mind': "Changed my mind",
        'late': "Arrived too late", 'other': "Other"},
    'es': {'damaged': "Llegó dañado", 'defective': "Defectuoso",
        'wrong_item': "Me enviaron otro artículo",
        'not_as_described': "No es como se describía",
        'size_fit': "Talla o ajuste",
        'changed_mind': "He cambiado de opinión",
        'late': "Llegó demasiado tarde", 'other': "Otro motivo"},
    }
REASONS = {language: [(code, words[code])
            for code, _ in RETURN_REASONS if code]
    for language, words in REASON_WORDS.items()}


def say(language, key, **values):
    return REPLIES[language][key].format(**values)


def state_text(language, value):
    return STATES[language].get(value, value or '')
