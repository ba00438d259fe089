"""An exception to a limit waives it (issue 18): "Total bilirubin <= 1.5 x ULN (unless attributable
to Gilbert's disease)" admits a patient with Gilbert's disease whatever the bilirubin, where the
exception was read as a narrowing that asks nothing and the patient failed the inclusion."""

import datetime as dt

import pytest

from tests.extract.reading import rule_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient

_AS_OF = dt.date(2026, 11, 30)


def _verdict(tagger, section: str, criterion: str, bilirubin: float, gilbert: bool) -> str:
    trial = read_text(f"{section} Criteria:\n* {criterion}\n", "one.txt", "one")
    facts = [Fact(text="Gilbert's syndrome", kind="condition", present=True)] if gilbert else []
    value = Fact(text="Total bilirubin", kind="observation", value=bilirubin, unit="mg/dL", date=_AS_OF)
    patient = Patient(facts=[*facts, value], age=50, sex="female")
    return check(structure_trial(trial, tagger), patient, _AS_OF, ConceptMatcher()).criteria[0].verdict


@pytest.mark.parametrize(
    "text",
    [
        "Total bilirubin <= 1.5 mg/dL (unless attributable to Gilbert's syndrome)",
        "Total bilirubin <= 1.5 mg/dL except for patients with Gilbert's syndrome",
    ],
)
def test_an_inclusion_limit_is_met_by_its_exception(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any"
    assert _verdict(tagger, "Inclusion", text, 3.0, gilbert=True) == "met"
    assert _verdict(tagger, "Inclusion", text, 1.0, gilbert=False) == "met"
    assert _verdict(tagger, "Inclusion", text, 3.0, gilbert=False) != "met"


def test_an_exclusion_limit_does_not_rule_out_the_excepted(tagger):
    text = "Total bilirubin > 2 mg/dL unless due to Gilbert's syndrome"
    assert _verdict(tagger, "Exclusion", text, 3.0, gilbert=True) == "not_met"
    assert _verdict(tagger, "Exclusion", text, 1.0, gilbert=False) == "not_met"


def test_an_exception_to_a_concept_still_narrows_it(tagger):
    rule = rule_of(tagger, "malignancy other than basal cell carcinoma")
    assert rule.type == "all" and rule.args[0].excepted
