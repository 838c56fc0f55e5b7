"""How an English question's words meet an Arabic sentence: a small EN -> AR glossary of news
words, a question's content terms (each with its translations), and the share of them a
sentence holds. Used by ask (rerank, abstain), check (verifier) and the LLM support check."""

from __future__ import annotations

import re
from functools import lru_cache

from factbot.text.matching import language, normalize, stem, terms


# English news words -> stems of their Arabic translations: lets an English question's
# terms meet an Arabic sentence (overlap features, choosing among several names).
_GLOSSARY_SRC = {
    "troop": "جندي جنود قوات", "soldier": "جندي جنود", "force": "قوات قوه", "forces": "قوات",
    "american": "امريكي امريكيه", "us": "امريكي الولايات", "iraq": "العراق", "iraqi": "عراقي عراقيه",
    "iran": "ايران", "iranian": "ايراني", "coalition": "التحالف", "talk": "محادثات", "talks": "محادثات",
    "round": "جوله", "dialogue": "الحوار", "bilateral": "الثنائي", "committee": "لجنه", "joint": "المشتركه",
    "commander": "قائد القائد", "leader": "زعيم قائد", "militia": "ميليشيا الميليشيا", "killed": "مقتل قتل",
    "kill": "مقتل قتل", "head": "رئيس", "heads": "رئيس", "government": "الحكومه", "strike": "غاره ضربه", "air": "جويه", "airport": "مطار", "prime": "رئيس",
    "minister": "الوزراء وزير", "deputy": "نائبه نائب", "press": "الصحفي", "secretary": "السكرتير",
    "pentagon": "البنتاغون", "attack": "هجمات هجوم", "attacks": "هجمات", "withdrawal": "انسحاب",
    "withdraw": "انسحاب", "end": "انهاء نهايه", "ending": "انهاء", "mission": "المهمه", "military": "العسكري عسكري",
    "expert": "خبراء", "experts": "خبراء", "group": "مجموعات فرق الجماعات", "groups": "مجموعات فرق الجماعات",
    "working": "العمل", "team": "فرق", "meet": "اجتمع", "met": "اجتمع", "meeting": "اجتماع",
    "official": "مسؤولون المسؤولون", "officials": "مسؤولون المسؤولون", "baghdad": "بغداد",
    "washington": "واشنطن", "form": "تشكيل", "formed": "تشكيل", "defeat": "هزيمه", "isis": "داعش",
    "sovereignty": "سيادتهم سياده", "complain": "اشتكي شكاوي", "gaza": "غزه", "war": "الحرب",
    "israeli": "الاسرائيليه", "syria": "سوريا", "threat": "التهديد", "credit": "الفضل", "decision": "قرار",
    "statement": "بيان", "office": "مكتب", "timetable": "جدول زمني", "presence": "الوجود وجود",
    "reduce": "تقليص", "country": "البلاد الدوله", "state": "الدوله", "army": "الجيش", "security": "الامن",
    "agree": "اتفقت", "agreed": "اتفقت", "launch": "اطلاق", "year": "عام العام", "day": "يوم",
    "saturday": "السبت", "thursday": "الخميس", "remain": "يزال", "still": "يزال", "stationed": "منتشرين",
    "deployed": "منتشرين", "help": "للمساعده مساعده", "capability": "القدرات",
    "future": "مستقبل", "foreign": "الاجنبيه", "retaliatory": "انتقاميه", "aggression": "العدوان",
    "discussion": "المناقشات مناقشه", "discussions": "المناقشات", "discuss": "مناقشه نوقشت",
    "discussed": "نوقشت مناقشه", "expect": "تتوقع يتوقع", "hope": "تتوقع", "part": "جزء", "lead": "تؤدي",
    "against": "ضد", "first": "الاولي اول", "negotiate": "للتفاوض التفاوض", "term": "شروط",
    "goal": "اهدافها اهداف", "aim": "اهداف هدف", "purpose": "اهداف", "investigate": "ستحقق",
    "study": "ستحقق", "examine": "ستحقق", "level": "مستوي", "requirement": "المتطلبات",
    "operational": "التشغيليه", "supervise": "سيشرفون يشرف", "oversee": "سيشرفون", "decade": "عقد",
    "success": "الناجح", "partnership": "بالشراكه", "international": "الدولي", "claim": "نسب",
    "prove": "يثبت", "language": "لغه", "understand": "يفهمون", "continue": "بمواصله", "repeated": "متكرره",
    "escalation": "تصاعد", "grip": "قبضته", "lost": "فقد", "call": "دعا", "called": "دعا",
    "specialist": "المتخصصين", "defense": "الدفاعيين", "acknowledge": "اعترفت", "admit": "اعترفت",
    "senior": "رفيعو", "armed": "المسلحه", "reduction": "تقليص", "schedule": "جدول",
}


# Words of how a question is asked, not of what it asks about ("how many", "according to").
QUESTION_FILLERS = frozenset({"many", "much", "accord", "according", "mention", "mentioned", "article",
                               "say", "said", "ما", "عدد", "الذي", "التي"})


@lru_cache(maxsize=1)  # built once from the word list
def glossary() -> dict[str, frozenset[str]]:
    return {stem(normalize(en)): frozenset(stem(t) for t in terms(ar)) for en, ar in _GLOSSARY_SRC.items()}


# The noun naming the kind of place asked for ("which Iraqi city", "في أي مدينة") is no word the
# answering sentence must hold: it says "in Baghdad", not "in the city of Baghdad". (A time's
# noun stays: "في عام 2014" holds it.)
_KIND_NOUNS = "city|town|country|place|location|capital|province|region|airport"
_AR_KIND_NOUNS = "مدينه|بلد|دوله|مكان|منطقه|محافظه"
# up to two words between "which" and that noun ("which Iraqi province"), none an auxiliary
# ("what did the city council say" names no kind of answer)
_MODIFIERS = r"(?:(?!(?:is|are|was|were|did|do|does|will|would|can|could|should|has|have|had) )\w+ ){0,2}?"
_ANSWER_KIND = re.compile(rf"\b((?:which|what) {_MODIFIERS})(?:{_KIND_NOUNS})\b"
                          rf"|((?:^|\s)(?:اي|ايه) )(?:{_AR_KIND_NOUNS})(?=\s|$)")


def without_answer_kind(question: str) -> str:
    """The question's matching form without the noun naming the kind of place asked for."""
    return _ANSWER_KIND.sub(lambda m: m.group(1) or m.group(2), normalize(question))


@lru_cache(maxsize=4096)  # a question is compared with every retrieved sentence
def question_terms(question: str) -> tuple[frozenset[str], ...]:
    """Each content term of the question as the set of stems that would match it in a
    sentence: itself, plus Arabic translations for an English term the glossary knows. The
    noun naming the kind of place asked for ("which city") is left out."""
    gloss = glossary() if language(question) == "en" else {}
    return tuple(frozenset({t}) | gloss.get(t, frozenset())
                 for t in terms(without_answer_kind(question)) if t not in QUESTION_FILLERS)


@lru_cache(maxsize=16384)  # rerank and abstain both ask it of the same (question, sentence)
def term_overlap(question: str, sentence: str) -> float:
    """Share of the question's content terms found in the sentence (0 when it has none)."""
    qterms = question_terms(question)
    if not qterms:
        return 0.0
    sterms = term_set(sentence)
    return sum(1 for alternatives in qterms if alternatives & sterms) / len(qterms)


@lru_cache(maxsize=8192)  # the same sentences (and single tokens, `alignment._states`) recur
def term_set(sentence: str) -> frozenset[str]:
    return frozenset(terms(sentence))
