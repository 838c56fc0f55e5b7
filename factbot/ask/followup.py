"""Reading a follow-up question in a chat: "and when was it formed?" after a question about
the coalition means "coalition … when was it formed?".

Only clear follow-ups are rewritten: a short question that opens with a continuation
("and", "what about", Arabic "و" + a question word, "وماذا عن" …). Anything else is asked as
typed, so a new topic never inherits the old one. Pure functions.
"""

from __future__ import annotations

import re

from factbot.text.matching import is_stopword, normalize, tokens

MAX_FOLLOWUP_WORDS = 8  # "and when was it formed?" is 5; a longer question stands on its own
_EN_OPENERS = re.compile(r"^(?:and|also|so|but|what about|how about)\b", re.I)
# Arabic: the conjunction و/ف written onto a question word (ومتى، وكم، وأين …) or "ماذا عن".
_AR_QUESTION_WORDS = ("متى", "كم", "اين", "أين", "من", "ما", "ماذا", "لماذا", "كيف", "هل", "أي", "اي")
_AR_OPENERS = re.compile(r"^(?:[وف](?:%s)(?=[\s؟?]|$)|و\s|و?ماذا عن|و?بالنسبة)"
                         % "|".join(_AR_QUESTION_WORDS))


def is_followup(question: str) -> bool:
    q = question.strip()
    if not q or len(q.split()) > MAX_FOLLOWUP_WORDS:
        return False
    return bool(_EN_OPENERS.match(q) or _AR_OPENERS.match(q))


# Words that shape a question's form, not its topic ("how many", "عدد"): not carried over.
_FORM_WORDS = frozenset(normalize(w) for w in "many much long often roughly approximately عدد".split())


def content_words(question: str) -> list[str]:
    """The question's topic words in matching form, each once, in order."""
    seen: list[str] = []
    for t in tokens(question):
        if not is_stopword(t) and t not in _FORM_WORDS and t not in seen:
            seen.append(t)
    return seen


def retrieval_question(question: str, previous: str | None) -> str:
    """The question to search and answer with: `question` itself unless it is a clear
    follow-up of `previous`, then the previous question's content words, an em dash, and it."""
    if not previous or not is_followup(question):
        return question
    words = [w for w in content_words(previous) if w not in set(tokens(normalize(question)))]
    return f"{' '.join(words)} — {question.strip()}" if words else question
