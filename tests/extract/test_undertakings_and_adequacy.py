"""What is promised and what is only said to suffice asks nothing a record holds (issue 18, real
ClinicalTrials.gov text). "Both partners must agree to use one of the acceptable methods of contraception
listed below:" (NCT02495467 I7) had become any(<methods>): the patient had to use one now, and the
female partner's pill was asked of him. "Adequate hematologic and end-organ function" (NCT05907980 I3)
had become the presence of two "functions" no record names. The first is a review of the agreement, the
items read for the reader; the second a review, unless the criterion or its items give the limits."""

import pytest

from tests.extract.reading import rule_of
from trialsieve.extract.adequate_functions import ADEQUACY
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.rules import leaves

AGREEMENT = """Inclusion Criteria:

* Both partners must agree to use one of the acceptable methods of contraception listed below:
  * Occlusive cap (diaphragm or cervical/vault caps).
  * The female partner uses oral contraceptives, injectable progesterone or subdermal implants.
"""
FOOTNOTE = """Exclusion Criteria:

* Female patients with child-bearing potential who do not agree to use a medically acceptable contraceptive method* for up to 24 weeks after the use of the investigational medical device
  * Medically acceptable contraceptive method: Condom, oral contraceptive pills, contraceptive injection or implants.
"""  # noqa: E501  (NCT02598232 E13)
ORGANS = """Inclusion Criteria:

* Adequate organ function
  * Serum total bilirubin <= 1.5 x ULN
  * Creatinine clearance > 50 mL/min
"""  # NCT03319901 I8


def _rules(tagger, text: str) -> dict:
    trial = structure_trial(read_text(text, "one.txt", "one"), tagger)
    return {c.id: c.rule for c in trial.criteria}


def test_an_agreement_to_use_the_methods_listed_is_a_review(tagger):
    rule = _rules(tagger, AGREEMENT)["I1"]
    assert rule.type == "unstructured" and rule.reason == "willingness", rule


def test_a_refusal_of_a_method_defined_below_is_a_review(tagger):
    rule = _rules(tagger, FOOTNOTE)["E1"]
    assert [leaf.type for leaf in leaves(rule)] == ["unstructured"], rule


def test_the_items_under_an_adequate_function_are_its_limits(tagger):
    rule = _rules(tagger, ORGANS)["I1"]
    assert {leaf.type for leaf in leaves(rule)} == {"comparison"}, rule


@pytest.mark.parametrize(
    "text",
    [
        "Adequate hematologic and end-organ function",  # NCT05907980 I3
        "Adequate renal function",  # NCT00576225 I7
        "Adequate renal and liver function.",  # NCT04501120 I1.5
        "Normal major organ function, such as heart, liver, and kidney;",  # NCT06751849 I9
    ],
)
def test_an_adequate_function_without_limits_is_a_review(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "unstructured" and rule.reason == ADEQUACY, rule


@pytest.mark.parametrize(
    "text",
    [
        "Adequate bone marrow function (ANC >= 1500/uL)",
        "Inadequate bone marrow function",  # no word of sufficiency: as before
    ],
)
def test_an_adequacy_with_its_limit_or_a_lack_is_read_as_before(tagger, text):
    assert not any(getattr(leaf, "reason", None) == ADEQUACY for leaf in leaves(rule_of(tagger, text, "inclusion")))
