"""An exception to a limit waives it (issue 18): "Total bilirubin <= 1.5 x ULN (unless attributable
to Gilbert's disease)" admits a patient with Gilbert's disease whatever the bilirubin, where the
exception was read as a narrowing that asks nothing and the patient failed the inclusion."""

import pytest

from tests.extract.reading import bilirubin_verdict, rule_of


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
    assert bilirubin_verdict(tagger, "Inclusion", text, 3.0, gilbert=True) == "met"
    assert bilirubin_verdict(tagger, "Inclusion", text, 1.0, gilbert=False) == "met"
    assert bilirubin_verdict(tagger, "Inclusion", text, 3.0, gilbert=False) != "met"


def test_an_exclusion_limit_does_not_rule_out_the_excepted(tagger):
    text = "Total bilirubin > 2 mg/dL unless due to Gilbert's syndrome"
    assert bilirubin_verdict(tagger, "Exclusion", text, 3.0, gilbert=True) == "not_met"
    assert bilirubin_verdict(tagger, "Exclusion", text, 1.0, gilbert=False) == "not_met"


def test_an_exception_to_a_concept_still_narrows_it(tagger):
    rule = rule_of(tagger, "malignancy other than basal cell carcinoma")
    assert rule.type == "all" and rule.args[0].excepted
