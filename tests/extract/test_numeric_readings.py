"""What numbers mean beyond their limit: limits for one sex, ages at an event, disease durations,
and lists of limits in an exclusion (trialsieve/extract/refine.py and the passes it runs)."""

import pytest

from trialsieve.extract.flat import constraints
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves


def rule(text, section="unknown"):
    return structure_text(text, section).rule


def switch(tree, text):
    """any(all(sex, limit), ...) as [(sex, sex words, variable, operator, value)]."""
    assert tree.type == "any"
    read = []
    for branch in tree.args:
        guard, *limits = branch.args
        assert branch.type == "all" and guard.type == "demographic" and guard.attribute == "sex"
        for c in limits:
            assert c.population == guard.value_text
            read.append((guard.value_text, text[slice(*guard.span)], c.variable, c.operator, c.value))
    return read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hemoglobin < 12.0 g/dL for women or < 13.0 g/dL for men",
            [("female", "for women", "Hemoglobin", "<", 12), ("male", "for men", "Hemoglobin", "<", 13)],
        ),
        (  # "and" between them reads the same: each sex has its limit
            "QTcF ≥ 460 ms in females and ≥ 450 ms in males",
            [("female", "in females", "QTcF", ">=", 460), ("male", "in males", "QTcF", ">=", 450)],
        ),
        (
            "Serum creatinine > 1.4 mg/dL (women) or > 1.5 mg/dL (men)",
            [("female", "(women)", "Serum creatinine", ">", 1.4), ("male", "(men)", "Serum creatinine", ">", 1.5)],
        ),
        (  # the sex before the limit, the variable a label before both
            "Waist circumference: men ≥ 102 cm, women ≥ 88 cm",
            [("male", "men", "Waist circumference", ">=", 102), ("female", "women", "Waist circumference", ">=", 88)],
        ),
    ],
)
def test_a_limit_for_each_sex_switches_on_sex(text, expected):
    assert switch(rule(text), text) == expected


def test_a_second_limit_written_as_a_number_shares_comparator_and_variable():
    text = "Alcohol intake above 21 units per week for men or 14 units per week for women"
    tree = rule(text, "exclusion")
    assert switch(tree, text) == [
        ("male", "for men", "Alcohol intake", ">", 21),
        ("female", "for women", "Alcohol intake", ">", 14),
    ]
    assert all(leaf.type in ("comparison", "demographic") for leaf in leaves(tree))  # "14 units" is no concept


def test_a_limit_for_one_sex_only_is_marked_and_not_switched():
    tree = rule("Ferritin < 15 ng/mL in females")
    assert (tree.type, tree.variable, tree.population, tree.value) == ("comparison", "Ferritin", "female", 15)


@pytest.mark.parametrize(
    "text", ["eGFR ≥ 60 mL/min for male and female patients", "Platelets ≥ 100 x 10^9/L in men and women"]
)
def test_both_sexes_named_together_set_no_population(text):
    assert not [leaf for leaf in leaves(rule(text)) if leaf.type == "comparison" and leaf.population]


@pytest.mark.parametrize(
    ("text", "event", "concept", "operator", "value"),
    [
        ("Age at onset of Crohn's disease younger than 17 years", "onset", "Crohn's disease", "<", 17),
        ("Onset of asthma symptoms before 12 years of age", "onset", "asthma symptoms", "<", 12),
        ("Diagnosis of type 1 diabetes before the age of 35 years", "diagnosis", "type 1 diabetes", "<", 35),
        (
            "Patients diagnosed with Hodgkin lymphoma at age 18 years or older",
            "diagnosis",
            "Hodgkin lymphoma",
            ">=",
            18,
        ),
        ("Older than 40 years of age at the time of psoriasis onset", "onset", "psoriasis", ">", 40),
        ("Age ≥ 21 years at diagnosis of multiple sclerosis", "diagnosis", "multiple sclerosis", ">=", 21),
        ("Age at first diagnosis between 18 and 45 years", "diagnosis", None, "between", 18),  # the trial's own
        ("Age at onset of disease < 16 years", "onset", None, "<", 16),  # "disease": the trial's own
    ],
)
def test_an_age_at_onset_or_diagnosis_is_not_the_age_today(text, event, concept, operator, value):
    (leaf,) = leaves(rule(text))
    assert (leaf.type, leaf.attribute, leaf.at_event, leaf.operator, leaf.value) == (
        "demographic",
        "age",
        event,
        operator,
        value,
    )
    assert (leaf.event.text if leaf.event else None) == concept
    if leaf.event:
        assert text[slice(*leaf.event.span)] == concept


@pytest.mark.parametrize(
    "text", ["Patients aged 18 to 65 years with a diagnosis of asthma", "Diagnosed with asthma, age 18-65 years"]
)
def test_an_age_beside_a_diagnosis_is_still_todays(text):
    ages = [leaf for leaf in leaves(rule(text)) if leaf.type == "demographic" and leaf.attribute == "age"]
    assert ages and all(leaf.at_event is None for leaf in ages)


@pytest.mark.parametrize(
    ("text", "concept", "operator", "value", "value2", "unit"),
    [
        ("Psoriasis duration of at least 6 months", "Psoriasis", ">=", 6, None, "mo"),
        ("Duration of type 2 diabetes between 1 and 10 years", "type 2 diabetes", "between", 1, 10, "a"),
        ("Rheumatoid arthritis of duration < 2 years", "Rheumatoid arthritis", "<", 2, None, "a"),
    ],
)
def test_the_duration_of_a_disease_is_how_long_it_has_lasted(text, concept, operator, value, value2, unit):
    (leaf,) = leaves(rule(text))
    assert (leaf.type, leaf.concept.text) == ("presence", concept)
    temporal = leaf.temporal
    assert (temporal.measure, temporal.operator, temporal.value, temporal.value2, temporal.unit) == (
        "duration",
        operator,
        value,
        value2,
        unit,
    )


def test_a_generic_duration_after_a_disease_is_that_diseases():
    text = "Type 2 diabetes with a disease duration of less than 10 years"
    timed = [leaf for leaf in leaves(rule(text)) if getattr(leaf, "temporal", None)]
    assert [(leaf.concept.text, leaf.temporal.operator, leaf.temporal.value) for leaf in timed] == [
        ("Type 2 diabetes", "<", 10)
    ]


@pytest.mark.parametrize(
    "text", ["QRS duration > 120 ms", "Disease duration ≥ 6 months", "Episode duration < 3 months"]
)
def test_a_measured_or_unnamed_duration_stays_a_comparison(text):
    (leaf,) = leaves(rule(text))
    assert leaf.type == "comparison"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Knee osteoarthritis for more than 1 year and less than 10 years", "Knee osteoarthritis"),
        ("Chronic migraine lasting at least 6 months but no more than 5 years", "migraine"),
    ],
)
def test_a_chained_bound_bounds_the_same_duration(text, concept):
    tree = rule(text)
    timed = [leaf for leaf in leaves(tree) if leaf.type == "presence" and leaf.temporal]
    assert [leaf.temporal.measure for leaf in timed] == ["duration", "duration"]
    assert {leaf.concept.text for leaf in timed} == {concept}
    assert not [leaf for leaf in leaves(tree) if leaf.type == "demographic"]  # "less than 10 years" is no age
    assert [b["kind"] for b in constraints(tree)] == ["temporal", "temporal"]


def test_limits_listed_in_an_exclusion_are_alternatives():
    text = "ANC < 1000/mm3, platelets < 75,000/mm3, AST or ALT > 5 x ULN"
    assert rule(text, "exclusion").type == "any"
    assert rule(text, "inclusion").type == "all"


@pytest.mark.parametrize(
    ("text", "variable", "value"),
    [("Serum creatinine ≤1.5xULN", "Serum creatinine", 1.5), ("Total bilirubin >1.5XULN", "Total bilirubin", 1.5)],
)
def test_a_multiple_of_the_uln_written_onto_its_x_is_a_limit(text, variable, value):
    # NCT02856893: "≤1.5xULN" was lost, and the creatinine was a presence any record of it met
    (leaf,) = leaves(rule(text, "inclusion"))
    assert (leaf.type, leaf.variable, leaf.value, leaf.multiplier_of) == ("comparison", variable, value, "ULN")
