"The assistant's understanding on its own: the 60-question table, what it pulls from a message"
import unittest

from .. import intents
from .intent_table import FAQS, TABLE


def label(intent, faq):
    return f'faq:{faq}' if intent == 'faq' else intent


class IntentsTestCase(unittest.TestCase):

    def test_table_accuracy(self):
        "60 real-sounding questions (es/en, typos): at least 95% right"
        self.assertEqual(len(TABLE), 60)
        classifier = intents.Classifier(FAQS.items())
        misses = []
        for question, expected in TABLE:
            intent, faq, _ = classifier.classify(question)
            if label(intent, faq) != expected:
                misses.append((question, expected, label(intent, faq)))
        accuracy = 1 - len(misses) / len(TABLE)
        print(f"\nassistant intent table: {len(TABLE) - len(misses)}/"
            f"{len(TABLE)} right ({accuracy:.0%}); missed: {misses}")
        self.assertGreaterEqual(accuracy, 0.95, misses)
        # what it must never do: answer nonsense with confidence
        for question, expected in TABLE:
            if expected is None:
                self.assertIsNone(classifier.classify(question)[0], question)

    def test_faq_entries_count(self):
        "Without the FAQ entries, their questions are not answered by one"
        classifier = intents.Classifier()
        intent, faq, _ = classifier.classify("¿Vendéis tarjetas regalo?")
        self.assertNotEqual(intent, 'faq')
        self.assertIsNone(faq)

    def test_extraction(self):
        "Order numbers, email addresses and choices pulled from a message"
        text = "Mi pedido es el #1043, lo hice con Ana.Ruiz@Example.com"
        self.assertEqual(intents.email(text), 'ana.ruiz@example.com')
        self.assertEqual(intents.order_number(text), ['1043'])
        self.assertEqual(intents.order_number("order WEB-2207 please"),
            ['WEB-2207'])
        self.assertEqual(intents.order_number("where is my order"), [])
        self.assertIsNone(intents.email("no address here"))
        self.assertEqual(intents.numbers("1 y 3"), [1, 3])
        self.assertEqual(intents.numbers("todo"), 'all')
        self.assertEqual(intents.numbers("All of them"), 'all')
        self.assertEqual(intents.numbers("none"), [])

    def test_normalise(self):
        "Accents, case and punctuation do not matter"
        self.assertEqual(intents.normalise("¿Dónde  está mi PEDIDO?"),
            'donde esta mi pedido')
        self.assertEqual(intents.Classifier().classify("?!"),
            (None, None, 0.0))
