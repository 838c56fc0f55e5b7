"""Actions with opposites: a claim that says "expand" where the evidence says "end" (and
nowhere "expand") names a conflict (`factbot.text.facts.compare`). Forms are matched as
whole tokens after stripping proclitics (`lexicon.lookup`); English forms cover the usual
inflections. Every form is kept in the matching form (`matching.normalize`)."""

from __future__ import annotations

from factbot.text.matching import normalize

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
ACTION_OF: dict[str, str] = {}
for _act, _forms in _ACTIONS.items():
    for _f in _forms.split():
        ACTION_OF.setdefault(normalize(_f), _act)



def opposites(action: str) -> frozenset[str]:
    return _OPPOSITES.get(action, frozenset())
