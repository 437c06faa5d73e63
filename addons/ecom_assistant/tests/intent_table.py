"""60 shopper questions (es/en, typos included) with the intent expected,
against the FAQ entries a shop of the demo's kind has (FAQS). 'faq:<key>'
is that FAQ entry; None means the assistant should say it is unsure."""

FAQS = {
    'shipping_cost': [
        "How much is shipping?", "shipping costs", "delivery price",
        "¿Cuánto cuesta el envío?", "gastos de envío", "precio del envío"],
    'delivery_time': [
        "How long does delivery take?", "delivery time", "shipping time",
        "¿Cuánto tarda el envío?", "plazo de entrega",
        "tiempo de entrega"],
    'payment_methods': [
        "Which payment methods do you accept?", "can I pay with paypal",
        "pay by card", "¿Qué formas de pago aceptáis?",
        "puedo pagar con tarjeta", "métodos de pago"],
    'size_guide': [
        "size guide", "what size should I buy", "do your boots run small",
        "guía de tallas", "qué talla elijo", "tallaje"],
    'cancel_order': [
        "How do I cancel my order?", "cancel an order",
        "¿Cómo cancelo mi pedido?", "anular pedido", "cancelar un pedido"],
    'change_address': [
        "change the delivery address", "wrong shipping address",
        "cambiar la dirección de envío", "me equivoqué de dirección"],
    'gift_card': [
        "gift cards", "do you sell gift vouchers",
        "tarjeta regalo", "vendéis cheques regalo"],
    'store': [
        "Do you have a physical shop?", "opening hours", "store address",
        "¿Tenéis tienda física?", "horario de la tienda",
        "dirección de la tienda"],
    }

TABLE = [
    # where is my order
    ("Where is my order?", 'order_status'),
    ("where's my order #1043", 'order_status'),
    ("Hi, I ordered last week and it hasn't arrived yet", 'order_status'),
    ("wher is my pakage", 'order_status'),
    ("Can you give me the tracking number for order 1002?", 'order_status'),
    ("When will my order arrive", 'order_status'),
    ("has order 1007 shipped yet?", 'order_status'),
    ("¿Dónde está mi pedido?", 'order_status'),
    ("donde esta mi pedio", 'order_status'),
    ("Hola, no me ha llegado el paquete todavía", 'order_status'),
    ("¿Cuándo llega mi pedido 1021?", 'order_status'),
    ("quiero saber el estado de mi pedido", 'order_status'),
    ("numero de seguimento del envio", 'order_status'),
    ("mi pedido no llega", 'order_status'),
    # returns
    ("I want to return my boots", 'start_return'),
    ("How do I return a product?", 'start_return'),
    ("the jacket doesn't fit, can I send it back?", 'start_return'),
    ("I'd like a refund for my order", 'start_return'),
    ("the item arrived damaged", 'start_return'),
    ("retrun an item", 'start_return'),
    ("Quiero devolver unas botas", 'start_return'),
    ("¿Cómo hago una devolución?", 'start_return'),
    ("me enviaron un producto equivocado", 'start_return'),
    ("quiero hacer una devolucion del pedido", 'start_return'),
    ("ha llegado roto el casco", 'start_return'),
    ("quiero que me devuelvan el dinero", 'start_return'),
    # a person
    ("I want to talk to a real person", 'human'),
    ("can I speak to a human please", 'human'),
    ("I want to make a complaint", 'human'),
    ("Quiero hablar con una persona", 'human'),
    ("pásame con un agente por favor", 'human'),
    ("quiero poner una reclamación", 'human'),
    # greetings and thanks
    ("hello", 'greeting'),
    ("Hola!", 'greeting'),
    ("buenos días", 'greeting'),
    ("thanks a lot", 'thanks'),
    ("muchas gracias!", 'thanks'),
    ("vale, gracias", 'thanks'),
    # FAQ entries
    ("how much does shipping cost to Portugal?", 'faq:shipping_cost'),
    ("shiping costs", 'faq:shipping_cost'),
    ("¿cuánto cuestan los gastos de envío?", 'faq:shipping_cost'),
    ("how long does delivery take", 'faq:delivery_time'),
    ("¿Cuánto tarda en llegar el envío?", 'faq:delivery_time'),
    ("plazo de entrega a Canarias", 'faq:delivery_time'),
    ("can i pay with paypal?", 'faq:payment_methods'),
    ("¿puedo pagar con tarjeta de crédito?", 'faq:payment_methods'),
    ("que metodos de pago aceptais", 'faq:payment_methods'),
    ("what size should I buy for these boots", 'faq:size_guide'),
    ("¿tenéis guía de tallas?", 'faq:size_guide'),
    ("how do i cancel my order", 'faq:cancel_order'),
    ("quiero cancelar un pedido", 'faq:cancel_order'),
    ("I put the wrong shipping address", 'faq:change_address'),
    ("necesito cambiar la dirección de envío", 'faq:change_address'),
    ("do you sell gift cards?", 'faq:gift_card'),
    ("¿Vendéis tarjetas regalo?", 'faq:gift_card'),
    ("what are your opening hours", 'faq:store'),
    ("¿Tenéis tienda física en Madrid?", 'faq:store'),
    # nothing the assistant knows
    ("what is the meaning of life", None),
    ("asdf qwerty", None),
    ("¿Quién ganó la liga el año pasado?", None),
    ]
