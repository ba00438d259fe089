"""A leading "If X, Y" asks Y of the patients who are X (issue 18): "If diabetic, HbA1c 7.5 or higher
within 3 months prior to trial" (NCT05868668) was any(diabetic, HbA1c >= 7.5) and excluded every
Synthea patient with diabetes. Criteria are real ClinicalTrials.gov ones."""

import pytest

from tests.extract.reading import rule_of, verdict_of
from trialsieve.extract.if_clauses import if_clauses
from trialsieve.rules import Any, leaves

EXCLUSION = "If diabetic, HbA1c 7.5 or higher within 3 months prior to trial"  # NCT05868668
INCLUSION = "If diabetic, documentation of HgA1c less than or equal to 8.0% prior to enrollment;"
#: the same with its unit, which the verdicts need (a bare 7.5 fits no unit an HbA1c is read in)
WITH_UNIT = "If diabetic, HbA1c 7.5% or higher within 3 months prior to trial"
MEDICATION = (
    "If receiving medication for hypertension, documentation of blood pressure has been stable on the same"
    " medication for at least 2 months prior to enrollment;"
)


def test_an_exclusion_asks_both(tagger):
    rule = rule_of(tagger, EXCLUSION, "exclusion")
    assert rule.type == "all" and [leaf.type for leaf in leaves(rule)] == ["presence", "comparison"]


@pytest.mark.parametrize("text", [INCLUSION, MEDICATION])
def test_an_inclusion_asks_the_rest_of_those_the_clause_names_only(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any"
    assert rule.args[0].type == "presence" and rule.args[0].negated


def test_an_exclusion_that_states_a_requirement_is_left_as_read(tagger):
    """ "If X, must have Y" in an exclusion excludes an X without Y: not all(X, Y), so not rewritten."""
    read = rule_of(tagger, EXCLUSION, "exclusion")
    alternatives = Any(args=read.args)
    assert if_clauses(EXCLUSION, alternatives, "exclusion").type == "all"
    assert if_clauses(EXCLUSION + "; it must be documented", alternatives, "exclusion") == alternatives
    unopened = "Diabetic, HbA1c 7.5 or higher within 3 months prior to trial"  # no "If": not this class
    assert if_clauses(unopened, alternatives, "exclusion") == alternatives


@pytest.mark.parametrize(
    ("section", "criterion", "facts", "verdict"),
    [
        ("Exclusion", WITH_UNIT, [{"text": "Diabetic", "kind": "condition", "present": True}], "unknown"),
        (
            "Exclusion",
            WITH_UNIT,
            [
                {"text": "Diabetic", "kind": "condition", "present": True},
                {"text": "Hemoglobin A1c", "kind": "measurement", "value": 6.1, "unit": "%", "date": "2026-11-10"},
            ],
            "not_met",
        ),
        (
            "Exclusion",
            WITH_UNIT,
            [
                {"text": "Diabetic", "kind": "condition", "present": True},
                {"text": "Hemoglobin A1c", "kind": "measurement", "value": 8.4, "unit": "%", "date": "2026-11-10"},
            ],
            "met",
        ),
        ("Inclusion", INCLUSION, [{"text": "Diabetic", "kind": "condition", "present": True}], "unknown"),
    ],
)
def test_verdicts(tagger, section, criterion, facts, verdict):
    assert verdict_of(tagger, section, criterion, facts) == verdict


@pytest.mark.parametrize(
    ("section", "text"),
    [
        # a comma inside the examples of the condition: the condition clause runs on past it (NCT01105130)
        (
            "inclusion",
            "If previously taken LHRH agonist androgen suppression (e.g, Lupron, Zoladex), anti-androgen (e.g.,"
            " Casodex, Eulexin, Nilandron), or estrogenic (e.g., diethylstilbestrol) agents, serum testosterone must"
            " have returned to the laboratory normal range",
        ),
        # a denied condition, whose comma is a list's (NCT05645718)
        (
            "exclusion",
            "If patient has not recovered from previous chemotherapy, surgery, radiation before the start of"
            " study drugs.",
        ),
    ],
)
def test_a_comma_that_closes_no_condition_changes_nothing(tagger, text, section):
    rule = rule_of(tagger, text, section)
    assert not any(leaf.type == "presence" and leaf.negated for leaf in leaves(rule)), rule
    if section == "exclusion":
        assert rule.type == "any" and len(rule.args) == 3
