"""A sex list before an age limits that sex's age (issue 18): read as an alternative to the age,
"Male or female ≥ 18 years of age" let in a 10-year-old boy."""

import datetime as dt

import pytest

from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient

AS_OF = dt.date(2026, 11, 29)


def _verdict(tagger, text: str, age: int, sex: str) -> str:
    trial = structure_trial(read_text(f"Inclusion Criteria:\n- {text}", "test", "T1"), tagger)
    (criterion,) = check(trial, Patient(id="p", age=age, sex=sex), AS_OF, ConceptMatcher()).criteria
    return criterion.verdict


@pytest.mark.parametrize(
    ("text", "age", "sex", "verdict"),
    [
        ("Male or female ≥ 18 years of age", 10, "male", "not_met"),  # NCT04318938
        ("Male or female ≥ 18 years of age", 30, "female", "met"),
        ("Patient, male or female, over 18 years old", 10, "male", "not_met"),  # NCT06448416
        ("Patient, male or female, over 18 years old", 30, "female", "met"),
        ("Men, at least 18 years of age", 10, "male", "not_met"),  # NCT00215631
        ("Men, at least 18 years of age", 30, "female", "not_met"),
        ("Men, at least 18 years of age", 30, "male", "met"),
    ],
)
def test_the_age_after_a_sex_list_holds_for_that_list(tagger, text, age, sex, verdict):
    assert _verdict(tagger, text, age, sex) == verdict
