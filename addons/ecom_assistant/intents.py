"""What a shopper's message asks (no database here).

``Classifier(faqs).classify(text)`` compares the message, normalised
(lower case, no accents, no punctuation), with example phrasings of each
intent, the built-in ones below and the staff's FAQ entries, with
rapidfuzz: the score of a phrasing is the mean of ``token_set_ratio``
(the words of one inside the other, any order) and ``ratio`` (the whole
strings, typos included), so a long message holding a short phrasing
scores well without every two-word message matching everything. The best
phrasing's intent wins if its score reaches THRESHOLD (0-100), otherwise
the intent is ``None`` (unsure: the assistant offers a person).
``order_number``, ``email`` and ``numbers`` pull what a message gives.
"""
import re
import unicodedata

from rapidfuzz import fuzz

THRESHOLD = 62
INTENTS = ('order_status', 'start_return', 'human', 'greeting', 'thanks')
EXAMPLES = {
    'order_status': [
        "where is my order", "order status", "track my order",
        "tracking number", "when will my order arrive",
        "has my order shipped", "my package has not arrived",
        "when does my parcel arrive", "delivery status of my order",
        "i have not received my order",
        "donde esta mi pedido", "estado de mi pedido", "seguir mi pedido",
        "numero de seguimiento", "cuando llega mi pedido",
        "ha salido ya mi pedido", "no me ha llegado el paquete",
        "cuando me llega el paquete", "no he recibido mi pedido",
        "mi pedido no llega",
        ],
    'start_return': [
        "i want to return", "return an item", "return my order",
        "send it back", "how do i return a product", "refund my order",
        "it does not fit can i return it", "arrived damaged",
        "wrong item received", "i want my money back",
        "quiero devolver", "hacer una devolucion", "devolver un producto",
        "devolver mi pedido", "como devuelvo un articulo",
        "quiero que me devuelvan el dinero", "no me queda bien devolver",
        "ha llegado roto", "me enviaron un producto equivocado",
        "reembolso de mi pedido",
        ],
    'human': [
        "talk to a person", "speak to a human", "real person",
        "customer service agent", "i want to complain", "make a complaint",
        "contact support",
        "hablar con una persona", "hablar con un humano",
        "atencion al cliente", "quiero poner una reclamacion",
        "quiero hablar con alguien", "pasame con un agente",
        ],
    'greeting': [
        "hello", "hi", "hi there", "good morning", "good afternoon", "hey",
        "hola", "buenos dias", "buenas tardes", "buenas noches", "buenas",
        ],
    'thanks': [
        "thanks", "thank you", "thank you very much", "great thanks",
        "bye", "goodbye",
        "gracias", "muchas gracias", "vale gracias", "perfecto gracias",
        "adios", "hasta luego",
        ],
    }
EMAIL = re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+')
ORDER_TOKEN = re.compile(r'#?([A-Za-z0-9][A-Za-z0-9_/-]{1,39})')
NUMBER = re.compile(r'\d+')
ALL_WORDS = {'all', 'everything', 'todo', 'todos', 'todas', 'toda'}


def normalise(text):
    "Lower case, accents and punctuation gone, spaces squeezed"
    text = unicodedata.normalize('NFKD', text or '')
    text = ''.join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r'[^\w\s]', ' ', text.lower())
    return ' '.join(text.split())


def score(message, phrasing):
    "How well a normalised message matches a normalised phrasing, 0-100"
    return (fuzz.token_set_ratio(message, phrasing)
        + fuzz.ratio(message, phrasing)) / 2


class Classifier:
    "The built-in intents and the FAQ entries [(faq id, [phrasings])]"

    def __init__(self, faqs=()):
        self.phrasings = [(intent, None, normalise(p))
            for intent, examples in EXAMPLES.items() for p in examples]
        for faq, phrasings in faqs:
            self.phrasings.extend(('faq', faq, normalise(p))
                for p in phrasings if normalise(p))

    def classify(self, text):
        """(intent, faq id, score 0-1): the best phrasing's, intent None
        below THRESHOLD"""
        message = normalise(EMAIL.sub(' ', text))
        if not message:
            return None, None, 0.0
        best = max(self.phrasings, key=lambda p: score(message, p[2]))
        value = score(message, best[2])
        if value < THRESHOLD:
            return None, None, round(value / 100, 2)
        return best[0], best[1], round(value / 100, 2)


def email(text):
    "The first e-mail address in text, lower case, or None"
    found = EMAIL.search(text or '')
    return found.group(0).lower() if found else None


def order_number(text):
    "The candidate order numbers in text (tokens with a digit), in order"
    text = EMAIL.sub(' ', text or '')
    return [m.group(1) for m in ORDER_TOKEN.finditer(text)
        if any(c.isdigit() for c in m.group(1))]


def numbers(text):
    "The whole numbers in text, or 'all' for all / todo"
    if set(normalise(text).split()) & ALL_WORDS:
        return 'all'
    return [int(n) for n in NUMBER.findall(text or '')]
