"""Every country and subdivision of ISO 3166 (pycountry), as upstream's
``trytond_import_countries`` loads them, in two bulk creates: the script
saves through proteus and translates every subdivision (48 s on the 2-core
machine); this takes a few seconds. Countries get their Spanish names;
subdivision names stay as ISO writes them (in the local language)."""
import gettext

import pycountry
from trytond.pool import Pool
from trytond.transaction import Transaction


def _clean(name):
    # what upstream's script removes: Tryton refuses these in names
    return name.replace('\n', ' ').replace('\\', '')


def _name(country):
    return _clean(getattr(country, 'common_name', None) or country.name)


def create_all(demo_countries):
    """Create all countries and subdivisions; return {code: (country,
    [(subdivision, the demo's name of it)])} for the codes of demo_countries
    ({code: (name, language, [(subdivision code, name)], weight)})."""
    pool = Pool()
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    iso = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    countries = Country.create([{
                'code': c.alpha_2, 'code3': c.alpha_3,
                'code_numeric': c.numeric, 'name': _name(c),
                } for c in iso])
    by_code = {c.code: c for c in countries}
    try:
        spanish = gettext.translation(
            'iso3166-1', pycountry.LOCALES_DIR, languages=['es'])
    except OSError:
        spanish = None
    if spanish:
        with Transaction().set_context(language='es'):
            args = []
            for c in iso:
                args.extend([[by_code[c.alpha_2]],
                        {'name': _clean(spanish.gettext(_name(c)))}])
            Country.write(*args)

    types = {k for k, _ in Subdivision.fields_get(['type'])['type'][
            'selection'] if k}
    isosubs = sorted(pycountry.subdivisions, key=lambda s: s.code)
    subdivisions = Subdivision.create([{
                'country': by_code[s.country_code].id, 'code': s.code,
                'name': _clean(s.name),
                'type': s.type.lower() if s.type.lower() in types else None,
                } for s in isosubs])
    sub_by_code = {s.code: s for s in subdivisions}
    children = {}
    for s in isosubs:
        if s.parent_code:
            children.setdefault(s.parent_code, []).append(sub_by_code[s.code])
    args = []
    for parent_code, records in children.items():
        args.extend([records, {'parent': sub_by_code[parent_code].id}])
    if args:
        Subdivision.write(*args)
    return {code: (by_code[code], [(sub_by_code[scode], name) for scode, name in subs])
        for code, (_, _, subs, _) in demo_countries.items()}
