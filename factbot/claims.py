"""Claim analysis: the checkable values in an Arabic or English sentence, and the
conflicts between a claim and a piece of evidence.

Everything here is a pure function of text. `analyze(text)` returns `Facts`
(quantities, years, months, weekdays, dates, places, persons, actions, polarity);
`compare(claim, evidence)` returns the `Conflict`s — the same attribute with a
different value on each side — and the `Match`es — claim values the evidence
repeats. A conflict is only raised when both sides speak of the same kind of
thing (a count of troops against a count of troops, a city against a city):
an article that is silent about a value does not contradict it.

Work happens on the matching form (`text.normalize`: Arabic-Indic digits are ASCII,
hamza/alef/ta-marbuta unified, lower case), so every Arabic word list below is
written in that form or passed through `normalize` when built.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from factbot.text import language, normalize

# --- lexicons ---------------------------------------------------------------

# Proclitics an Arabic name or word may carry ("ببغداد", "والعراق", "لإنهاء").
_AR_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "وب", "ول", "ال", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=65536)
def _variants(token: str) -> tuple[str, ...]:
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
_ENTITIES: dict[str, tuple[str, str]] = {
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
def display_name(name: str, lang: str) -> str:
    """A canonical entity name as a reader of `lang` writes it: the first Arabic form for "ar"."""
    if lang == "ar" and name in _ENTITIES:
        for form in _ENTITIES[name][1].split():
            if re.search("[\u0600-\u06ff]", form):
                return form.replace("_", " ")
    return name


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
# Kinds that exclude one another: a claim in Erbil and an article in Baghdad disagree.
_CONFLICTING_KINDS = ("city", "country", "region", "person")

_SINGLE: dict[str, str] = {}
_MULTI: list[tuple[tuple[str, ...], str]] = []
for _name, (_kind, _forms) in _ENTITIES.items():
    for _form in _forms.split():
        _parts = tuple(normalize(p) for p in _form.split("_"))
        if len(_parts) == 1:
            for v in _norm_set(_parts[0]):
                _SINGLE[v] = _name
        else:
            _MULTI.append((_parts, _name))
            if _parts[0].startswith("ال"):
                _MULTI.append(((_parts[0][2:],) + _parts[1:], _name))
_MULTI.sort(key=lambda m: -len(m[0]))
_NATIONALITY_OF: dict[str, str] = {}
for _name, _forms in _NATIONALITIES.items():
    for _f in _forms.split():
        _NATIONALITY_OF[normalize(_f)] = _name

# Actions with opposites. A claim that says "expand" where the evidence says "end"
# (and nowhere "expand") names a conflict. Forms are matched as whole tokens after
# stripping proclitics; English forms cover the usual inflections.
_ACTIONS: dict[str, str] = {
    "begin": "begin begins began begun beginning start starts started starting launch launches launched "
             "بدء بدا بدات يبدا تبدا يبداان تبداان بداية بدايه انطلاق اطلاق اطلق",
    "end": "end ends ended ending terminate terminates terminated termination conclude concluded "
           "انهاء ينهي تنهي انهت انهي انتهاء انتهت نهاية نهايه انهاء",
    "expand": "expand expands expanded expanding expansion enlarge enlarged enlarging enlargement extend "
              "extends extended "
              "توسيع توسع يوسع توسيعه",
    "withdraw": "withdraw withdraws withdrew withdrawn withdrawal withdrawing pullout pull-out "
                "انسحاب انسحب ينسحب تنسحب سحب يسحب",
    "deploy": "deploy deploys deployed deploying deployment reinforce reinforced "
              "ارسال يرسل ترسل تعزيزات منتشرين منتشره منتشرون",
    "increase": "increase increases increased increasing rise rises rose raise raised boost boosted grow grew "
                "زيادة زياده يزيد تزيد ارتفاع ارتفع يرتفع ترتفع رفع صعود",
    "decrease": "decrease decreases decreased decreasing reduce reduces reduced reducing reduction cut cuts "
                "lower lowered fall fell drop dropped decline declined shrink "
                "تقليص تقليل يقلص خفض تخفيض انخفاض انخفض ينخفض تنخفض تراجع يتراجع هبوط",
    "agree": "agree agrees agreed agreement "
             "اتفاق اتفق اتفقت يتفق توافق وافق وافقت موافقة",
    "reject": "reject rejects rejected rejection refuse refused disagree disagreed disagreement "
              "رفض يرفض ترفض رفضت خلاف",
    "win": "win wins won victory "
           "فوز فاز يفوز",
    "lose": "lose loses lost loss "
            "خسارة خسر يخسر",
    "confirm": "confirm confirms confirmed admit admits admitted acknowledge acknowledged "
               "اكد يؤكد تؤكد اكدت اعترف اعترفت يعترف",
    "deny": "deny denies denied "
            "نفي نفى ينفي تنفي نفت",
}
_OPPOSITES: dict[str, frozenset[str]] = {
    "begin": frozenset({"end"}),
    "end": frozenset({"begin", "expand"}),
    "expand": frozenset({"end", "decrease", "withdraw"}),
    "withdraw": frozenset({"deploy", "expand"}),
    "deploy": frozenset({"withdraw"}),
    "increase": frozenset({"decrease"}),
    "decrease": frozenset({"increase", "expand"}),
    "agree": frozenset({"reject"}),
    "reject": frozenset({"agree"}),
    "win": frozenset({"lose"}),
    "lose": frozenset({"win"}),
    "confirm": frozenset({"deny"}),
    "deny": frozenset({"confirm"}),
}
_ACTION_OF: dict[str, str] = {}
for _act, _forms in _ACTIONS.items():
    for _f in _forms.split():
        _ACTION_OF.setdefault(normalize(_f), _act)

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
_UNIT_OF: dict[str, str] = {}
for _unit, _forms in _UNITS.items():
    for _f in _forms.split():
        _UNIT_OF.setdefault(normalize(_f), _unit)

_NUMBER_WORDS: dict[str, int] = {
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
        _NUMBER_WORDS[normalize(_f)] = _v
        _NUMBER_WORDS["ال" + normalize(_f)] = _v
# "الف" is also a letter name; as a bare word it is a number only next to digits (handled below).
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "الف": 1e3, "الاف": 1e3, "مليون": 1e6,
                "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9}
_APPROX = frozenset({"about", "around", "nearly", "approximately", "roughly", "almost", "some", "approx",
                     "حوالي", "نحو", "قرابه", "زهاء", "تقريبا", "حواليي", "يقارب", "قرابة"})
_MORE = frozenset({"more", "over", "above", "exceeding", "اكثر", "يزيد", "يفوق", "اكثرمن"})
_LESS = frozenset({"less", "fewer", "under", "below", "اقل"})
_APPROX_TABLE = {w: True for w in _APPROX}
# Relative tolerance when a side hedges ("about 2,500"): 10% keeps "about 2,400" consistent.
_APPROX_TOLERANCE = 0.10

_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"]
_MONTH_OF: dict[str, int] = {m: i + 1 for i, m in enumerate(_MONTHS_EN)}
_MONTH_OF.update({m[:3]: i + 1 for i, m in enumerate(_MONTHS_EN) if m != "may"})
_MONTH_OF["sept"] = 9
for _i, _forms in enumerate([
        "يناير", "فبراير", "مارس", "ابريل إبريل أبريل", "مايو", "يونيو يونيه", "يوليو يوليه",
        "اغسطس أغسطس", "سبتمبر", "اكتوبر أكتوبر", "نوفمبر", "ديسمبر"]):
    for _f in _forms.split():
        _MONTH_OF[normalize(_f)] = _i + 1
# The Levantine series; two-word names are matched as pairs.
_MONTH_PAIRS = {("كانون", "الثاني"): 1, ("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11,
                ("كانون", "الاول"): 12}
for _f, _i in {"شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "ايلول": 9}.items():
    _MONTH_OF[_f] = _i
# "آب" (August) is also "father": only a month right after a day number or before a year.
_AMBIGUOUS_MONTHS = {"اب": 8, "may": 5}
# "march" is also a verb: it counts as a month only next to a number (see _months).

_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_OF: dict[str, int] = {d: i for i, d in enumerate(_WEEKDAYS_EN)}
for _i, _f in enumerate(["الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"]):
    _WEEKDAY_OF[_f] = _i
WEEKDAY_NAMES = {"en": [d.capitalize() for d in _WEEKDAYS_EN],
                 "ar": ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]}
MONTH_NAMES = {"en": [m.capitalize() for m in _MONTHS_EN],
               "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                      "أكتوبر", "نوفمبر", "ديسمبر"]}

_ORDINALS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
for _f, _i in {"الاول الاولي اول اولي": 1, "الثاني الثانيه ثاني": 2, "الثالث الثالثه ثالث": 3,
               "الرابع الرابعه": 4, "الخامس الخامسه": 5}.items():
    for _w in _f.split():
        _ORDINALS[_w] = _i

_NEGATIONS = frozenset({"not", "never", "no", "n't", "neither", "nor", "without", "cannot",
                        "لا", "لم", "لن", "ليس", "ليست", "غير", "عدم", "ما", "دون", "بدون", "ولا", "ولم",
                        "ولن", "وليس", "فلا", "فلم", "لست", "ليسوا"})
# Not negations: "لا يزال / ما زال" mean "still"; "ما" is also "what/that" before these.
_NOT_NEGATION_AFTER = frozenset({"يزال", "تزال", "زال", "زالت", "يزالون", "بين", "اذا", "يلي", "يكون",
                                 "يقارب", "بعد", "قبل", "no", "matter", "only", "doubt", "longer"})
_BEFORE = frozenset({"before", "prior", "earlier", "قبل", "قبيل"})
_AFTER = frozenset({"after", "since", "following", "later", "بعد", "منذ", "عقب"})

_TOKEN = re.compile(r"\d+(?:\.\d+)?|%|\$|[^\W\d_]+(?:'t)?", re.UNICODE)


# --- results ---------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str = ""          # what is counted ("troops", "groups"), "" when unknown
    qualifier: str = ""     # "" exact | "approx" | "more" | "less"
    text: str = ""          # the words as written in the matching form, e.g. "حوالي 2500"


@dataclass(frozen=True)
class Facts:
    """The checkable values of one sentence."""

    lang: str
    quantities: tuple[Quantity, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    dates: tuple[tuple[int, int], ...] = ()   # (month, day)
    ordinals: tuple[int, ...] = ()
    entities: tuple[tuple[str, str], ...] = ()  # (kind, canonical name)
    actions: tuple[str, ...] = ()
    negations: int = 0
    order: tuple[str, ...] = ()                # "before" / "after" cues
    words: tuple[str, ...] = field(default=(), repr=False)

    def required_keys(self) -> tuple[str, ...]:
        """The claim values an article must repeat before the claim counts as supported
        (same keys as `Match.key`). Actions are left out: a verb may be paraphrased."""
        keys = [f"number:{q.unit}:{_fmt_number(q.value)}" for q in self.quantities]
        keys += [f"year:{y}" for y in self.years] + [f"weekday:{d}" for d in self.weekdays]
        keys += [f"date:{d}" for d in self.dates]
        keys += [f"month:{m}" for m in self.months if m not in [d[0] for d in self.dates]]
        keys += [f"ordinal:{o}" for o in self.ordinals]
        keys += [f"entity:{n}" for k, n in self.entities if k in _CONFLICTING_KINDS]
        return tuple(dict.fromkeys(keys))

    @property
    def checkable(self) -> int:
        """How many values a reader could check against an article."""
        return (len(self.quantities) + len(self.years) + len(self.weekdays) + len(self.dates)
                + len([e for e in self.entities if e[0] in _CONFLICTING_KINDS]) + len(self.actions))


@dataclass(frozen=True)
class Conflict:
    kind: str       # number | year | month | weekday | date | ordinal | place | person | action | negation | order
    claim: str      # the claim's value, display form
    evidence: str   # the evidence's value, display form
    key: str = field(default="", compare=False)  # the claim value's identity, shared with `Match.key`


@dataclass(frozen=True)
class Match:
    kind: str
    value: str
    key: str = field(default="", compare=False)


@dataclass(frozen=True)
class Comparison:
    conflicts: tuple[Conflict, ...]
    matches: tuple[Match, ...]


# --- analysis ----------------------------------------------------------------

def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def _us_mentions(text: str) -> bool:
    """'US'/'U.S.' as written: lower-cased 'us' is the pronoun."""
    return bool(re.search(r"\bU\.?S\.?(?=\W|$)(?!\w)", text))


def _lookup(table: dict, token: str):
    for v in _variants(token):
        if v in table:
            return table[v]
    return None


def _number_at(toks: list[str], i: int) -> float | None:
    t = toks[i]
    if t[0].isdigit():
        return float(t)
    return _lookup(_NUMBER_WORDS, t) if t not in ("الف", "الاف") else None


def _unit_near(toks: list[str], i: int, j: int) -> str:
    """The counted noun: first known unit within 3 tokens after the number, else before it
    (Arabic number words follow their noun: "فرق العمل الثلاث")."""
    for k in list(range(j, min(len(toks), j + 3))) + list(range(i - 1, max(-1, i - 4), -1)):
        u = _lookup(_UNIT_OF, toks[k])
        if u:
            return u
        if toks[k] in ("working", "work", "العمل", "عمل", "us", "american", "امريكي", "اميركي", "عراقي"):
            continue
    return ""


def _qualifier(toks: list[str], i: int) -> str:
    prev = toks[max(0, i - 3):i]
    if any(_lookup(_APPROX_TABLE, p) for p in prev) or (i + 1 < len(toks) and toks[i + 1] == "تقريبا"):
        return "approx"
    if any(p in _MORE for p in prev):
        return "more"
    if any(p in _LESS for p in prev):
        return "less"
    return ""


def _is_year(toks: list[str], i: int, value: float) -> bool:
    if not (1900 <= value <= 2100) or "." in toks[i]:
        return False
    prev = toks[i - 1] if i else ""
    if prev in ("in", "since", "of", "year", "عام", "العام", "سنه", "لعام", "منذ", "في", "until", "by") or \
            _lookup(_MONTH_OF, prev) or prev in _AMBIGUOUS_MONTHS:
        return True
    return not _unit_near(toks, i, i + 1)


def analyze(text: str) -> Facts:
    """The checkable values of `text` (Arabic or English)."""
    toks = _tokens(text)
    used: set[int] = set()
    months: list[int] = []
    dates: list[tuple[int, int]] = []
    weekdays: list[int] = []
    years: list[int] = []
    quantities: list[Quantity] = []
    ordinals: list[int] = []

    # months (two-word Levantine names first, so "الأول" is not read as an ordinal)
    for i, t in enumerate(toks):
        if i + 1 < len(toks) and (_variants(t)[-1], toks[i + 1]) in _MONTH_PAIRS or (t, toks[i + 1] if i + 1 < len(toks) else "") in _MONTH_PAIRS:
            key = (t, toks[i + 1]) if (t, toks[i + 1]) in _MONTH_PAIRS else (_variants(t)[-1], toks[i + 1])
            months.append(_MONTH_PAIRS[key])
            used.update({i, i + 1})
    for i, t in enumerate(toks):
        if i in used:
            continue
        m = _lookup(_MONTH_OF, t)
        near_number = (i and toks[i - 1][0].isdigit()) or (i + 1 < len(toks) and toks[i + 1][0].isdigit())
        if m and (t not in ("march", "mar") or near_number):
            months.append(m)
            used.add(i)
        elif t in _AMBIGUOUS_MONTHS and near_number:
            months.append(_AMBIGUOUS_MONTHS[t])
            used.add(i)
    # day-of-month: "7 أكتوبر", "October 7", "7 October"
    for i, t in enumerate(toks):
        if i in used or not t.isdigit() or not 1 <= int(t) <= 31:
            continue
        for k in (i + 1, i - 1):
            if 0 <= k < len(toks) and k in used and (_lookup(_MONTH_OF, toks[k]) or toks[k] in _AMBIGUOUS_MONTHS
                                                      or (k + 1 < len(toks) and (toks[k], toks[k + 1]) in _MONTH_PAIRS)):
                month = _lookup(_MONTH_OF, toks[k]) or _AMBIGUOUS_MONTHS.get(toks[k]) or \
                    _MONTH_PAIRS.get((toks[k], toks[k + 1]))
                dates.append((month, int(t)))
                used.add(i)
                break
    for i, t in enumerate(toks):
        if i in used:
            continue
        w = _lookup(_WEEKDAY_OF, t) if not t.startswith("اثن") else None
        if w is None and t in _WEEKDAY_OF:
            w = _WEEKDAY_OF[t]
        if w is not None:
            weekdays.append(w)
            used.add(i)
    # numbers, years, multipliers
    i = 0
    while i < len(toks):
        if i in used:
            i += 1
            continue
        value = _number_at(toks, i)
        if value is None:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            # "لأول مرة" / "for the first time" is no ordinal of anything checkable
            o = _lookup(_ORDINALS, toks[i]) if nxt not in ("مره", "time") else None
            if o is not None:
                ordinals.append(o)
            i += 1
            continue
        j = i + 1
        if toks[i][0].isdigit() and _is_year(toks, i, value):
            years.append(int(value))
            i = j
            continue
        if j < len(toks) and toks[j] in _MULTIPLIERS:
            value *= _MULTIPLIERS[toks[j]]
            j += 1
        qual = _qualifier(toks, i)
        start = i - 1 if qual and i and toks[i - 1] not in _MORE | _LESS else i
        quantities.append(Quantity(value, _unit_near(toks, i, j), qual, " ".join(toks[max(start, 0):j])))
        i = j
    entities: list[tuple[str, str]] = []
    for i in range(len(toks)):
        for parts, name in _MULTI:
            n = len(parts)
            window = toks[i:i + n]
            if len(window) == n and window[1:] == list(parts[1:]) and parts[0] in _variants(window[0]):
                entities.append((_ENTITIES[name][0], name))
        name = _lookup(_SINGLE, toks[i])
        if name and toks[i] not in ("us",):
            entities.append((_ENTITIES[name][0], name))
        elif _lookup(_NATIONALITY_OF, toks[i]):
            entities.append(("nationality", _lookup(_NATIONALITY_OF, toks[i])))
    if _us_mentions(text):
        entities.append(("country", "United States"))
    actions = [a for a in (_lookup(_ACTION_OF, t) for t in toks) if a]
    negations = 0
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if (t in _NEGATIONS or t.endswith("n't")) and nxt not in _NOT_NEGATION_AFTER:
            negations += 1
    order = [("before" if t in _BEFORE else "after") for t in toks if t in _BEFORE or t in _AFTER]
    return Facts(
        lang=language(text), quantities=tuple(quantities), years=tuple(years), months=tuple(months),
        weekdays=tuple(weekdays), dates=tuple(dates), ordinals=tuple(ordinals),
        entities=tuple(dict.fromkeys(entities)), actions=tuple(dict.fromkeys(actions)),
        negations=negations, order=tuple(order), words=tuple(toks))


# --- comparison ----------------------------------------------------------------

def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _show(q: Quantity, lang: str) -> str:
    word = {"en": {"approx": "about ", "more": "more than ", "less": "fewer than "},
            "ar": {"approx": "حوالي ", "more": "أكثر من ", "less": "أقل من "}}[lang].get(q.qualifier, "")
    return word + _fmt_number(q.value)


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    """Can both statements be true? Hedged values get a relative tolerance; bounds compare."""
    tol = _APPROX_TOLERANCE if "approx" in (a.qualifier, b.qualifier) else 0.0

    def close(x: float, y: float) -> bool:
        return abs(x - y) <= tol * max(abs(x), abs(y))

    for x, y in ((a, b), (b, a)):
        if x.qualifier == "more" and y.qualifier not in ("less",):
            return y.value > x.value or close(x.value, y.value)
        if x.qualifier == "less" and y.qualifier not in ("more",):
            return y.value < x.value or close(x.value, y.value)
    return close(a.value, b.value)


def _same_unit(a: Quantity, b: Quantity) -> bool:
    return a.unit == b.unit


def compare(claim: str | Facts, evidence: str | Facts) -> Comparison:
    """Conflicts (same attribute, different value) and matches (claim values the evidence repeats).

    Values the evidence does not mention are neither: silence is not contradiction."""
    c = claim if isinstance(claim, Facts) else analyze(claim)
    e = evidence if isinstance(evidence, Facts) else analyze(evidence)
    lang = c.lang
    conflicts: list[Conflict] = []
    matches: list[Match] = []

    for q in c.quantities:
        same = [r for r in e.quantities if _same_unit(q, r)]
        key = f"number:{q.unit}:{_fmt_number(q.value)}"
        if any(quantities_agree(q, r) for r in same):
            matches.append(Match("number", _fmt_number(q.value), key))
        elif same:
            conflicts.append(Conflict("number", _show(q, lang), _show(same[0], lang), key))

    def plain(kind: str, mine: tuple, theirs: tuple, show) -> None:
        for v in dict.fromkeys(mine):
            key = f"{kind}:{v}"
            if v in theirs:
                matches.append(Match(kind, show(v), key))
            elif theirs:
                other = next(t for t in theirs if t not in mine) if any(t not in mine for t in theirs) else None
                if other is not None:
                    conflicts.append(Conflict(kind, show(v), show(other), key))

    plain("year", c.years, e.years, str)
    plain("weekday", c.weekdays, e.weekdays, lambda d: WEEKDAY_NAMES[lang][d])
    plain("date", c.dates, e.dates, lambda md: f"{md[1]} {MONTH_NAMES[lang][md[0] - 1]}")
    # a month alone compares with the months of the evidence
    plain("month", tuple(m for m in c.months if m not in [d[0] for d in c.dates]), e.months,
          lambda m: MONTH_NAMES[lang][m - 1])
    plain("ordinal", c.ordinals, e.ordinals, str)

    e_names = {n for _, n in e.entities}
    c_names = {n for _, n in c.entities}
    for kind, name in c.entities:
        if name in e_names:
            matches.append(Match(kind if kind in ("person", "org") else "place", name, f"entity:{name}"))
            continue
        if kind not in _CONFLICTING_KINDS:  # organisations and nationalities name no rival
            continue
        rivals = [n for k, n in e.entities if k == kind and n not in c_names]
        if rivals:
            conflicts.append(Conflict("person" if kind == "person" else "place", name, rivals[0], f"entity:{name}"))

    for a in c.actions:
        if a in e.actions:
            matches.append(Match("action", a, f"action:{a}"))
            continue
        rivals = [b for b in e.actions if b in _OPPOSITES.get(a, ()) and b not in c.actions]
        if rivals:
            conflicts.append(Conflict("action", a, rivals[0], f"action:{a}"))

    # Only "the claim denies what the article affirms": an article's negation is often in
    # another clause ("… لا يفهمون سوى لغة القوة"), which a claim need not contradict.
    if c.negations > 0 and e.negations == 0 and matches:
        conflicts.append(Conflict("negation", "not", "affirmed", "negation"))
    c_order, e_order = set(c.order), set(e.order)
    if len(c_order) == 1 and len(e_order) == 1 and c_order != e_order and (c.dates or c.years or c.months):
        conflicts.append(Conflict("order", next(iter(c_order)), next(iter(e_order)), f"order:{next(iter(c_order))}"))
    return Comparison(tuple(conflicts), tuple(matches))


# --- slots: which attribute a value fills (used by the verifier only) ----------------------
#
# `compare` pairs values by type (a year with a year). Two years only disagree when they are
# the year of the same thing: "withdraw by 2026" and "formed in 2014" do not. These helpers
# give the verifier the words around a value, who a value or an event belongs to, and the
# before/after cue of a date, so it can refute only when both values fill the same slot.
# They are kept out of `compare` so the stance model's features stay as they were fitted.

# Nationality adjectives beyond `_NATIONALITIES`, for owners and actors only (not entities,
# so the fitted features do not move).
_MORE_OWNERS: dict[str, str] = {
    "Britain": "british بريطاني بريطانيه بريطانيين", "France": "french فرنسي فرنسيه فرنسيين",
    "Russia": "russian روسي روسيه روسيين", "Italy": "italian ايطالي ايطاليه ايطاليين",
    "Germany": "german الماني المانيه المان", "Spain": "spanish اسباني اسبانيه",
    "Jordan": "jordanian اردني اردنيه", "Kuwait": "kuwaiti كويتي كويتيه",
}
_OWNER_OF: dict[str, str] = dict(_NATIONALITY_OF)
for _name, _forms in _MORE_OWNERS.items():
    for _f in _forms.split():
        _OWNER_OF[normalize(_f)] = _name
# An organisation stands for its country when saying whose spokesperson someone is.
_ORG_OWNER = {"Pentagon": "United States"}
# Nouns of a single act with one author ("a US air strike"): a different author is a conflict.
_EVENT_NOUNS = frozenset(normalize(w) for w in (
    "strike strikes airstrike airstrikes raid raids bombing drone "
    "غاره غارات ضربه ضربات قصف").split())
_AUTHOR_CUES = frozenset(normalize(w) for w in "by نفذ نفذت نفذتها نفذها شن شنت شنتها شنها".split())
# Arabic adjectives follow the noun ("غارة جوية أمريكية"); English ones precede it
# ("a British air strike") or the author follows "by".
ACTOR_WINDOW = 2


def _owner_at(toks: list[str], k: int, us: bool) -> str | None:
    """The country a token names or adjectives (a nationality, a country, 'US' as written)."""
    t = toks[k]
    if t == "us":
        return "United States" if us else None
    o = _lookup(_OWNER_OF, t)
    if o:
        return o
    name = _lookup(_SINGLE, t)
    if name and _ENTITIES[name][0] == "country":
        return name
    if name in _ORG_OWNER:
        return _ORG_OWNER[name]
    return None


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def denies_owner(text: str) -> bool:
    """"non-US troops", "القوات غير الأمريكية": the text counts everyone but a country."""
    toks, us = _tokens(text), _us_mentions(text)
    return any(t in ("non", "غير") and k + 1 < len(toks) and _owner_at(toks, k + 1, us)
               for k, t in enumerate(toks))


@lru_cache(maxsize=8192)
def owners(text: str) -> frozenset[str]:
    """Every country the text names or adjectives ("Iraqi soldiers", "US forces", "الإيراني")."""
    toks, us = _tokens(text), _us_mentions(text)
    return frozenset(o for k in range(len(toks)) if (o := _owner_at(toks, k, us)))


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def owners_near(text: str, value: str, window: int = 3) -> frozenset[str]:
    """Countries named within `window` tokens of the token `value` (matching form): whose
    troops "900 British troops" / "2500 جندي أمريكي" counts."""
    toks, us = _tokens(text), _us_mentions(text)
    out = set()
    for i, t in enumerate(toks):
        if t == value:
            for k in range(max(0, i - window), min(len(toks), i + window + 1)):
                o = _owner_at(toks, k, us) if k != i else None
                if o:
                    out.add(o)
    return frozenset(out)


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def actors(text: str) -> frozenset[str]:
    """Countries that carried out a single act the text names ("غارة جوية أمريكية" → United
    States; "a British air strike", "a strike by Israel" → Britain, Israel)."""
    toks, us = _tokens(text), _us_mentions(text)
    out = set()
    for i, t in enumerate(toks):
        if not any(v in _EVENT_NOUNS for v in _variants(t)):
            continue
        near = list(range(i + 1, min(len(toks), i + 1 + ACTOR_WINDOW)))
        near += list(range(max(0, i - ACTOR_WINDOW), i))
        # the author named after "by" or a verb of carrying out ("was carried out by Israel",
        # "نفذتها إسرائيل"), anywhere after the act
        near += [b + d for b in range(i + 1, len(toks)) if toks[b] in _AUTHOR_CUES for d in (1, 2)]
        for k in near:
            o = _owner_at(toks, k, us) if k < len(toks) else None
            if o:
                out.add(o)
    return frozenset(out)


_ALLY_CUES = frozenset(normalize(w) for w in (
    "allied aligned backed proxy proxies loyal متحالفه المتحالفه موالية الموالية موالي مدعومه المدعومه").split())
ALLY_WINDOW = 3  # "Iran-allied groups", "الجماعات المتحالفة مع إيران"


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def allies(text: str) -> frozenset[str]:
    """Countries groups are said to be allied with or backed by ("الجماعات المتحالفة مع إيران"
    → Iran; "Saudi-allied groups" → Saudi Arabia)."""
    toks, us = _tokens(text), _us_mentions(text)
    out = set()
    for i, t in enumerate(toks):
        if not any(v in _ALLY_CUES for v in _variants(t)):
            continue
        # English names the ally before the cue ("Iran-allied") or after "by"/"with"; Arabic
        # after it ("المتحالفة مع إيران"). Not any country nearby: "Saudi-allied groups attacked US forces".
        near = list(range(max(0, i - 2), i))
        if not t.isascii() or (i + 1 < len(toks) and toks[i + 1] in ("by", "with", "to")):
            near += list(range(i + 1, min(len(toks), i + ALLY_WINDOW + 1)))
        for k in near:
            o = _owner_at(toks, k, us)
            if o:
                out.add(o)
    return frozenset(out)


PERSON_WINDOW = 6  # tokens after/before a name that say whom the person works for


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def affiliations(text: str) -> dict[str, frozenset[str]]:
    """Person → the countries (or organisations standing for one) named next to them:
    "نائبة السكرتير الصحفي للبنتاغون صابرين سينغ" → {"Sabrina Singh": {"United States"}}."""
    toks, us = _tokens(text), _us_mentions(text)
    # a country that carried out an act near the name ("killed in a US air strike") is no employer
    acts = {k for i, t in enumerate(toks) if any(v in _EVENT_NOUNS for v in _variants(t))
            for k in range(i - ACTOR_WINDOW, i + ACTOR_WINDOW + 1)}
    out: dict[str, set[str]] = {}
    for i, t in enumerate(toks):
        name = _lookup(_SINGLE, t)
        if not name or _ENTITIES[name][0] != "person":
            continue
        for k in range(max(0, i - PERSON_WINDOW), min(len(toks), i + PERSON_WINDOW + 1)):
            o = _owner_at(toks, k, us) if k != i and k not in acts else None
            if o:
                out.setdefault(name, set()).add(o)
    return {n: frozenset(s) for n, s in out.items()}


ORDER_WINDOW = 4  # "after the January 2020 strike": the cue may stand a few words before the date


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def order_cues(text: str) -> dict[str, str]:
    """Each year or day-of-month (digits) → "before"/"after" when such a cue stands just
    before it: "قبل 7 أكتوبر" → {"7": "before"}."""
    toks = _tokens(text)
    out = {}
    for i, t in enumerate(toks):
        if not t.isdigit():
            continue
        for k in range(i - 1, max(-1, i - 1 - ORDER_WINDOW), -1):
            if toks[k] in _BEFORE or toks[k] in _AFTER:
                out.setdefault(t, "before" if toks[k] in _BEFORE else "after")
                break
    return out


# Strict negation: after لن/لم/ليس the next word is negated whatever it is ("لن يكون"); the
# exceptions of `_NOT_NEGATION_AFTER` ("لا يزال", "ما يكون") only follow لا/ما/no/not.
_STRICT_NEGATIONS = frozenset({"لن", "لم", "ليس", "ليست", "ولن", "ولم", "وليس", "فلم", "never"})


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def negated(text: str) -> bool:
    """Does the text deny its statement? ("غير"/"non" before a word only makes it "non-X".)"""
    toks = _tokens(text)
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if t in _STRICT_NEGATIONS:
            return True
        if (t in _NEGATIONS or t.endswith("n't")) and nxt not in _NOT_NEGATION_AFTER and t not in ("غير", "non"):
            return True
    return False


# English helpers a denial leans on ("did not agree", "would not be"): shown with it, never
# taken for the denied word.
_AUXILIARIES = frozenset("do does did will would shall should can could may might must is are was were "
                         "be been being has have had".split())


def words(text: str) -> list[tuple[str, str]]:
    """Each word as written, with its matching-form token (the form `tokens` gives)."""
    out = []
    # letters with their Arabic marks ("جزءًا" is one word though its tanween is no letter)
    for m in re.finditer(r"(?:[^\W_]|[\u0610-\u061A\u064B-\u065F\u0670])+(?:'t)?", text):
        norm = _tokens(m.group(0))
        if norm:
            out.append((m.group(0), norm[0]))
    return out


def _is_cue(toks: Sequence[str], i: int) -> bool:
    """The rule of `negated`, at position i."""
    t, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else ""
    return t in _STRICT_NEGATIONS or (
        (t in _NEGATIONS or t.endswith("n't")) and nxt not in _NOT_NEGATION_AFTER and t not in ("غير", "non"))


@lru_cache(maxsize=4096)
def denial(text: str) -> tuple[str, str] | None:
    """What the text denies, for a reason to quote: ("did not agree", "agree") — the denial as
    written (helpers, cue and the denied word) and the denied word's matching form. None when
    `negated(text)` is False or nothing follows the cue."""
    ws = words(text)
    toks = [t for _, t in ws]
    for i in range(len(toks)):
        if not _is_cue(toks, i):
            continue
        start = i - 1 if i > 0 and toks[i - 1] in _AUXILIARIES else i
        j = i + 1
        while j < len(toks) and j < i + 4 and toks[j] in _AUXILIARIES:
            j += 1
        if j >= len(toks):
            return None
        return " ".join(w for w, _ in ws[start:j + 1]), toks[j]
    return None


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def value_tokens(text: str) -> frozenset[str]:
    """Tokens that are values or names rather than what is said of them (digits, numbers,
    months, weekdays, ordinals, places, persons, nationalities)."""
    out = set()
    for t in _tokens(text):
        if t[0].isdigit() or any(_lookup(tab, t) is not None for tab in
                                 (_NUMBER_WORDS, _MONTH_OF, _WEEKDAY_OF, _ORDINALS, _SINGLE, _OWNER_OF,
                                  _APPROX_TABLE)) \
                or t in ("us", "u", "s") or t in _MULTIPLIERS or t in _MORE or t in _LESS:
            out.add(t)
    return frozenset(out)


def positions(text: str, token_test) -> list[int]:
    return [i for i, t in enumerate(_tokens(text)) if token_test(t)]


def tokens(text: str) -> list[str]:
    """The matching-form tokens every helper here counts positions in."""
    return _tokens(text)


def entity_of(token: str) -> str | None:
    return _lookup(_SINGLE, token)


def ordinal_of(token: str) -> int | None:
    return _lookup(_ORDINALS, token)


# A city that speaks for its country's government ("Washington said", "تتوقع بغداد"): a claim
# naming the city is confirmed by a sentence naming the country.
CAPITAL_OF = {"Washington": "United States", "Baghdad": "Iraq"}


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def entity_names(text: str) -> frozenset[str]:
    return frozenset(n for _, n in analyze(text).entities)


@lru_cache(maxsize=8192)  # the same sentences meet every claim
def actions(text: str) -> tuple[str, ...]:
    return analyze(text).actions


def opposites(action: str) -> frozenset[str]:
    return _OPPOSITES.get(action, frozenset())
