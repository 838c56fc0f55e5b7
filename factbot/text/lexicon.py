"""The word lists and token lookups shared by claim analysis and answer extraction.

Places, persons and organisations (`ENTITIES`, with `SINGLE`/`MULTI` forms), nationality
adjectives (`NATIONALITY_OF`, `OWNER_OF`), counted units, number words and multipliers,
the hedges "about"/"more than"/"fewer than", months (with the two-word Levantine names),
weekdays and ordinals; and the token-level helpers over them: `variants` (a word without
its Arabic proclitics) and `lookup`. Reading numbers, counts, years, months and weekdays from
tokens is `factbot.text.numbers`.

Used by `factbot.text.facts` (analysis and comparison), `factbot.ask.extract` (answer values),
`factbot.ask.rerank` and `factbot.ask.abstain`. Everything is in the matching form of
`text.normalize` (Arabic-Indic digits are ASCII, hamza/alef/ta-marbuta unified, lower
case): each Arabic word below is written in that form or passed through `normalize` when
the table is built. A token list here is the matching-form tokens `matching.fact_tokens` gives.
"""

from __future__ import annotations

from functools import lru_cache

from factbot.text.matching import normalize

# Proclitics an Arabic name or word may carry ("ببغداد", "والعراق", "لإنهاء").
_AR_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "وب", "ول", "ال", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=65536)
def variants(token: str) -> tuple[str, ...]:
    """The token and the token without each proclitic that leaves ≥2 letters (cached: the
    same words recur in every sentence, and this runs for every lexicon lookup)."""
    out = [token]
    for p in _AR_PREFIXES:
        if token.startswith(p) and len(token) - len(p) >= 2:
            out.append(token[len(p):])
    return tuple(out)


def _norm_set(words: str) -> frozenset[str]:
    """Normalized word forms; Arabic forms starting with ال are also kept without it."""
    out = set()
    for w in words.split():
        w = normalize(w)
        out.add(w)
        if w.startswith("ال") and len(w) > 4:
            out.add(w[2:])
    return frozenset(out)


# Places and named entities: canonical name -> (kind, forms). Multi-word forms use "_"
# for spaces. Only nouns: adjectives ("Iraqi", "الأمريكية") name no place.
ENTITIES: dict[str, tuple[str, str]] = {
    # Iraqi and regional cities
    "Baghdad": ("city", "baghdad بغداد"),
    "Erbil": ("city", "erbil irbil arbil أربيل اربيل"),
    "Basra": ("city", "basra basrah البصرة"),
    "Mosul": ("city", "mosul الموصل"),
    "Kirkuk": ("city", "kirkuk كركوك"),
    "Najaf": ("city", "najaf النجف"),
    "Karbala": ("city", "karbala كربلاء"),
    "Fallujah": ("city", "fallujah falluja الفلوجة"),
    "Ramadi": ("city", "ramadi الرمادي"),
    "Tikrit": ("city", "tikrit تكريت"),
    "Sulaymaniyah": ("city", "sulaymaniyah sulaimaniyah السليمانية"),
    "Damascus": ("city", "damascus دمشق"),
    "Aleppo": ("city", "aleppo حلب"),
    "Beirut": ("city", "beirut بيروت"),
    "Amman": ("city", "amman عمان"),
    "Tehran": ("city", "tehran teheran طهران"),
    "Riyadh": ("city", "riyadh الرياض"),
    "Doha": ("city", "doha الدوحة"),
    "Cairo": ("city", "cairo القاهرة"),
    "Ankara": ("city", "ankara أنقرة"),
    "Istanbul": ("city", "istanbul إسطنبول اسطنبول"),
    "Jerusalem": ("city", "jerusalem القدس"),
    "Tripoli": ("city", "tripoli طرابلس"),
    "Washington": ("city", "washington واشنطن"),
    "New York": ("city", "new_york نيويورك"),
    "London": ("city", "london لندن"),
    "Paris": ("city", "paris باريس"),
    "Moscow": ("city", "moscow موسكو"),
    "Gaza": ("region", "gaza غزة"),
    "West Bank": ("region", "west_bank الضفة_الغربية"),
    "Kurdistan": ("region", "kurdistan كردستان"),
    # countries
    "Iraq": ("country", "iraq العراق"),
    "Syria": ("country", "syria سوريا سورية"),
    "Iran": ("country", "iran إيران ايران"),
    "United States": ("country", "united_states america usa u.s.a الولايات_المتحدة أمريكا أميركا"),
    "Israel": ("country", "israel إسرائيل اسرائيل"),
    "Lebanon": ("country", "lebanon لبنان"),
    "Jordan": ("country", "jordan الأردن"),
    "Saudi Arabia": ("country", "saudi_arabia السعودية"),
    "Kuwait": ("country", "kuwait الكويت"),
    "Qatar": ("country", "qatar قطر"),
    "Turkey": ("country", "turkey türkiye تركيا"),
    "Egypt": ("country", "egypt مصر"),
    "Yemen": ("country", "yemen اليمن"),
    "Libya": ("country", "libya ليبيا"),
    "Russia": ("country", "russia روسيا"),
    "China": ("country", "china الصين"),
    "France": ("country", "france فرنسا"),
    "Britain": ("country", "britain uk united_kingdom بريطانيا"),
    "Germany": ("country", "germany ألمانيا المانيا"),
    "Afghanistan": ("country", "afghanistan أفغانستان افغانستان"),
    # persons
    "Sudani": ("person", "sudani al-sudani السوداني"),
    "Soleimani": ("person", "soleimani suleimani sulaimani سليماني"),
    "Muhandis": ("person", "muhandis al-muhandis المهندس"),
    "Sabrina Singh": ("person", "singh سينغ"),
    "Biden": ("person", "biden بايدن"),
    "Trump": ("person", "trump ترامب"),
    "Austin": ("person", "austin أوستن اوستن"),
    "Blinken": ("person", "blinken بلينكن"),
    "Netanyahu": ("person", "netanyahu نتنياهو"),
    "Khamenei": ("person", "khamenei خامنئي"),
    "Erdogan": ("person", "erdogan أردوغان اردوغان"),
    "Assad": ("person", "assad الأسد"),
    # organisations: matched and compared for overlap, never a conflict on their own
    "ISIS": ("org", "isis isil daesh داعش"),
    "Pentagon": ("org", "pentagon البنتاغون البنتاجون"),
    "NATO": ("org", "nato الناتو"),
    "Hamas": ("org", "hamas حماس"),
    "Hezbollah": ("org", "hezbollah hizbollah حزب_الله"),
    "United Nations": ("org", "united_nations الأمم_المتحدة"),
}

# Nationality adjectives show a country is spoken of ("القوات الأمريكية" speaks of the US)
# but never name a rival place: "Iraqi officials" says nothing against "in Syria".
_NATIONALITIES: dict[str, str] = {
    "United States": "american americans امريكي امريكيه امريكيين امريكيون اميركي اميركيه اميركيين",
    "Iraq": "iraqi iraqis عراقي عراقيه عراقيين عراقيون",
    "Syria": "syrian syrians سوري سوريه سوريين",
    "Iran": "iranian iranians ايراني ايرانيه ايرانيين",
    "Israel": "israeli israelis اسرائيلي اسرائيليه اسرائيليين",
    "Turkey": "turkish تركي تركيه",
    "Saudi Arabia": "saudi سعودي سعوديه",
}

SINGLE: dict[str, str] = {}
MULTI: list[tuple[tuple[str, ...], str]] = []
for _name, (_kind, _forms) in ENTITIES.items():
    for _form in _forms.split():
        _parts = tuple(normalize(p) for p in _form.split("_"))
        if len(_parts) == 1:
            for v in _norm_set(_parts[0]):
                SINGLE[v] = _name
        else:
            MULTI.append((_parts, _name))
            if _parts[0].startswith("ال"):
                MULTI.append(((_parts[0][2:],) + _parts[1:], _name))
MULTI.sort(key=lambda m: -len(m[0]))
NATIONALITY_OF: dict[str, str] = {}
for _name, _forms in _NATIONALITIES.items():
    for _f in _forms.split():
        NATIONALITY_OF[normalize(_f)] = _name

# What a quantity counts. Cross-lingual so "5,000 US troops" meets "2500 جندي".
_UNITS: dict[str, str] = {
    "troops": "troop troops soldier soldiers personnel forces force servicemen جندي جنود عسكري عسكريين "
              "قوات قوه مقاتل مقاتلين",
    "attacks": "attack attacks strike strikes assault assaults هجوم هجمات هجمه غاره غارات ضربه ضربات",
    "groups": "group groups team teams مجموعه مجموعات فريق فرق",
    "committees": "committee committees commission لجنه لجان",
    "rounds": "round rounds جوله جولات",
    "years": "year years عام اعوام سنه سنوات سنين",
    "decades": "decade decades عقد عقود",
    "months": "month months شهر اشهر شهور",
    "days": "day days يوم ايام",
    "people": "people person persons killed dead civilians شخص اشخاص قتيل قتلي مدني مدنيين",
    "percent": "percent % بالمئه بالمائه المئه المائه",
    "dollars": "dollar dollars $ usd دولار دولارات",
    "countries": "country countries nation nations دوله دول",
    "members": "member members عضو اعضاء",
}
UNIT_OF: dict[str, str] = {}
for _unit, _forms in _UNITS.items():
    for _f in _forms.split():
        UNIT_OF.setdefault(normalize(_f), _unit)

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
}
for _w, _v in {
    "اثنان اثنين اثنتان اثنتين": 2, "ثلاث ثلاثه": 3, "اربع اربعه": 4, "خمس خمسه": 5,
    "ست سته": 6, "سبع سبعه": 7, "ثماني ثمانيه ثمان": 8, "تسع تسعه": 9, "عشر عشره": 10,
    "عشرين عشرون": 20, "ثلاثين ثلاثون": 30, "اربعين اربعون": 40, "خمسين خمسون": 50,
    "مئه مائه": 100, "الف": 1000,
}.items():
    for _f in _w.split():
        NUMBER_WORDS[normalize(_f)] = _v
        NUMBER_WORDS["ال" + normalize(_f)] = _v
# "الف" is also a letter name; as a bare word it is a number only next to digits (see `number_at`).
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "الف": 1e3, "الاف": 1e3, "مليون": 1e6,
               "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9}
_APPROX = frozenset({"about", "around", "nearly", "approximately", "roughly", "almost", "some", "approx",
                     "حوالي", "نحو", "قرابه", "زهاء", "تقريبا", "حواليي", "يقارب", "قرابة"})
MORE = frozenset({"more", "over", "above", "exceeding", "اكثر", "يزيد", "يفوق", "اكثرمن"})
LESS = frozenset({"less", "fewer", "under", "below", "اقل"})
APPROX_TABLE = {w: True for w in _APPROX}

_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"]
MONTH_OF: dict[str, int] = {m: i + 1 for i, m in enumerate(_MONTHS_EN)}
MONTH_OF.update({m[:3]: i + 1 for i, m in enumerate(_MONTHS_EN) if m != "may"})
MONTH_OF["sept"] = 9
for _i, _forms in enumerate([
        "يناير", "فبراير", "مارس", "ابريل إبريل أبريل", "مايو", "يونيو يونيه", "يوليو يوليه",
        "اغسطس أغسطس", "سبتمبر", "اكتوبر أكتوبر", "نوفمبر", "ديسمبر"]):
    for _f in _forms.split():
        MONTH_OF[normalize(_f)] = _i + 1
# The Levantine series; two-word names are matched as pairs.
MONTH_PAIRS = {("كانون", "الثاني"): 1, ("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11,
               ("كانون", "الاول"): 12}
for _f, _i in {"شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "ايلول": 9}.items():
    MONTH_OF[_f] = _i
# "آب" (August) is also "father": only a month right after a day number or before a year.
AMBIGUOUS_MONTHS = {"اب": 8, "may": 5}
# "march" is also a verb: it counts as a month only next to a number (see `numbers.month_name`).

_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY_OF: dict[str, int] = {d: i for i, d in enumerate(_WEEKDAYS_EN)}
for _i, _f in enumerate(["الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"]):
    WEEKDAY_OF[_f] = _i
WEEKDAY_NAMES = {"en": [d.capitalize() for d in _WEEKDAYS_EN],
                 "ar": ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]}
MONTH_NAMES = {"en": [m.capitalize() for m in _MONTHS_EN],
               "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                      "أكتوبر", "نوفمبر", "ديسمبر"]}

ORDINALS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
for _f, _i in {"الاول الاولي اول اولي": 1, "الثاني الثانيه ثاني": 2, "الثالث الثالثه ثالث": 3,
               "الرابع الرابعه": 4, "الخامس الخامسه": 5}.items():
    for _w in _f.split():
        ORDINALS[_w] = _i

# Nationality adjectives beyond `_NATIONALITIES`, for owners and actors only (not entities,
# so the fitted features do not move).
_MORE_OWNERS: dict[str, str] = {
    "Britain": "british بريطاني بريطانيه بريطانيين", "France": "french فرنسي فرنسيه فرنسيين",
    "Russia": "russian روسي روسيه روسيين", "Italy": "italian ايطالي ايطاليه ايطاليين",
    "Germany": "german الماني المانيه المان", "Spain": "spanish اسباني اسبانيه",
    "Jordan": "jordanian اردني اردنيه", "Kuwait": "kuwaiti كويتي كويتيه",
}
OWNER_OF: dict[str, str] = dict(NATIONALITY_OF)
for _name, _forms in _MORE_OWNERS.items():
    for _f in _forms.split():
        OWNER_OF[normalize(_f)] = _name


def lookup(table: dict, token: str):
    """The entry of the token's first variant (itself, then without a proclitic) in `table`, or None."""
    for v in variants(token):
        if v in table:
            return table[v]
    return None
