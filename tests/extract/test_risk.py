"""A risk of something is not the thing (issue 18): "Patients at high risk for cardiovascular disease"
may have none, so the risk is a review leaf, what is named before the risk cue stays its own leaf,
and every item after "risk of" belongs to the risk. Each criterion is real registry text; each test
failed before its fix."""

import pytest

from tests.extract.reading import rule_of, verdict_of
from trialsieve.rules import leaves


def _risks(rule) -> list:
    return [leaf for leaf in leaves(rule) if leaf.type == "unstructured" and leaf.reason == "risk"]


def presences(rule) -> dict:
    """The presence leaves that ask something: not what a risk is of (role ``risk``)."""
    return {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None}


def test_what_a_risk_is_of_stays_beside_it_asking_nothing(tagger):
    rule = rule_of(tagger, "Patients at risk of hypokalemia or hyponatremia")
    kept = {leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence" and leaf.role == "risk"}
    assert kept == {"hypokalemia", "hyponatremia"} and not presences(rule), rule


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Patients at high risk for cardiovascular disease", "inclusion"),
        ("Patients at risk of hypokalemia or hyponatremia", "exclusion"),
        ("High risk for stroke or thrombosis", "exclusion"),
        ("Is at moderate to high risk for suicide, defined by any of the following:", "exclusion"),
    ],
)
def test_a_risk_is_a_review_not_the_condition(tagger, text, section):
    rule = rule_of(tagger, text, section)
    assert _risks(rule) and not presences(rule), rule


@pytest.mark.parametrize(
    ("text", "kept", "join"),
    [
        ("History of stroke or high risk of stroke", "stroke", "any"),
        ("Have osteoporosis or is at increased risk of osteoporosis", "osteoporosis", "any"),
        ("Caesarean section with a high risk of bleeding", "Caesarean section", "all"),
    ],
)
def test_what_is_named_before_the_risk_stays_a_leaf(tagger, text, kept, join):
    rule = rule_of(tagger, text)
    assert rule.type == join and list(presences(rule)) == [kept] and len(_risks(rule)) == 1, rule


def test_a_hepatitis_before_a_risk_of_toxicity_stays(tagger):
    text = (
        "Patients with hepatic disease e.g. patients with known serologically positive Hepatitis B or "
        "Hepatitis C as they may be more at risk of toxicity from Olaparib"
    )
    rule = rule_of(tagger, text)
    found = presences(rule)
    assert any("Hepatitis C" in c for c in found) and not any("toxicity" in c for c in found), rule
    assert _risks(rule)[0].text.startswith("at risk of toxicity"), rule


def test_a_bracketed_abbreviation_in_a_risk_is_no_example(tagger):
    text = (
        "Patients screened at risk of malnutrition by Canadian Nutrition Screening Tool (CNST) and "
        "identified as malnourished by SGA B or C"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all" and len(_risks(rule)) == 1 and not presences(rule), rule


def test_an_example_of_a_risk_is_an_alternative_to_it(tagger):
    text = (
        "Has a history of hematological disorder such as bleeding disorder or a risk of GI bleeding "
        "such as peptic ulceration"
    )
    found = presences(rule_of(tagger, text))
    assert "peptic ulceration" in found and "GI bleeding" not in found and "bleeding" not in found, found


def test_a_patient_without_the_disease_is_not_turned_away_for_a_risk_of_it(tagger):
    # a diabetic whose record rules cardiovascular disease out: at risk, and without the disease
    facts = [
        {"kind": "condition", "text": "Cardiovascular disease", "present": False},
        {"kind": "condition", "text": "Diabetes mellitus type 2"},
    ]
    criterion = "Patients at high risk for cardiovascular disease"
    assert verdict_of(tagger, "Inclusion", criterion, facts) != "not_met"
