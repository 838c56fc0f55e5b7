"""The wording of a verdict's reason in English and Arabic, shared by the offline verifier
(`factbot.check.verifier`) and the optional judges (`factbot.check.judges`), so a reason reads
the same whatever decided."""

from __future__ import annotations

from factbot.text import facts

REASONS = {
    "en": {"says": "the claim says {c}; the article says {e} [{n}]",
           "negation": "the claim says “{c}”; the article says “{e}” [{n}]",
           "denies": "the claim denies what the article states [{n}]",
           "model": "the article says otherwise [{n}]",
           "supported": "the article says so {refs}",
           "silent": "the article does not say",
           "silent_value": "the article does not say ({v})"},
    "ar": {"says": "يقول الادعاء {c}، بينما يقول المقال {e} [{n}]",
           "negation": "يقول الادعاء «{c}»، بينما يقول المقال «{e}» [{n}]",
           "denies": "ينفي الادعاء ما يثبته المقال [{n}]",
           "model": "يقول المقال خلاف ذلك [{n}]",
           "supported": "يؤكد المقال ذلك {refs}",
           "silent": "لا يذكر المقال ذلك",
           "silent_value": "لا يذكر المقال ذلك ({v})"},
}
_ACTION_WORDS = {
    "ar": {"begin": "البدء", "end": "الإنهاء", "expand": "التوسيع", "withdraw": "الانسحاب", "deploy": "النشر",
           "increase": "الزيادة", "decrease": "التقليص", "agree": "الاتفاق", "reject": "الرفض", "win": "الفوز",
           "lose": "الخسارة", "confirm": "التأكيد", "deny": "النفي", "before": "قبل", "after": "بعد"},
}


def display(value: str, kind: str, lang: str) -> str:
    """A conflict's value as a reason in `lang` shows it: an action or a before/after cue in
    words, a place's or person's name as a reader of `lang` writes it."""
    if kind == "action":
        return _ACTION_WORDS.get(lang, {}).get(value, value)
    if kind in ("place", "person", "actor", "ally", "affiliation"):
        return facts.display_name(value, lang)
    if kind == "before_after":
        cue, _, when = value.partition(" ")
        return f"{_ACTION_WORDS.get(lang, {}).get(cue, cue)} {when}"
    return value
