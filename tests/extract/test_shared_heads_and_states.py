"""Lists that share a head noun, the states a disease is in, and the sexes that qualify (issue 18), on
real ClinicalTrials.gov criteria: "alcohol and drug abuse" lists two concepts, as "alcohol or drug
abuse" does; "Relapsed non Hodgkin's lymphoma" is one concept, not a relapse beside a lymphoma, and
"Relapsed or refractory acute leukemia" two kinds of the same leukemia; "..., male or female" after
a limit says both sexes qualify and leaves the limit standing; what happened "after A or B" attaches
both to what happened."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves


def _names(rule) -> set[str]:
    return {leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"}


# --- an "and" between two kinds of one head noun lists both ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            ". Suspected or indeed have a history of alcohol and drug abuse",
            {"alcohol abuse", "drug abuse"},
        ),  # NCT03801200
        (
            "Patients with systemic autoimmune and inflammatory disease,",
            {"systemic autoimmune disease", "systemic inflammatory disease"},
        ),  # NCT03918993: "systemic" holds of both (test_phrase_leads_and_tails)
        ("who have had previous back and neck surgery", {"back surgery", "neck surgery"}),  # NCT05313997
    ],
)
def test_and_between_kinds_of_one_head_lists_both_in_an_exclusion(tagger, text, items):
    rule = rule_of(tagger, text, "exclusion")
    assert rule.type == "any", rule  # either one excludes
    assert {name.removeprefix("history of ") for name in _names(rule)} == items


def test_and_between_organs_asks_both_in_an_inclusion(tagger):
    rule = rule_of(tagger, "Adequate renal and liver function (creatinine <= 1.5 mg/dL).", "inclusion")  # NCT04501120
    rule = next(arg for arg in rule.args if arg.type == "all")  # beside the limit: a review without one
    assert _names(rule) == {"renal function", "liver function"}


@pytest.mark.parametrize(
    "text",
    [
        "Symptomatic and untreated spinal cord compression.",  # NCT06062823: two states of one compression
        "patients who had erectile dysfunction attributed to endocrine or metabolic disease order, those who"
        " underwent surgery in the genital area, such as radical prostatectomy or penile implant and cognitive"
        " impairment",  # NCT03801200: "penile implant" names a thing of its own
    ],
)
def test_and_after_a_state_or_a_name_of_its_own_lends_no_head(tagger, text):
    names = _names(rule_of(tagger, text, "exclusion"))
    assert not {n for n in names if n.startswith(("Symptomatic cord", "penile implant impairment"))}, names


# --- a state of a disease stays on the disease ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Relapsed non Hodgkin's lymphoma", "Relapsed non Hodgkin's lymphoma"),
        ("Diagnosed as advanced non-small cell lung cancer.", "advanced non-small cell lung cancer"),  # NCT04871997
        ("Refractory B-cell lymphoma", "Refractory B-cell lymphoma"),
    ],
)
def test_a_state_before_a_disease_name_is_part_of_the_concept(tagger, text, concept):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "presence", rule
    assert rule.concept.text == concept


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "Relapsed or refractory acute leukemia and has exhausted, or is ineligible for, available therapeutic"
            " options",  # NCT04811560
            {"Relapsed acute leukemia", "refractory acute leukemia"},
        ),
        (
            "Relapsed or refractory B cell Leukemia.",
            {"Relapsed B cell Leukemia", "refractory B cell Leukemia"},
        ),  # NCT04100187
        ("Diagnose as Relapsed/Refractory AML", {"Relapsed AML", "Refractory AML"}),  # NCT04265963
        (
            "Relapsed/refractory diffuse large B-cell lymphoma",
            {"Relapsed diffuse large B-cell lymphoma", "refractory diffuse large B-cell lymphoma"},
        ),
    ],
)
def test_states_listed_before_a_disease_each_take_all_of_its_name(tagger, text, items):
    rule = rule_of(tagger, text, "inclusion")
    found = [a for a in ([rule] if rule.type != "all" else rule.args) if a.type == "any"]
    assert found, rule
    assert items <= {leaf.concept.text for leaf in leaves(found[0]) if leaf.type == "presence"}


def test_a_state_of_the_patient_stays_apart(tagger):
    assert set(presences(rule_of(tagger, "Patients who relapsed after chemotherapy", "inclusion"))) == {
        "relapsed",
        "chemotherapy",
    }


# --- both sexes after a limit leave the limit standing ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hemoglobin ≥ 9 g/dL, male or female",
        "Age 18-75 years old, male or female, signed informed consent;",  # NCT03801200
        "Aged 18-75 years old, male or female.",  # NCT06332300
        "Age ≥ 18, male or female;",  # NCT03860038
    ],
)
def test_both_sexes_after_a_limit_are_no_alternative_to_it(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule
    sexes = [leaf for leaf in leaves(rule) if leaf.type == "demographic" and leaf.attribute == "sex"]
    assert [s.value_text for s in sexes] == ["all"]
    assert any(leaf.type in ("comparison", "demographic") and leaf is not sexes[0] for leaf in rule.args)


def test_sexes_with_a_state_after_a_limit_restrict_whom_it_is_for(tagger):
    rule = rule_of(tagger, "Hemoglobin ≥ 9 g/dL, male or non-pregnant female", "inclusion")
    assert rule.type == "all", rule
    assert [a.type for a in rule.args] == ["comparison", "any"]


# --- what happened after a list of treatments happened after one of them -------------------------------------


@pytest.mark.parametrize(
    ("text", "event", "after"),
    [
        (
            "Locally Recurrent Head and Neck Squamous Cell Carcinoma after chemo radiotherapy or radiation therapy.",
            "Head and Neck Squamous Cell Carcinoma",
            {"chemo radiotherapy", "radiation therapy"},
        ),  # NCT05883007
    ],
)
def test_an_or_after_after_joins_what_it_happened_after(tagger, text, event, after):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule  # never a radiotherapy alone
    first, rest = rule.args
    assert first.concept.text == event
    assert rest.type == "any"
    assert _names(rest) == after


# --- a list whose last item a window took keeps its shared head ------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (  # four ctgov records: "drug" and "alcohol" were reviews; only substance abuse had the window
            "History of drug, alcohol, or substance abuse within the 6 months before Visit 1.",
            {"drug abuse", "alcohol abuse", "substance abuse"},
        ),
        ("Renal, hepatic or cardiac failure within 6 months", {"Renal failure", "hepatic failure", "cardiac failure"}),
    ],
)
def test_modifiers_before_a_windowed_item_share_its_head_and_its_window(tagger, text, items):
    rule = rule_of(tagger, text, "exclusion")
    assert rule.type == "any", rule
    assert not [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    found = presences(rule)
    assert {name.removeprefix("history of ") for name in found} == items
    assert all(leaf.temporal is not None and leaf.temporal.value == 6 for leaf in found.values())


def test_old_drug_abuse_does_not_meet_a_windowed_list(tagger):
    text = "History of drug, alcohol, or substance abuse within the 6 months"
    old = [{"kind": "condition", "text": "alcohol abuse", "date": "2015-01-10"}]
    recent = [{"kind": "condition", "text": "alcohol abuse", "date": "2026-10-10"}]
    assert verdict_of(tagger, "Exclusion", text, old) == "not_met"
    assert verdict_of(tagger, "Exclusion", text, recent) == "met"


def test_a_list_in_a_sentence_for_a_person_stays_a_review(tagger):
    # NCT03433391 E1.21: "drug" and "biologic" studies, not "drug device" and "biologic device"
    text = (
        "Participation in any other investigational drug, biologic or medical device study within the last six"
        " months prior to study surgery;"
    )
    rule = rule_of(tagger, text, "exclusion")
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["study participation"]
    assert not [name for name in presences(rule) if name.endswith(("drug device", "biologic device"))]


def test_a_value_limit_on_the_last_item_lends_no_head(tagger):
    # NCT04811560 I3.b: "Estimated" took "glomerular filtration rate" as a bare presence beside the limit,
    # which any eGFR on record met, however low
    rule = rule_of(tagger, "Estimated or measured glomerular filtration rate >= 60 mL/min", "inclusion")
    assert "Estimated glomerular filtration rate" not in presences(rule)


def test_a_dose_written_before_a_list_holds_of_each_item(tagger):
    """In "high-dose oral and/or inhaled steroids" a low-dose fluticasone inhaler is not met."""
    found = presences(rule_of(tagger, "Use of daily, high-dose oral and/or inhaled steroids"))
    assert "high-dose" in found["inhaled steroids"].qualifiers
