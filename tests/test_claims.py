"""Claim analysis: typed values and conflicts on exact Arabic and English cases."""

import pytest

from factbot.text.facts import Conflict, Quantity, analyze, compare, quantities_agree, ranges_in

# Sentences of corpus/us-iraq-coalition-talks.ar.txt, quoted so the tests read on their own.
TROOPS = ("وفي الوقت الحالي، لا يزال هناك حوالي 2500 جندي أمريكي منتشرين في العراق كجزء من التحالف "
          "الذي تم تشكيله في عام 2014 للمساعدة في هزيمة داعش.")
MEETING = ("اجتمع رئيس الوزراء العراقي محمد شياع السوداني ومسؤولون رفيعو المستوى من القوات المسلحة العراقية "
           "وقوات التحالف بقيادة الولايات المتحدة في بغداد يوم السبت.")
STATEMENT = ("وقال مكتب السوداني في بيان، إن اللجنة المشتركة بدأت “بدء الجولة الأولى من الحوار الثنائي بين "
             "العراق والولايات المتحدة الأمريكية لإنهاء التحالف في العراق”.")
GROUPS = ("وقال مكتب السوداني إن فرق العمل الثلاث ستحقق في “مستوى التهديد الذي يشكله تنظيم داعش "
          "والمتطلبات التشغيلية والبيئية وتعزيز القدرات المتنامية لقوات الأمن العراقية”.")
ATTACKS = ("ولكن مع تصاعد الحرب الإسرائيلية على غزة، واجهت القوات الأمريكية في العراق وسوريا هجمات متكررة "
           "من قبل الجماعات المتحالفة مع إيران، مما أدى إلى هجمات انتقامية أمريكية وشكاوى عراقية من “العدوان” "
           "الأمريكي على أراضيها.")
OCTOBER = ("وبينما قالت الولايات المتحدة إن قرار مناقشة الانسحاب من العراق تم اتخاذه قبل 7 أكتوبر/تشرين الأول، "
           "فقد نسب تنظيم داعش في العراق الفضل إلى القرار")


def kinds(conflicts):
    return [(c.kind, c.claim, c.evidence) for c in conflicts]


def test_approximate_troop_count_in_arabic():
    f = analyze(TROOPS)
    # "حوالي 2500 جندي": hedged, counts troops; 2014 after "عام" is a year, not a count
    assert f.quantities == (Quantity(2500.0, "troops", "approx", "حوالي 2500"),)
    assert f.years == (2014,)
    assert ("country", "Iraq") in f.entities


def test_english_number_with_thousands_separator_and_approximation():
    f = analyze("About 5,000 US troops remain in Iraq")
    assert [(q.value, q.unit, q.qualifier) for q in f.quantities] == [(5000.0, "troops", "approx")]
    assert ("country", "United States") in f.entities and ("country", "Iraq") in f.entities


def test_arabic_indic_digits_are_numbers():
    assert analyze("يوجد نحو ٥٠٠٠ جندي").quantities[0].value == 5000.0


def test_troop_count_conflict_names_both_values():
    comp = compare("About 5,000 US troops remain in Iraq", TROOPS)
    assert kinds(comp.conflicts) == [("number", "about 5000", "about 2500")]


def test_arabic_claim_conflict_is_shown_in_arabic():
    comp = compare("يوجد حوالي 5000 جندي أمريكي في العراق", TROOPS)
    assert kinds(comp.conflicts) == [("number", "حوالي 5000", "حوالي 2500")]


@pytest.mark.parametrize("claim_value, qualifier, expected", [
    (2400, "approx", True),    # |2400-2500| = 100 ≤ 10% of 2500
    (2000, "approx", False),   # 500 > 250
    (2000, "more", True),      # "more than 2000" and "about 2500" can both be true
    (3000, "more", False),     # "more than 3000" vs about 2500 (3000*0.9 > 2500): no
    (2500, "", True),
])
def test_quantities_agree(claim_value, qualifier, expected):
    evidence = Quantity(2500.0, "troops", "approx")
    assert quantities_agree(Quantity(float(claim_value), "troops", qualifier), evidence) is expected


def test_counts_of_different_things_do_not_conflict():
    # "50 attacks" against a sentence that counts troops: silence about attacks, no conflict
    assert compare("US forces faced 50 attacks", TROOPS).conflicts == ()
    # and the attacks sentence gives no number at all
    assert [c.kind for c in compare("US forces faced 50 attacks", ATTACKS).conflicts] == []


def test_year_match_and_conflict():
    assert kinds(compare("The coalition was formed in 2014", TROOPS).conflicts) == []
    assert [m.key for m in compare("The coalition was formed in 2014", TROOPS).matches] == ["year:2014"]
    assert kinds(compare("The coalition was formed in 2016", TROOPS).conflicts) == [("year", "2016", "2014")]


def test_weekday_conflict_sunday_vs_saturday():
    assert analyze(MEETING).weekdays == (5,)  # السبت = Saturday (Monday = 0)
    assert kinds(compare("The meeting took place on Sunday", MEETING).conflicts) == [
        ("weekday", "Sunday", "Saturday")]
    assert kinds(compare("عقد الاجتماع يوم الأحد", MEETING).conflicts) == [("weekday", "الأحد", "السبت")]


@pytest.mark.parametrize("text, months", [
    ("في يناير 2020", (1,)),
    ("في كانون الثاني 2020", (1,)),
    ("قبل 7 أكتوبر/تشرين الأول", (10, 10)),
    ("on 7 October", (10,)),
    ("They march on", ()),  # "march" as a verb is no month
])
def test_months_in_both_arabic_series_and_english(text, months):
    assert analyze(text).months == months


def test_day_of_month_is_a_date_not_a_count():
    f = analyze(OCTOBER)
    assert f.dates == ((10, 7),) and f.quantities == ()
    assert kinds(compare("The decision was made before 9 October", OCTOBER).conflicts) == [
        ("date", "9 October", "7 October")]


def test_number_words_two_versus_three_working_groups():
    assert analyze(GROUPS).quantities == (Quantity(3, "groups", "", "الثلاث"),)
    assert kinds(compare("Sudani's office said two working groups will investigate", GROUPS).conflicts) == [
        ("number", "2", "3")]
    assert compare("three working groups", GROUPS).conflicts == ()


def test_antonym_expand_versus_end():
    assert analyze(STATEMENT).actions == ("begin", "end")
    assert kinds(compare("Sudani's office said the talks aim to expand the coalition", STATEMENT).conflicts) == [
        ("action", "expand", "end")]
    assert kinds(compare("المحادثات تهدف إلى توسيع التحالف", STATEMENT).conflicts) == [("action", "expand", "end")]
    # "end" is what the statement says
    assert compare("the talks aim to end the coalition", STATEMENT).conflicts == ()


def test_swapped_city_erbil_versus_baghdad():
    comp = compare("اجتمع المسؤولون في أربيل", MEETING)
    assert kinds(comp.conflicts) == [("place", "Erbil", "Baghdad")]
    assert compare("اجتمع المسؤولون في بغداد", MEETING).conflicts == ()


def test_nationality_adjective_counts_as_mention_not_as_rival():
    # "القوات الأمريكية" speaks of the US; "Iraqi" names no rival place
    comp = compare("US forces faced attacks", ATTACKS)
    assert comp.conflicts == () and [m.key for m in comp.matches] == ["entity:United States"]


@pytest.mark.parametrize("text, n", [
    ("لم يجتمع المسؤولون", 1),
    ("لا يزال هناك جنود", 0),     # "لا يزال" = still
    ("The officials did not meet", 1),
    ("The officials never met", 1),
    ("ليس هناك اتفاق", 1),
    ("The officials met", 0),
])
def test_negation_cues(text, n):
    assert analyze(text).negations == n


def test_claim_denying_what_evidence_states_is_a_negation_conflict():
    comp = compare("السوداني لم يجتمع مع المسؤولين في بغداد", MEETING)
    assert kinds(comp.conflicts) == [("negation", "not", "affirmed")]


def test_persons_and_ordinals():
    assert ("person", "Soleimani") in analyze("قاسم سليماني").entities
    assert kinds(compare("الجولة الثانية من الحوار", STATEMENT).conflicts) == [("ordinal", "2", "1")]
    # "لأول مرة" (for the first time) is no ordinal
    assert analyze("نوقشت لأول مرة العام الماضي").ordinals == ()


def test_required_keys_are_what_support_must_confirm():
    f = analyze("About 2,500 US troops were in Iraq on Saturday in 2014")
    assert f.required_keys() == ("number:troops:2500", "year:2014", "weekday:5", "entity:Iraq",
                                 "entity:United States")


def test_conflict_equality_ignores_the_key():
    assert Conflict("number", "5000", "2500", key="number:troops:5000") == Conflict("number", "5000", "2500")


# --- slot helpers (what a value is of; used by the verifier) ---------------------------------

SINGH = ("واعترفت نائبة السكرتير الصحفي للبنتاغون صابرين سينغ أيضًا بأن الوجود العسكري الأمريكي في الدولة "
         "العربية “سيكون بالتأكيد جزءًا من المحادثات مع تقدمها”.")
STRIKE = ("منذ أن فقد تنظيم داعش قبضته على العراق، دعا المسؤولون إلى انسحاب قوات التحالف، خاصة بعد غارة جوية "
          "أمريكية في يناير 2020 أسفرت عن مقتل القائد الأعلى الإيراني قاسم سليماني وزعيم الميليشيا العراقية "
          "أبو مهدي المهندس خارج مطار بغداد.")


def test_owners_near_a_count_say_whose_troops():
    from factbot.text.slots import owners_near

    assert owners_near(TROOPS, "2500") == {"United States"}          # "2500 جندي أمريكي"
    assert owners_near("Around 900 British troops are stationed in Iraq", "900") == {"Britain"}
    assert owners_near("About 5,000 US troops remain in Iraq", "5000") == {"United States"}  # "US" as written


def test_non_us_troops_deny_an_owner():
    from factbot.text.slots import denies_owner

    assert denies_owner("يبلغ عدد القوات غير الأمريكية نحو 900 جندي") is True
    assert denies_owner("There are 1,000 non-US troops in Iraq") is True
    assert denies_owner("About 5,000 US troops remain in Iraq") is False


@pytest.mark.parametrize("text, expected", [
    (STRIKE, {"United States"}),                                               # "غارة جوية أمريكية"
    ("A British air strike killed Soleimani", {"Britain"}),                    # adjective before the noun
    ("The strike that killed Soleimani was carried out by Israel", {"Israel"}),  # author after "by"
    ("قتل سليماني في غارة جوية روسية", {"Russia"}),
    (ATTACKS, set()),  # "هجمات" are not single acts with one author: no actor
])
def test_actors_of_a_strike(text, expected):
    from factbot.text.slots import actors

    assert actors(text) == expected


def test_affiliation_of_a_named_person():
    from factbot.text.slots import affiliations

    # "للبنتاغون صابرين سينغ": the Pentagon stands for the United States
    assert affiliations(SINGH) == {"Sabrina Singh": {"United States"}}
    assert affiliations("صابرين سينغ متحدثة باسم الحكومة العراقية") == {"Sabrina Singh": {"Iraq"}}
    # the author of a strike near the name is not the person's employer
    assert affiliations("Soleimani was killed in a US air strike") == {}


def test_order_cues_of_dates():
    from factbot.text.slots import order_cues

    assert order_cues(OCTOBER) == {"7": "before"}
    assert order_cues("after the January 2020 strike") == {"2020": "after"}  # cue up to 4 words before


@pytest.mark.parametrize("text, expected", [
    ("قالت سينغ إن الوجود العسكري لن يكون جزءا من المحادثات", True),  # "لن يكون": negated (analyze skips it)
    ("لا يزال هناك جنود", False),                                      # "still"
    ("القوات غير الأمريكية", False),                                  # "non-US", not a denial
    ("Singh said it would not be part of the talks", True),
])
def test_strict_negation(text, expected):
    from factbot.text.slots import negated

    assert negated(text) is expected


def test_allies_of_groups():
    from factbot.text.slots import allies

    assert allies(ATTACKS) == {"Iran"}                      # "الجماعات المتحالفة مع إيران"
    assert allies("Saudi-allied groups attacked US forces") == {"Saudi Arabia"}
    assert allies("US forces faced attacks") == set()


@pytest.mark.parametrize("claim, conflict, match", [
    # the count of the claim's own noun is the one compared, wherever it stands in the sentence
    ("The line has 20 stops.", ("20", "14"), None),
    ("The line has 9.4 stops.", ("9.4", "14"), None),   # not a match with "9.4 kilometres"
    ("The line has 14 stops.", None, "14"),
    ("The line is 12 kilometres long.", ("12", "9.4"), None),
    # a noun the evidence does not share: every count stays a counterpart, as a paraphrase would need
    ("The line has 20 stations.", ("20", "9.4"), None),
])
def test_a_count_is_compared_with_the_evidences_count_of_the_same_noun(claim, conflict, match):
    out = compare(claim, "The line is 9.4 kilometres long and has 14 stops.")
    assert [(k.claim, k.evidence) for k in out.conflicts] == ([conflict] if conflict else [])
    assert [m.value for m in out.matches] == ([match] if match else [])


@pytest.mark.parametrize("claim, conflict, match", [
    # two amounts of one sentence: the one said of what the claim says it of
    ("The European Union paid 130 million euros.", ("130000000", "45000000"), None),
    ("The European Union paid 45 million euros.", None, "45000000"),
    ("The line cost 45 million euros.", ("45000000", "130000000"), None),
    ("The line cost 130 million euros.", None, "130000000"),
])
def test_a_count_is_compared_with_the_evidences_count_said_of_the_same_thing(claim, conflict, match):
    out = compare(claim, "It cost 130 million euros, of which the European Union paid 45 million.")
    assert [(k.claim, k.evidence) for k in out.conflicts] == ([conflict] if conflict else [])
    assert [m.value for m in out.matches] == ([match] if match else [])


@pytest.mark.parametrize("claim, evidence, conflict", [
    # fractions said in words are counts of their own unit, in either language
    ("Roadworks cut shop sales by half.", "two years of roadworks cut their sales by a third", ("half", "a third")),
    ("Roadworks cut shop sales by two thirds.", "roadworks cut their sales by a third", ("two thirds", "a third")),
    ("Roadworks cut shop sales by a third.", "roadworks cut their sales by one third", None),
    ("خفضت الأشغال المبيعات بمقدار النصف", "خفضت الأشغال المبيعات بمقدار الثلث", ("نصف", "ثلث")),
    ("Roadworks cut shop sales by half.", "خفضت الأشغال المبيعات بمقدار الثلث", ("half", "a third")),
    # never with a percentage, and "the third" alone is an ordinal
    ("Half of the troops left.", "48% of the troops left.", None),
    ("The third round was played.", "The first round was played.", ("3", "1")),
])
def test_fractions_said_in_words_compare_as_values(claim, evidence, conflict):
    out = compare(claim, evidence)
    assert [(k.claim, k.evidence) for k in out.conflicts if k.kind in ("number", "ordinal")] == \
        ([conflict] if conflict else [])


def test_a_fraction_is_matched_by_the_same_fraction():
    assert [m.key for m in compare("sales fell by a third", "sales fell by one third").matches
            if m.kind == "number"] == ["number:fraction:0.333333"]
    assert analyze("the third round").ordinals == (3,) and analyze("a third of voters").ordinals == ()


def test_a_fraction_of_a_million_is_a_count():
    [q] = analyze("يبلغ تعداد سكان المدينة حوالي نصف مليون نسمة").quantities
    assert (q.value, q.unit, q.qualifier) == (500000, "", "approx")
    assert [m.value for m in compare("يبلغ تعداد سكان المدينة حوالي 500 ألف نسمة",
                                     "يبلغ تعداد سكان المدينة حوالي نصف مليون نسمة").matches if m.kind == "number"] == ["500000"]


@pytest.mark.parametrize("text, ranges", [
    ("Tajikistan harkens to the Samanid Empire (875–999).", ((875, 999),)),
    ("sales ranged from 1997 to 2007", ((1997, 2007),)),
    ("between 187 and 322 BCE", ((187, 322),)),
    ("تتراوح سماكتها بين ٢ و٤ مليمتر", ((2, 4),)),
    ("من عام 1997 إلى عام 2007", ((1997, 2007),)),
    ("on 2014-05-03", ()),          # a date, not a range
    ("born in 1854", ()),
])
def test_ranges_are_read_in_the_order_written(text, ranges):
    assert ranges_in(text) == ranges


@pytest.mark.parametrize("claim, evidence, conflict", [
    ("the Samanid Empire (999–875)", "the Samanid Empire (875–999)", ("999–875", "875–999")),
    ("سماكتها تتراوح بين 4-2 مليمتر", "سماكتها تتراوح بين 2-4 مليمتر", ("4–2", "2–4")),
    ("the Samanid Empire (875–999)", "the Samanid Empire (875–999)", None),
    ("the Samanid Empire lasted until 999", "the Samanid Empire (875–999)", None),
])
def test_a_range_written_the_other_way_round_conflicts(claim, evidence, conflict):
    got = [(k.claim, k.evidence) for k in compare(claim, evidence).conflicts if k.kind == "range"]
    assert got == ([conflict] if conflict else [])
