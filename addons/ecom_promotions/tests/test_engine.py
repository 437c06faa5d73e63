"""Table of carts priced by the engine, each with the exact discounts (to
the cent) and, for the rules that do not apply, the reason given."""
import datetime
import unittest
from decimal import Decimal as D

from trytond.modules.ecom_promotions.engine import (
    Cart,
    Line,
    Rule,
    Usage,
    campaign_prices,
    evaluate,
    spread,
)

SHOE, BOOT, SOCK, CAP = 1, 2, 3, 4
FOOTWEAR, SHOES, BOOTS, SOCKS = 10, 11, 12, 13
CATS = {SHOE: {FOOTWEAR, SHOES}, BOOT: {FOOTWEAR, BOOTS}, SOCK: {SOCKS},
    CAP: set()}
PRICE = {SHOE: D(80), BOOT: D(120), SOCK: D(10), CAP: D('33.33')}
NOW = datetime.datetime(2026, 11, 28, 12, 0)
EUR, USD = 1, 2


def cart(*items, **kw):
    "items: (product, quantity[, unit price])"
    lines = []
    for i, item in enumerate(items):
        product, quantity = item[:2]
        price = item[2] if len(item) > 2 else PRICE[product]
        lines.append(Line(i, product, D(str(quantity)), D(str(price)),
                frozenset(CATS[product])))
    kw.setdefault('moment', NOW)
    kw.setdefault('currency', EUR)
    kw.setdefault('convert', lambda a, c, reverse=False: (
            a * 2 if reverse else a / 2))  # 1 USD = 0.5 EUR
    return Cart(lines, **kw)


def rule(id, kind, **kw):
    return Rule(id, kw.pop('name', f'R{id}'), kind, **kw)


P20_SHOES = rule(1, 'percent_lines', percentage=D(20),
    categories=frozenset({SHOES}))
P10_ORDER = rule(2, 'percent_order', percentage=D(10))
FREE_SHIP = rule(3, 'free_shipping')
X2FOR1 = rule(4, 'bxgy', buy=1, get=1, products=frozenset({SOCK}))
X3FOR2 = rule(5, 'bxgy', buy=2, get=1, products=frozenset({SOCK}))
HALF_CHEAPEST = rule(6, 'bxgy', buy=1, get=1, get_percentage=D(50),
    same_product=False, categories=frozenset({FOOTWEAR}))
COUPON15 = rule(7, 'fixed_order', amount=D(15), coupons=frozenset({70}))

CASES = [
    # name, rules, cart, {rule id: discount}, {rule id: reason part}
    ("no promotion", [], cart((SHOE, 1)), {}, {}),
    ("20% on a category", [P20_SHOES], cart((SHOE, 1), (SOCK, 2)),
        {1: D('16.00')}, {}),
    ("category rule ignores other lines", [P20_SHOES], cart((SOCK, 2)),
        {}, {1: "no line of the cart"}),
    ("parent category (expanded sub-categories)",
        [rule(8, 'percent_lines', percentage=D(25),
                categories=frozenset({FOOTWEAR, SHOES, BOOTS}))],
        cart((SHOE, 1), (BOOT, 1), (SOCK, 1)), {8: D('50.00')}, {}),
    ("10% off the order", [P10_ORDER], cart((SHOE, 1), (SOCK, 2)),
        {2: D('10.00')}, {}),
    ("fixed 15 off the order with its coupon", [COUPON15],
        cart((SHOE, 1), coupons=frozenset({70})), {7: D('15.00')}, {}),
    ("coupon rule without its code", [COUPON15], cart((SHOE, 1)),
        {}, {7: "needs its coupon code"}),
    ("coupon of another rule", [COUPON15],
        cart((SHOE, 1), coupons=frozenset({71})), {},
        {7: "needs its coupon code"}),
    ("fixed amount capped at the goods",
        [rule(9, 'fixed_order', amount=D(150))], cart((SOCK, 3)),
        {9: D('30.00')}, {}),
    ("fixed per unit on matching lines",
        [rule(10, 'fixed_lines', amount=D(2), products=frozenset({SOCK}))],
        cart((SOCK, 3), (SHOE, 1)), {10: D('6.00')}, {}),
    ("fixed per unit capped at the line",
        [rule(10, 'fixed_lines', amount=D(12), products=frozenset({SOCK}))],
        cart((SOCK, 2)), {10: D('20.00')}, {}),
    ("minimum amount not reached",
        [rule(11, 'percent_order', percentage=D(5), min_amount=D(100))],
        cart((SHOE, 1)), {}, {11: "needs goods of 100.00, the cart has "
            "80.00"}),
    ("minimum amount reached",
        [rule(11, 'percent_order', percentage=D(5), min_amount=D(100))],
        cart((SHOE, 1), (SOCK, 2)), {11: D('5.00')}, {}),
    ("minimum amount in another currency",
        [rule(12, 'percent_order', percentage=D(5), min_amount=D(150),
                currency=USD)],
        cart((SHOE, 1)), {12: D('4.00')}, {}),
    ("minimum quantity of matching units",
        [rule(13, 'percent_lines', percentage=D(10), min_quantity=D(3),
                products=frozenset({SOCK}))],
        cart((SOCK, 2), (SHOE, 5)), {}, {13: "needs 3 matching units, the "
            "cart has 2"}),
    ("before the campaign starts",
        [rule(14, 'percent_lines', percentage=D(20),
                starts=datetime.datetime(2026, 11, 28, 18))],
        cart((SHOE, 1)), {}, {14: "starts 2026-11-28 18:00 UTC"}),
    ("after the campaign ends",
        [rule(14, 'percent_lines', percentage=D(20),
                ends=datetime.datetime(2026, 11, 28, 12))],
        cart((SHOE, 1)), {}, {14: "ended 2026-11-28 12:00 UTC"}),
    ("the start read in the company's time zone",
        [rule(14, 'percent_lines', percentage=D(20),
                starts=datetime.datetime(2026, 11, 28, 18))],
        cart((SHOE, 1), timezone='Europe/Madrid'), {},
        {14: "starts 2026-11-28 19:00 CET"}),
    ("within the weekend campaign",
        [rule(14, 'percent_lines', percentage=D(20),
                starts=datetime.datetime(2026, 11, 27, 18),
                ends=datetime.datetime(2026, 11, 30))],
        cart((SHOE, 1)), {14: D('16.00')}, {}),
    ("another web shop", [rule(15, 'percent_order', percentage=D(10),
                shops=frozenset({2}))], cart((SHOE, 1), shop=1),
        {}, {15: "not offered in this web shop"}),
    ("its web shop", [rule(15, 'percent_order', percentage=D(10),
                shops=frozenset({2}))], cart((SHOE, 1), shop=2),
        {15: D('8.00')}, {}),
    ("VIP group only, customer not VIP",
        [rule(16, 'percent_order', percentage=D(10), groups=frozenset({5}))],
        cart((SHOE, 1), groups=frozenset({6})), {},
        {16: "not in its customer groups"}),
    ("VIP group only, VIP customer",
        [rule(16, 'percent_order', percentage=D(10), groups=frozenset({5}))],
        cart((SHOE, 1), groups=frozenset({5, 6})), {16: D('8.00')}, {}),
    ("first order only, returning customer",
        [rule(17, 'fixed_order', amount=D(5), first_order=True)],
        cart((SHOE, 1)), {}, {17: "first orders only"}),
    ("first order only, new customer",
        [rule(17, 'fixed_order', amount=D(5), first_order=True)],
        cart((SHOE, 1), first_order=True), {17: D('5.00')}, {}),
    ("2x1 on three socks", [X2FOR1], cart((SOCK, 3)), {4: D('10.00')}, {}),
    ("2x1 on four socks", [X2FOR1], cart((SOCK, 4)), {4: D('20.00')}, {}),
    ("2x1 needs two", [X2FOR1], cart((SOCK, 1)), {},
        {4: "needs 2 matching units (buy 1 get 1) of the same product"}),
    ("3x2 on five socks: one whole group", [X3FOR2], cart((SOCK, 5)),
        {5: D('10.00')}, {}),
    ("3x2 on 6.5 socks: whole units only", [X3FOR2], cart((SOCK, '6.5')),
        {5: D('20.00')}, {}),
    ("buy 2 get the cheapest 50% off, across a set", [HALF_CHEAPEST],
        cart((BOOT, 1), (SHOE, 1)), {6: D('40.00')}, {}),
    ("buy 1 get 1 across a set: dearest paid, next free",
        [rule(18, 'bxgy', buy=1, get=1, same_product=False,
                categories=frozenset({FOOTWEAR, SOCKS}))],
        cart((SOCK, 1), (BOOT, 1), (SHOE, 1)), {18: D('80.00')}, {}),
    ("free shipping", [FREE_SHIP], cart((SOCK, 1), shipping=D('4.90')),
        {3: D('4.90')}, {}),
    ("free shipping from 60, cart of 50",
        [rule(19, 'free_shipping', min_amount=D(60))],
        cart((SOCK, 5), shipping=D('4.90')), {},
        {19: "needs goods of 60.00"}),
    ("free shipping to Spain only, parcel to France",
        [rule(20, 'free_shipping', countries=frozenset({34}))],
        cart((SOCK, 1), shipping=D('4.90'), country=33), {},
        {20: "does not ship to this destination"}),
    ("free shipping without shipping", [FREE_SHIP], cart((SOCK, 1)), {},
        {3: "no shipping to discount"}),
    ("two combinable line rules stack",
        [P20_SHOES, rule(21, 'percent_lines', percentage=D(10))],
        cart((SHOE, 1)), {1: D('16.00'), 21: D('6.40')}, {}),
    ("exclusive rule first blocks its class",
        [rule(22, 'percent_lines', percentage=D(30), exclusive=True,
                priority=10), P20_SHOES, FREE_SHIP],
        cart((SHOE, 1), shipping=D(5)),
        {22: D('24.00'), 3: D('5.00')}, {1: "'R22' is exclusive"}),
    ("exclusive rule after another is skipped",
        [rule(22, 'percent_lines', percentage=D(30), exclusive=True,
                priority=-1), P20_SHOES],
        cart((SHOE, 1)), {1: D('16.00')},
        {22: "exclusive, but 'R1' applied first"}),
    ("stop further rules",
        [rule(23, 'percent_lines', percentage=D(15), stop=True),
            P10_ORDER, FREE_SHIP],
        cart((SHOE, 1), shipping=D(5)), {23: D('12.00')},
        {2: "'R23' stops the rules after it", 3: "stops"}),
    ("a stop rule that does not apply stops nothing",
        [rule(23, 'percent_lines', percentage=D(15), stop=True,
                products=frozenset({CAP})), P10_ORDER],
        cart((SHOE, 1)), {2: D('8.00')}, {23: "no line"}),
    ("line before order: 10% of what is left",
        [P10_ORDER, P20_SHOES], cart((SHOE, 1), (SOCK, 2)),
        {1: D('16.00'), 2: D('8.40')}, {}),
    ("equal priority: lower id first, exclusive decides",
        [rule(31, 'fixed_order', amount=D(7), exclusive=True),
            rule(30, 'fixed_order', amount=D(3), exclusive=True)],
        cart((SHOE, 1)), {30: D('3.00')}, {31: "'R30' is exclusive"}),
    ("total uses reached",
        [rule(24, 'percent_order', percentage=D(10), max_uses=100)],
        cart((SHOE, 1), usage={24: Usage(uses=100)}), {},
        {24: "used 100 times, its limit"}),
    ("uses per customer reached",
        [rule(24, 'percent_order', percentage=D(10),
                max_uses_per_customer=1)],
        cart((SHOE, 1), usage={24: Usage(uses=3, customer_uses=1)}), {},
        {24: "the customer used it 1 times"}),
    ("budget covers the discount",
        [rule(25, 'percent_order', percentage=D(10), budget=D(100))],
        cart((SHOE, 1), usage={25: Usage(spent=D('92.00'))}),
        {25: D('8.00')}, {}),
    ("budget too small for this cart",
        [rule(25, 'percent_order', percentage=D(10), budget=D(100))],
        cart((SHOE, 1), usage={25: Usage(spent=D('92.01'))}), {},
        {25: "its budget has 7.99 left, this cart needs 8.00"}),
    ("budget in another currency",
        [rule(26, 'fixed_order', amount=D(20), currency=USD, budget=D(30))],
        cart((SHOE, 1), usage={26: Usage(spent=D(15))}), {},
        {26: "its budget has 15.00 left, this cart needs 20.00"}),
    ("fixed amount in another currency",
        [rule(26, 'fixed_order', amount=D(20), currency=USD)],
        cart((SHOE, 1)), {26: D('10.00')}, {}),
    ("rounding half even per line",
        [rule(27, 'percent_lines', percentage=D(15))], cart((CAP, 1)),
        {27: D('5.00')}, {}),
    ("100% then another line rule: nothing left",
        [rule(29, 'percent_lines', percentage=D(100), priority=5),
            P20_SHOES], cart((SHOE, 1)), {29: D('80.00')},
        {1: "discounted to zero already"}),
    ("order percentage on a category only",
        [rule(32, 'percent_order', percentage=D(50),
                categories=frozenset({SOCKS}))],
        cart((SHOE, 1), (SOCK, 3)), {32: D('15.00')}, {}),
    ("exclusive order rule does not block line rules",
        [rule(33, 'fixed_order', amount=D(10), exclusive=True), P20_SHOES],
        cart((SHOE, 1)), {1: D('16.00'), 33: D('10.00')}, {}),
    ("two coupons, both apply",
        [COUPON15, rule(34, 'percent_lines', percentage=D(10),
                coupons=frozenset({71}))],
        cart((SHOE, 1), coupons=frozenset({70, 71})),
        {34: D('8.00'), 7: D('15.00')}, {}),
    ("everything at once",
        [P20_SHOES, X2FOR1, P10_ORDER,
            rule(19, 'free_shipping', min_amount=D(60))],
        cart((SHOE, 1), (SOCK, 2), shipping=D('4.90')),
        {1: D('16.00'), 4: D('10.00'), 2: D('7.40'), 19: D('4.90')}, {}),
    ]


class EngineTestCase(unittest.TestCase):
    "The promotion engine on a table of carts"

    def test_cases(self):
        self.assertGreaterEqual(len(CASES), 40)
        for name, rules, the_cart, applied, refused in CASES:
            with self.subTest(name):
                outcome = evaluate(rules, the_cart)
                self.assertEqual(
                    {d.rule.id: d.amount for d in outcome.discounts},
                    applied)
                for rule_id, reason in refused.items():
                    self.assertIn(reason, outcome.not_applied[rule_id])
                self.assertEqual(
                    set(outcome.not_applied) | {
                        d.rule.id for d in outcome.discounts},
                    {r.id for r in rules if r.kind != 'price'})
                # the parts of each discount add up to it, to the cent
                for discount in outcome.discounts:
                    self.assertEqual(
                        sum(discount.per_line.values()), discount.amount)
                    self.assertTrue(discount.why)

    def test_deterministic(self):
        "The same rules in any order give the same outcome"
        rules = [P20_SHOES, X2FOR1, P10_ORDER, FREE_SHIP, COUPON15]
        the_cart = cart((SHOE, 1), (SOCK, 3), shipping=D(5),
            coupons=frozenset({70}))
        first = evaluate(rules, the_cart)
        again = evaluate(list(reversed(rules)), the_cart)
        self.assertEqual(
            [(d.rule.id, d.amount) for d in first.discounts],
            [(d.rule.id, d.amount) for d in again.discounts])

    def test_campaign_prices(self):
        "Formula campaigns set prices first: lowest wins, never higher"
        p80 = rule(40, 'price', formula=lambda p: p * D('0.8'),
            categories=frozenset({SHOES}))
        p70 = rule(41, 'price', formula=lambda p: p * D('0.7'),
            products=frozenset({SHOE}), min_amount=D(100))
        up = rule(42, 'price', formula=lambda p: p * D('1.5'))
        coupon = rule(43, 'price', formula=lambda p: p / 2,
            coupons=frozenset({9}))
        rules = [p80, p70, up, coupon]
        self.assertEqual(campaign_prices(rules, cart((SHOE, 1), (SOCK, 1))),
            {0: (D('64.0000'), p80)})
        self.assertEqual(campaign_prices(rules, cart((SHOE, 2), (SOCK, 1))),
            {0: (D('56.0000'), p70)})
        self.assertEqual(campaign_prices(rules, cart((SOCK, 1, '9.99'),
                    coupons=frozenset({9}))), {0: (D('4.9950'), coupon)})
        # the engine leaves them to campaign_prices
        outcome = evaluate(rules, cart((SHOE, 1)))
        self.assertEqual((outcome.discounts, outcome.not_applied), ([], {}))

    def test_spread(self):
        "A fixed amount over equal lines: the cents go to the first"
        self.assertEqual(spread(D(10), [(0, D(10)), (1, D(10)), (2, D(10))]),
            {0: D('3.34'), 1: D('3.33'), 2: D('3.33')})
        self.assertEqual(spread(D('0.01'), [(0, D(1)), (1, D(3))]),
            {1: D('0.01')})
        the_cart = cart((SOCK, 1), (SOCK, 1, '10'), (SOCK, 1, '10'))
        outcome = evaluate([rule(1, 'fixed_order', amount=D(10))], the_cart)
        self.assertEqual(outcome.line_discounts,
            {0: D('3.34'), 1: D('3.33'), 2: D('3.33')})


class WhyMessagesTest(unittest.TestCase):
    "The discount sentences go to invoices through messages, in Spanish too"

    def test_every_sentence_has_its_message(self):
        "msg_why_<key> reads as the engine's English, es.po translates it"
        import os
        import re
        from xml.etree import ElementTree

        import polib
        from trytond.modules.ecom_promotions.engine import WHY, Why
        folder = os.path.dirname(os.path.dirname(__file__))
        messages = {r.get('id'): r.find('field').text for r in ElementTree
            .parse(os.path.join(folder, 'message.xml')).iter('record')}
        spanish = {e.msgctxt: e.msgstr for e in polib.pofile(
                os.path.join(folder, 'locale', 'es.po'))}
        for key, english in WHY.items():
            names = re.findall(r'\{(\w+)\}', english)
            values = {n: f'<{n}>' for n in names}
            text = messages[f'msg_why_{key}']
            self.assertEqual(text % values, Why(key, **values))
            translated = spanish[f'model:ir.message,text:msg_why_{key}']
            self.assertEqual(sorted(re.findall(r'%\((\w+)\)s', translated)),
                sorted(names), key)
            self.assertNotEqual(translated % values, text % values)
