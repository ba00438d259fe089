"""Lists whose reading the words around them decide (issue 18), on real ClinicalTrials.gov text: organ
functions under "adequate" are each required; examples that name a kind of their category by a
modifier alone take its head; examples after an exception are the category's unless they are kinds
of the excepted thing; a finding after a list is asked for beside it. Each failed before its fix;
the guards say what must stay."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact
from trialsieve.rules import leaves

_DAY = dt.date(2026, 11, 30)


def _asked(rule) -> set[str]:
    """The presence leaves that ask something: not the ones that only say what was excepted."""
    return {name for name, leaf in presences(rule).items() if leaf.role is None}


def _excepted(rule) -> set[str]:
    return {c.text for leaf in leaves(rule) if leaf.type == "presence" for c in leaf.excepted}


def test_adequate_organ_functions_are_each_required(tagger):
    # NCT05378763: any(hematologic, hepatic, renal function) let a patient with one adequate organ in; with no
    # limit written the adequacy is a review (test_undertakings_and_adequacy), with one each function is asked
    rule = rule_of(
        tagger, "Have adequate hematologic, hepatic, and renal function (creatinine <= 1.5 mg/dL)", "inclusion"
    )
    functions = {"hematologic function", "hepatic function", "renal function"}
    assert rule.type == "all" and set(presences(rule)) == functions, rule


def test_no_organ_of_an_adequate_list_is_lost(tagger):
    # NCT01562210 kept hepatic function alone; the second (a real wording) was a review of the whole
    rule = rule_of(tagger, "Adequate hematological, renal and hepatic functions (ANC >= 1500/uL)", "inclusion")
    assert len(presences(rule)) == 3, rule
    rule = rule_of(
        tagger, "Patients must have adequate bone marrow, liver and renal function, ANC >= 1500/uL", "inclusion"
    )
    assert set(presences(rule)) == {"bone marrow function", "liver function", "renal function"}, rule


def test_a_denied_adequate_list_is_left_to_the_denial(tagger):
    # guard: "Lack of adequate ..." is not read as a requirement of every function
    rule = rule_of(tagger, "Lack of adequate renal and hepatic function")
    assert any(n.type == "not" or getattr(n, "negated", False) for n in [rule, *leaves(rule)])


def test_kinds_named_by_a_modifier_take_the_category_head(tagger):
    # NCT05464836: "(viral, bacterial, or fungal)" asked nothing, so a fungal infection was not excluded
    rule = rule_of(
        tagger,
        "Patients with uncontrolled, active infections (viral, bacterial, or fungal). Infections controlled on "
        "concurrent anti-microbial agents are acceptable, and anti-microbial prophylaxis per institutional "
        "guidelines are acceptable.",
    )
    names = set(presences(rule))
    assert {"viral infections", "bacterial infections", "fungal infections"} <= names, names


def test_kinds_keep_the_state_the_category_names(tagger):
    # NCT04318938: an asymptomatic leptomeningeal metastasis is not what the exclusion names
    rule = rule_of(
        tagger,
        "Patients who have symptomatic CNS metastases (parenchymal or leptomeningeal) at screening or "
        "asymptomatic disease requiring an increasing dose of corticosteroids to control symptoms within 7 days "
        "prior to randomization.",
    )
    assert "symptomatic leptomeningeal metastases" in presences(rule), presences(rule)


def test_the_first_example_after_the_cue_keeps_the_list_head(tagger):
    # a writer's "such as breast, lung, ... or prostate cancer" lost the breast cancer
    rule = rule_of(tagger, "Solid tumors such as breast, lung, colorectal or prostate cancer", "inclusion")
    assert rule.type == "any" and "breast cancer" in presences(rule), presences(rule)
    rule = rule_of(tagger, "Solid tumors (e.g., breast, lung, colorectal)", "inclusion")
    assert {"breast tumors", "lung tumors", "colorectal tumors"} <= set(presences(rule)), presences(rule)


def test_examples_after_an_exception_are_the_category_s(tagger):
    # NCT05822999: apnea and restless legs were excepted with insomnia, so they let the patient in
    rule = rule_of(
        tagger,
        "sleep disorders diagnosis other than insomnia (ex. Obstructive sleep apnea, sleep behavior problem, "
        "restless leg syndrome)",
    )
    assert {"Obstructive sleep apnea", "restless leg syndrome"} <= _asked(rule), _asked(rule)
    assert _excepted(rule) == {"insomnia"}
    criterion = (
        "sleep disorders diagnosis other than insomnia (ex. Obstructive sleep apnea, sleep behavior problem, "
        "restless leg syndrome)"
    )
    facts = [{"kind": "condition", "text": "Obstructive sleep apnea"}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) == "met"


def test_examples_after_an_exception_with_a_comma_are_the_category_s(tagger):
    # NCT06685900: BPPV and stroke are the causes of dizziness asked about, not excepted ones
    rule = rule_of(
        tagger,
        "Individuals diagnosed with causes of dizziness other than hypotension, such as benign paroxysmal "
        "positional vertigo or stroke, within the past year.",
    )
    assert "benign paroxysmal positional vertigo" in _asked(rule) and _excepted(rule) == {"hypotension"}


def test_examples_that_are_kinds_of_the_excepted_stay_excepted(tagger):
    # guards: sites of the excepted thing, and an example written onto it with no comma or bracket
    rule = rule_of(
        tagger,
        "History of malignancy other than non-melanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, "
        "breast) unless disease free for at least 2 years",
    )
    assert "carcinoma in situ of the breast" in _excepted(rule) and _asked(rule) == {"malignancy"}
    rule = rule_of(tagger, "History of malignancy other than skin cancer (e.g. basal cell skin cancer)")
    assert "basal cell skin cancer" in _excepted(rule) and _asked(rule) == {"malignancy"}


def test_a_finding_after_a_list_is_asked_beside_it(tagger):
    # NCT06097962: "and obvious symptoms" fell out, so silent metastases excluded too
    text = "Patients with central nervous system metastasis (CNS) and/or cancerous meningitis and obvious symptoms;"
    rule = rule_of(tagger, text)
    assert rule.type == "all" and [a.type for a in rule.args] == ["any", "unstructured"], rule
    assert rule.args[1].text == "obvious symptoms"
    # NCT06465238
    rule = rule_of(tagger, "Cancerous ascites, pleural effusion or pericardial effusion with clinical symptoms;")
    assert rule.type == "all" and rule.args[-1].text == "clinical symptoms"


def test_a_denied_list_with_a_finding_is_left_as_read(tagger):
    # guard: what a denial leaves is not read here
    rule = rule_of(tagger, "No brain metastases or meningitis with symptoms", "inclusion")
    assert not any(leaf.type == "unstructured" for leaf in leaves(rule))


def test_examples_of_another_kind_than_the_category_stay_excepted(tagger):
    # guard, NCT05879653: thyroxine and insulin are kinds of the excepted replacement therapy, not of the
    # autoimmune disease; read as the category's, a patient on thyroxine would be excluded
    rule = rule_of(
        tagger,
        "Has active autoimmune disease that has required systemic treatment in the past 2 years except "
        "replacement therapy (eg., thyroxine, insulin, or physiologic corticosteroid).",
    )
    assert "thyroxine" in _excepted(rule) and "thyroxine" not in _asked(rule)


def test_examples_of_an_excepted_judgment_stay_excepted(tagger):
    # guard, NCT05745714: alopecia illustrates the toxicities the investigator may let pass
    rule = rule_of(
        tagger,
        "Unresolved toxicity greater than NCI CTCAE v 5.0 ≥ grade 2 from previous anti-cancer therapy, including "
        "major surgery, except those that in the opinion of the investigator are not clinically relevant given "
        "the known safety/toxicity profile of the study treatment (e.g., alopecia and/or peripheral neuropathy "
        "related to platinum or vinca alkaloid based chemotherapy) (Common Terminology Criteria for Adverse "
        "Events (CTCAE) (cancer.gov).",
    )
    assert "alopecia" not in _asked(rule)


def test_a_disease_after_an_allergy_list_is_no_allergen(tagger):
    """ "allergy to PDE5i, severe renal or hepatic insufficiency": renal insufficiency, not an allergy to it."""
    found = presences(rule_of(tagger, "allergy to PDE5i, severe renal or hepatic insufficiency"))
    assert {"renal insufficiency", "hepatic insufficiency"} <= set(found)
    assert not [t for t in found if t.startswith("allergy to") and "insufficiency" in t]
    assert "allergy to penicillin" in presences(rule_of(tagger, "allergy to penicillin, renal failure"))


def test_a_cue_of_examples_names_no_concept(tagger):
    assert not [t for t in presences(rule_of(tagger, "Contraindication to MRI (eg, pacemaker)")) if t.lower() == "eg"]


def test_reasons_precluding_a_test_are_judged_and_their_examples_count(tagger):
    """ "Medical reasons precluding MRI (eg, pacemaker)": a pacemaker excludes; no MRI on record does not."""
    text = "Medical reasons precluding MRI (eg, pacemaker)"
    rule = rule_of(tagger, text)
    mri = presences(rule)["MRI"]
    assert mri.role == "effect"
    pacemaker = {"text": "pacemaker", "kind": "procedure", "present": True}
    assert verdict_of(tagger, "Exclusion", text, [pacemaker]) == "met"
    assert verdict_of(tagger, "Exclusion", text, [{"text": "MRI", "kind": "procedure", "present": False}]) != "met"


def test_an_adverse_reaction_to_a_drug_is_an_allergy_record_not_the_drug(tagger):
    """An "adverse reaction to tadalafil or any other PDE-5 inhibitor": a patient on sildenafil is not excluded."""
    text = "history of adverse reaction to tadalafil or any other PDE-5 inhibitor"
    found = presences(rule_of(tagger, text))
    assert {"allergy to tadalafil", "allergy to PDE-5 inhibitor"} <= set(found)
    on_drug = {"text": "PDE-5 inhibitor", "kind": "drug", "present": True}
    assert verdict_of(tagger, "Exclusion", text, [on_drug]) != "met"


def test_a_bracket_between_the_allergy_word_and_to_keeps_the_allergy(tagger):
    """A grade in brackets before "to" left docetaxel a drug: every patient given it was excluded."""
    text = "History of severe hypersensitivity reaction (≥grade 3) to polysorbate 80 containing drugs or to docetaxel"
    assert "allergy to docetaxel" in presences(rule_of(tagger, text))


@pytest.mark.parametrize(
    ("text", "variant"),
    [("Active hepatitis B or C infection", "hepatitis C infection"), ("known hepatitis B or C", "hepatitis C")],
)
def test_a_variant_after_a_named_one_takes_its_name(tagger, text, variant):
    """A "hepatitis B or C infection" was any(hepatitis B, infection): a urinary tract infection excluded."""
    found = presences(rule_of(tagger, text))
    assert variant in found and "infection" not in found and "C" not in found


def test_a_kind_the_tagger_named_by_its_modifier_alone_takes_the_head(tagger):
    """ "rheumatoid" alone was a condition no record is named; it is rheumatoid arthritis."""
    found = presences(rule_of(tagger, "Arthritis (rheumatoid, psoriatic), gout, or asthma"))
    assert {"rheumatoid Arthritis", "psoriatic Arthritis", "gout", "asthma"} <= set(found)
    assert "rheumatoid" not in found


@pytest.mark.parametrize(
    "text",
    [
        "One of the following: Cancer (e.g. breast, lung), Stroke",
        "Any of the following conditions: Gout, Chronic Kidney Disease (may be on dialysis), Neck Pain",  # NCT03899298
    ],
)
def test_a_lead_of_alternatives_makes_each_comma_an_or(tagger, text):
    """After a bracket or with a qualifier on the next item the comma had been read as "and", so an
    inclusion of any of the conditions asked for two of them."""
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and len(rule.args) >= 2
    assert (
        verdict_of(
            tagger,
            "Inclusion",
            text,
            [{"kind": "condition", "text": "Stroke" if "Stroke" in text else "Gout", "date": "2024-01-01"}],
        )
        == "met"
    )


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Type 1 or type 2 diabetes", "Type 1 or type 2 diabetes"),
        ("Type I or Type II diabetes", "Type I or Type II diabetes"),
        (
            "Type 1 or type 2 diabetic patients with a personal history of diabetes ≥ 5 years.",
            "Type 1 or type 2 diabetic",
        ),
        ("stage 3 or stage 4 chronic kidney disease", "stage 3 or stage 4 chronic kidney disease"),
    ],
)
def test_a_list_of_types_with_the_axis_word_said_again_stays_whole(tagger, text, concept):
    """NCT02945462 I2: "type 1 or type 2 diabetes" had been "type 2 diabetes", so a type 1 diabetic
    failed an inclusion of either."""
    assert concept in presences(rule_of(tagger, text, "inclusion"))


def test_a_type_1_diabetic_meets_an_inclusion_of_type_1_or_type_2(tagger):
    type1 = [{"kind": "condition", "text": "Diabetes mellitus type 1", "date": "2020-01-01"}]
    assert verdict_of(tagger, "Inclusion", "Type 1 or type 2 diabetes", type1) == "met"


def test_a_list_of_lab_limits_with_no_or_asks_every_limit(tagger):
    # NCT06751849: the model read the bare commas as "or", so a patient with one normal value passed them all
    text = "neutrophil count ≥1.5×10 ^9/L, hemoglobin ≥10g/dL, platelet count ≥100×10 ^9/L"
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all" and len([leaf for leaf in leaves(rule) if leaf.type == "comparison"]) == 3, rule
    anaemic = [Fact(text="hemoglobin", kind="observation", value=8.0, unit="g/dL", date=_DAY)]
    assert verdict_of(tagger, "Inclusion", text, anaemic, as_of=_DAY) == "not_met"
    # guard: a list closed by "or" still offers alternatives
    rule = rule_of(tagger, "HbA1c ≥ 6.5%, fasting glucose ≥ 126 mg/dL, or 2-hour glucose ≥ 200 mg/dL", "inclusion")
    assert rule.type == "any", rule


def test_a_semicolon_then_or_makes_what_follows_an_alternative(tagger):
    # NCT02856893: the woman of non-child-bearing potential also had to use contraception and be tested
    text = (
        "Female patients should be using adequate contraceptive measures, should not be breastfeeding, and must "
        "have a negative pregnancy test prior to first dose of study drug; or female patients must have an "
        "evidence of non-child-bearing potential"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and "non-child-bearing potential" in presences(rule.args[-1]), rule


def test_a_bare_comma_in_an_exclusion_lists_reasons(tagger):
    # either excludes: AND-ed, only a patient with both was excluded
    text = "Severe hepatic impairment, a known history of retinitis"
    assert rule_of(tagger, text).type == "any"
    retinitis = [Fact(text="retinitis", kind="condition")]
    assert verdict_of(tagger, "Exclusion", text, retinitis) == "met"
    # guard: a comma before a clause of its own is no list (LCT NCT03921203, exclusion 10)
    text = "treatment with more than one antihypertensive drug, the drug must not be an alpha-blocker or beta-blocker"
    assert any(node.type == "not" for node in _nodes(rule_of(tagger, text)))


def test_ex_in_a_bracket_gives_examples(tagger):
    # NCT02477436: "(ex testosterone)" AND-ed the androgens to the anti-androgens
    rule = rule_of(tagger, "Androgens(ex testosterone), anti-androgen, trazodone")
    assert rule.type == "any" and not [node for node in _nodes(rule) if node.type == "all"], rule


def _nodes(rule) -> list:
    return [rule, *(node for arg in getattr(rule, "args", []) for node in _nodes(arg))]


@pytest.mark.parametrize(
    "text",
    [
        # the sex a finding is asked of, and a condition parted from what it asks, are no list of reasons
        "Female, who have no sexual intercourse",
        "If an acute myocardial infarction has ensued in the past 6 months, successful reperfusion has to be "
        "documented and the patient has to be free of symptoms",
    ],
)
def test_a_clause_or_a_sex_beside_a_comma_is_no_list_of_reasons(tagger, text):
    assert rule_of(tagger, text).type == "all"


def test_a_lead_to_alternatives_inside_a_bracket_keeps_the_limits_alternatives(tagger):
    # NCT05668819: "at least one of the following" stands after the diagnosis, not before the first item
    text = (
        "Being diagnosed with prediabetes (the presence of at least one of the following criteria is sufficient "
        "for diagnosis: FBG 100 - 125 mg/dL, OGTT 2 hour BG: 140 - 199 mg/dL, HbA1c: 5.7% - 6.4)"
    )
    limits = [n for n in _nodes(rule_of(tagger, text, "inclusion")) if n.type == "any"]
    assert limits and all(arg.type == "comparison" for arg in limits[0].args), limits


def test_limits_for_each_sex_stay_with_their_sex(tagger):
    # NCT06029816: the comma read as a list of reasons lost the sexes, so a woman's QTcF of 460 ms excluded her
    rule = rule_of(tagger, "12 ECG: QTcF: female > 470 ms, male > 450 ms;")
    assert [leaf for leaf in leaves(rule) if leaf.type == "demographic" and leaf.attribute == "sex"], rule


def test_no_donors_are_nitric_oxide_donors_not_a_denial(tagger):
    # NCT02477436: "(NO) donors(ex. Nitroglycerin, ...)" denied the examples, and every patient on none was excluded
    text = "Nitrate/Nitric oxide(NO) donors(ex. Nitroglycerin, isosorbide mononitrate, sodium nitroprusside)"
    rule = rule_of(tagger, text)
    assert not [node for node in _nodes(rule) if node.type == "not" or getattr(node, "negated", False)], rule
    assert verdict_of(tagger, "Exclusion", text, []) != "met"


def test_sentences_of_an_exclusion_are_each_a_reason(tagger):
    """NCT06273592 E4: the sentences "... > 100 mmHg on Visit one. Heart rate > 99 on Visit one. Systolic
    blood pressure < 85 mmHg ..." were AND-ed, so only a patient with every one of them was excluded."""
    text = (
        "Systolic blood pressure > 150 mmHg and/or diastolic blood pressure > 100 mmHg on Visit one. "
        "Heart rate > 99 on Visit one. Systolic blood pressure < 85 mmHg on Visit one."
    )
    rule = rule_of(tagger, text)
    assert rule.type == "any" and all(a.type == "comparison" for a in rule.args), rule
    pulse = Fact(text="Heart rate", kind="observation", value=120, unit="/min", date=_DAY)
    assert verdict_of(tagger, "Exclusion", text, [pulse], as_of=_DAY) == "met"
    # in an inclusion each sentence is required
    assert rule_of(tagger, "Diagnosis of type 2 diabetes. HbA1c > 7%.", "inclusion").type == "all"


@pytest.mark.parametrize(
    "text",
    [  # NCT05651269 E12, NCT05838768 E5, NCT05896748 E13: each would exclude what the sentence only tests or allows
        "Active hepatitis C is defined as positive HCV RNA and/or anti-HCV antibody. HIV test according to local "
        "practice and local regulatory guidance",
        "Active Hepatitis B Virus (HBV) infection. Patients whose disease is controlled under antiviral therapy "
        "should not be excluded.",
        "High risk of seizures, including participants with a poorly controlled seizure disorder. A participant with "
        "a prior history of seizure may be considered for enrollment if the Investigator believes the risk is low.",
    ],
)
def test_a_sentence_that_tests_or_allows_is_no_reason_of_its_own(tagger, text):
    rule = rule_of(tagger, text)
    alone = [a for a in (rule.args if rule.type == "any" else [rule]) if a.type == "presence" and a.role is None]
    assert not {a.concept.text for a in alone} & {"HIV test", "antiviral therapy", "seizure"}, rule
