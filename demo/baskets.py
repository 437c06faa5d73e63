"""Demo: baskets with some structure, so that "bought together" means
something (ecom_recommendations, bench/recommendations.py). Each product
has one companion in a related category (boots: poles, tents: sleeping
bags...), always the same product; a basket holding a product gets its
companion with probability RATE. The draws come from a generator of their
own: the rest of the demo draws the same numbers as without them."""
import random
from collections import defaultdict

PAIRS = {
    'Boots': 'Poles', 'Trail Shoes': 'Bottles', 'Sandals': 'Bottles',
    'Daypacks': 'Bottles', 'Trekking Packs': 'Headlamps',
    'Backpacking Tents': 'Sleeping Bags', 'Family Tents': 'Mats',
    'Sleeping Bags': 'Mats', 'Stoves': 'Cookware',
    'Rain Jackets': 'Fleeces', 'Down Jackets': 'Base Layers',
    'Hiking Pants': 'Base Layers', 'Harnesses': 'Carabiners',
    'Ropes': 'Belay Devices', 'Climbing Shoes': 'Harnesses',
    'Road Shoes': 'Watches', 'Trail Runners': 'Vests',
    }
RATE = 0.45


def leaf(product):
    return product.template.categories[0].name


def companions(products):
    "{product: its companion} of the products whose category has a pair"
    by_leaf = defaultdict(list)
    for product in products:
        by_leaf[leaf(product)].append(product)
    result = {}
    for name, items in by_leaf.items():
        targets = by_leaf.get(PAIRS.get(name))
        if targets:
            for i, product in enumerate(items):
                result[product] = targets[i % len(targets)]
    return result


class Baskets:
    "Adds companions to the products a basket picked"

    def __init__(self, seed, products):
        self.rng = random.Random(seed * 7919 + 1)
        self.companion = companions(products)

    def extra(self, picked):
        "The companions to add to picked (not already in it)"
        added = []
        for product in dict.fromkeys(picked):
            companion = self.companion.get(product)
            if (companion and companion not in picked
                    and companion not in added
                    and self.rng.random() < RATE):
                added.append(companion)
        return added
