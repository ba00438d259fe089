"""Verdicts on a sex-specific limit that writes only a unit: "Male≥50kg，femal≥45kg" (NCT05185011)
bounds each sex's body weight. Read with the sex word as the variable, it asked for a value of
"Male" no record holds: unknown for every patient, however light or heavy."""

import datetime as dt

import pytest

from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.match.verdicts import Judge

AS_OF = dt.date(2026, 11, 29)
CRITERION = "Male≥50kg，femal≥45kg, Body mass index should be between 18 and 30 kg/m2 (inclusive)；"


def _measured(text, number, unit):
    return {"kind": "measurement", "text": text, "value": number, "unit": unit, "date": "2026-11-10"}


@pytest.mark.parametrize(
    ("sex", "kg", "expected"),
    [
        ("female", 47, "met"),  # above her limit, 45 kg; the men's 50 kg does not apply to her
        ("female", 40, "not_met"),
        ("male", 70, "met"),
        ("male", 47, "not_met"),  # between the two limits: his is 50 kg
    ],
)
def test_each_sex_is_judged_by_the_weight_limit_written_for_it(sex, kg, expected):
    facts = [_measured("body weight", kg, "kg"), _measured("BMI", 22, "kg/m2")]
    rule = structure_text(CRITERION, "inclusion").rule
    judge = Judge(Patient(age=40, sex=sex, facts=facts), AS_OF, ConceptMatcher())
    assert judge.rule(rule, CRITERION, "inclusion")[0] == expected
