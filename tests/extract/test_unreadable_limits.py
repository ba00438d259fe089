"""Criteria the grammar cannot read cleanly, and criteria of any size or depth: a clause with a broken
limit is kept for review with the reason (never a concept named after the text, never a guessed
limit), and structuring stays linear in a criterion's length."""

import datetime as dt

import pytest

from trialsieve.extract.grammar import unreadable
from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.match.verdicts import Judge
from trialsieve.rules import leaves, status_of

BROKEN = {
    "Hemoglobin < < 11 g/dL": "two comparators in a row",
    "Age >= <= 18 years": "two comparators in a row",
    "Hemoglobin between and 9 g/dL": "a range with an end missing",
    "Platelets > inf": "a bound that is not a number",
    "Neutrophils ≥ -Infinity": "a bound that is not a number",
    "Creatinine clearance <": "a comparator with no number after it",
    "creatinine < 2 mg/dL/kg/m2/h": "a unit understood only in part",
    "BMI between 19 and 31 kilogram/meter squared": "a unit understood only in part",
    "Hemoglobin < 11111111111111111111111111111111111111111 g/dL": "a number too long to be a measurement",
}


@pytest.mark.parametrize("text", list(BROKEN))
@pytest.mark.parametrize("with_model", [False, True])
def test_a_broken_limit_is_kept_for_review_with_its_reason(text, with_model, tagger):
    rule = structure_text(text, "exclusion", tagger.tag([text])[0] if with_model else None).rule
    assert rule.type == "unstructured", rule
    assert rule.reason == f"a limit no reading is safe for: {BROKEN[text]}"
    assert status_of(rule) == "needs_review"


def test_only_the_broken_clause_is_taken_out_of_reading(tagger):
    text = "Age >= 18 years, hemoglobin < < 9 g/dL, or history of stroke"
    rule = structure_text(text, "exclusion", tagger.tag([text])[0]).rule
    kinds = [(leaf.type, getattr(leaf, "reason", None)) for leaf in leaves(rule)]
    assert ("unstructured", "a limit no reading is safe for: two comparators in a row") in kinds
    assert {"demographic", "presence"} <= {kind for kind, _ in kinds}
    assert status_of(rule) == "partial"


@pytest.mark.parametrize(
    "text",
    [
        "QTc < or = 450 ms",
        "WBC less than or equal to (<=) 30 x 10^9/L",
        "eGFR greater than 25 mL/min/1.73 m2 and less than 90 mL/min/1.73 m2",
        "Age ≥ 18 and ≤ 65 years",
        "HbA1c between 7 and 10%",
        "Prednisone > 10 mg/day",
        "Platelets > 100,000/mm3",
    ],
)
def test_limits_written_as_people_write_them_are_not_broken(text):
    assert unreadable(text) == []
    assert structure_text(text, "inclusion").rule.type != "unstructured"


def test_a_broken_limit_never_lets_a_patient_in_on_presumption():
    """With --presume, a silent or contrary record must not pass a limit nobody could read."""
    rule = structure_text("Hemoglobin < < 11 g/dL", "exclusion").rule
    patient = Patient(facts=[{"kind": "measurement", "text": "hemoglobin", "value": 10.4, "unit": "g/dL"}])
    judge = Judge(patient, dt.date(2026, 11, 30), ConceptMatcher(), presume=True)
    found, evidence = judge.rule(rule, "Hemoglobin < < 11 g/dL", "exclusion")
    assert found == "needs_review" and "no reading is safe" in evidence[0].reason


def test_a_criterion_nested_a_thousand_brackets_deep_is_read_without_recursion():
    text = "(" * 1000 + "diabetes or asthma" + ")" * 1000
    assert structure_text(text, "exclusion").rule is not None


def test_a_long_criterion_is_tagged_to_its_end(tagger):
    """The model reads 256 tokens at once; a longer text is tagged in windows, not cut off."""
    sentence = "History of myocardial infarction or stroke, or prior treatment with nivolumab. "
    text = sentence * 60  # about 900 words
    found = tagger.tag([text])[0]
    last = [e.text for e in found if e.start >= len(text) - len(sentence)]
    assert "nivolumab" in last and "myocardial infarction" in last
    assert sum(e.text == "nivolumab" for e in found) == 60
