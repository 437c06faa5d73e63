"""Static reference data of the demo shop: countries, categories, names."""

COUNTRIES = {
    # code: (name, language, [(subdivision code, name), ...], weight)
    'ES': ("Spain", 'es', [
            ('ES-M', "Madrid"), ('ES-B', "Barcelona"), ('ES-V', "Valencia"),
            ('ES-SE', "Sevilla"), ('ES-BI', "Bizkaia"), ('ES-Z', "Zaragoza"),
            ('ES-MA', "Málaga"), ('ES-A', "Alicante")], 50),
    'FR': ("France", 'fr', [
            ('FR-75C', "Paris"), ('FR-69', "Rhône"), ('FR-13', "Bouches-du-Rhône"),
            ('FR-31', "Haute-Garonne"), ('FR-74', "Haute-Savoie")], 15),
    'DE': ("Germany", 'de', [
            ('DE-BY', "Bayern"), ('DE-BE', "Berlin"), ('DE-HH', "Hamburg"),
            ('DE-NW', "Nordrhein-Westfalen")], 12),
    'IT': ("Italy", 'it', [
            # provinces: Tryton's Italian addresses take no other type
            ('IT-MO', "Modena"), ('IT-SI', "Siena"), ('IT-SA', "Salerno"),
            ('IT-MN', "Mantova")], 8),
    'PT': ("Portugal", 'pt', [
            ('PT-11', "Lisboa"), ('PT-13', "Porto"), ('PT-08', "Faro")], 7),
    'NL': ("Netherlands", 'nl', [
            ('NL-NH', "Noord-Holland"), ('NL-ZH', "Zuid-Holland"),
            ('NL-UT', "Utrecht")], 5),
    'BE': ("Belgium", 'fr', [
            ('BE-BRU', "Brussels"), ('BE-VAN', "Antwerpen")], 3),
    }

# Three levels: department / family / leaf with a price range in EUR.
CATEGORIES = {
    "Hiking": {
        "Footwear": {"Boots": (119, 289), "Trail Shoes": (79, 169),
            "Sandals": (39, 89)},
        "Backpacks": {"Daypacks": (39, 129), "Trekking Packs": (129, 299)},
        "Accessories": {"Poles": (29, 149), "Bottles": (9, 39),
            "Headlamps": (19, 89)},
        },
    "Camping": {
        "Tents": {"Backpacking Tents": (149, 499), "Family Tents": (199, 699)},
        "Sleeping": {"Sleeping Bags": (59, 349), "Mats": (29, 149)},
        "Kitchen": {"Stoves": (29, 149), "Cookware": (15, 79)},
        },
    "Apparel": {
        "Jackets": {"Rain Jackets": (79, 349), "Down Jackets": (119, 399)},
        "Layers": {"Fleeces": (39, 119), "Base Layers": (25, 89)},
        "Bottoms": {"Hiking Pants": (49, 129), "Shorts": (29, 69)},
        },
    "Climbing": {
        "Hardware": {"Carabiners": (9, 29), "Belay Devices": (19, 69)},
        "Soft Goods": {"Harnesses": (49, 129), "Ropes": (99, 299)},
        "Shoes": {"Climbing Shoes": (79, 189)},
        },
    "Running": {
        "Shoes": {"Road Shoes": (89, 179), "Trail Runners": (99, 189)},
        "Gear": {"Vests": (49, 149), "Watches": (149, 499)},
        },
    }

ADJECTIVES = [
    "Alpine", "Summit", "Ridge", "Canyon", "Glacier", "Forest", "Nomad",
    "Vertex", "Boreal", "Sierra", "Cascade", "Tundra", "Aurora", "Granite",
    "Meridian", "Horizon", "Pioneer", "Solstice", "Equinox", "Zephyr"]
MODELS = ["Pro", "Lite", "GTX", "Ultra", "Trek", "Air", "Max", "Flex", "Core",
    "Evo"]

FIRST_NAMES = {
    'es': ["Lucía", "Martín", "Sofía", "Hugo", "Paula", "Daniel", "Carmen",
        "Javier", "Elena", "Pablo", "Marta", "Álvaro", "Irene", "Diego"],
    'fr': ["Camille", "Louis", "Chloé", "Gabriel", "Manon", "Jules", "Léa",
        "Arthur"],
    'de': ["Lena", "Jonas", "Mia", "Lukas", "Hannah", "Felix", "Emma",
        "Paul"],
    'it': ["Giulia", "Luca", "Chiara", "Marco", "Sara", "Matteo"],
    'pt': ["Beatriz", "João", "Inês", "Tiago", "Ana", "Rui"],
    'nl': ["Sanne", "Daan", "Fleur", "Sem", "Lotte", "Bram"],
    }
LAST_NAMES = {
    'es': ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
        "Gómez", "Ruiz", "Díaz", "Moreno", "Álvarez", "Romero"],
    'fr': ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit",
        "Durand"],
    'de': ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner"],
    'it': ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"],
    'pt': ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa"],
    'nl': ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker"],
    }
STREETS = ["Main Street", "Calle Mayor", "Rue de la Paix", "Hauptstraße",
    "Via Roma", "Rua Augusta", "Dorpsstraat", "Avenida del Puerto"]
