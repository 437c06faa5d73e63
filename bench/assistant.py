"""The customer assistant's understanding (ecom_assistant.intents) on the
60-question table of its tests, against a keyword baseline measured in the
same run:

- **baseline**: the intent of the first example phrasing (built-in or FAQ)
  that appears word for word in the normalised message, else unsure;
- **assistant**: ``intents.Classifier`` (rapidfuzz, threshold 62).

Prints each one's accuracy, on the questions with an intent and on the
three it should not answer, and the assistant's time per message (the
classifier is rebuilt for each message, as the route does).

    python -m bench.assistant
"""
import sys
import time

from trytond.modules.ecom_assistant import intents
from trytond.modules.ecom_assistant.tests.intent_table import FAQS, TABLE


def label(intent, faq):
    return f'faq:{faq}' if intent == 'faq' else intent


def keyword(message, phrasings):
    "The first phrasing contained in the message, as the baseline reads it"
    text = f' {intents.normalise(message)} '
    for intent, faq, phrasing in phrasings:
        if phrasing and f' {phrasing} ' in text:
            return label(intent, faq)
    return None


def score(predict):
    right = [predict(q) == expected for q, expected in TABLE]
    known = [r for r, (_, e) in zip(right, TABLE) if e is not None]
    unknown = [r for r, (_, e) in zip(right, TABLE) if e is None]
    return sum(right), sum(known), len(known), sum(unknown), len(unknown)


def main():
    classifier = intents.Classifier(FAQS.items())
    phrasings = classifier.phrasings

    def assistant(question):
        return label(*intents.Classifier(FAQS.items()).classify(question)[:2])

    results = {'keyword baseline': score(lambda q: keyword(q, phrasings))}
    started = time.perf_counter()
    results['assistant (rapidfuzz)'] = score(assistant)
    per_message = (time.perf_counter() - started) / len(TABLE) * 1000
    print(f"{len(TABLE)} questions, {len(FAQS)} FAQ entries, "
        f"{len(phrasings)} phrasings")
    print("| method | right | with an intent | to leave unanswered |")
    print("| --- | --- | --- | --- |")
    for name, (right, known, n_known, unknown, n_unknown) in (
            results.items()):
        print(f"| {name} | {right}/{len(TABLE)} ({right / len(TABLE):.0%})"
            f" | {known}/{n_known} | {unknown}/{n_unknown} |")
    print(f"assistant's time per message (classifier rebuilt each "
        f"time): {per_message:.2f} ms")
    return 0


if __name__ == '__main__':
    sys.exit(main())
