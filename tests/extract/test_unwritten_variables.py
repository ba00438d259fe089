"""A sex-specific limit that writes no variable, only a unit: "Male ≥50 kg, female ≥45 kg" bounds body
weight for each sex. The sex word before the limit is its population, never its variable; the
variable is the label before it ("Body weight:"), the other sex's limit before it, or the one its
unit names (``lexicons/unit_variables.json``). Criteria are real ones (ClinicalTrials.gov)."""

import pytest

from tests.extract.reading import rule_of
from trialsieve.extract.unit_variables import implied_variable
from trialsieve.rules import leaves


def _limits(rule) -> list[tuple[str, str | None, float]]:
    return [(c.variable, c.population, c.value) for c in leaves(rule) if c.type == "comparison"]


def _sexes(rule) -> list[str]:
    return [d.value_text for d in leaves(rule) if d.type == "demographic" and d.attribute == "sex"]


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        (
            "Male≥50kg，femal≥45kg, Body mass index should be between 18 and 30 kg/m2 (inclusive)；",
            "body weight",
        ),  # NCT05185011
        ("Male ≥50 kg, female ≥45 kg", "body weight"),  # issue 18
        ("Healthy subjects, male ≥ 50 kg, female ≥ 45 kg, BMI 19-26 kg/m2", "body weight"),  # issue 18
        ("Weight: male ≥ 50 kg, female ≥ 45 kg, 18 kg/m2 ≤ BMI ≤ 30 kg/m2 ;", "Weight"),  # NCT05208814
        ("Body weight: Male ≥50 kg, female ≥45 kg", "Body weight"),  # issue 18
    ],
)
def test_a_limit_with_only_a_unit_bounds_what_the_unit_measures(tagger, text, variable):
    rule = rule_of(tagger, text, "inclusion")
    weights = [limit for limit in _limits(rule) if limit[2] in (50.0, 45.0)]
    assert weights == [(variable, "male", 50.0), (variable, "female", 45.0)]
    # each sex's limit is one branch of a switch on sex: no sex leaf asks every patient to be a woman
    assert rule.type == "any" or sorted(_sexes(rule)) == ["female", "male"]


def test_the_label_before_a_sex_still_names_the_variable(tagger):
    rule = rule_of(tagger, "QTc interval male ≥ 450 ms, female ≥470 ms")  # NCT03416231
    assert _limits(rule) == [("QTc interval", "male", 450.0), ("QTc interval", "female", 470.0)]


def test_a_unit_that_names_several_quantities_names_none():
    assert implied_variable("kg") == "body weight"
    assert implied_variable("kg/m2") == "BMI"
    assert implied_variable("ms") is None  # QT, QTc, PR
    assert implied_variable("cm") is None  # height, waist, a lesion
    assert implied_variable(None) is None
