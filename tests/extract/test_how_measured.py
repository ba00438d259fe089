"""How a value was obtained names nothing (real ClinicalTrials.gov text, issue 18): in "LVEF >= 50% as
measured prior to enrollment" the study event is when, and "as measured" was left a review leaf AND-ed
to the limit, so an inclusion met by an LVEF of 60% was a review for every patient."""

import pytest

from tests.extract.reading import rule_of, verdict_of


@pytest.mark.parametrize(
    "text",
    [
        "LVEF >= 50% as measured prior to enrollment",
        "eGFR > 30 mL/min as determined at screening",
        "LVEF >= 50% measured prior to enrollment",
    ],
)
def test_a_reporting_verb_beside_a_limit_asks_nothing(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "comparison", rule


def test_a_review_with_content_stays(tagger):
    rule = rule_of(tagger, "LVEF >= 50% as measured in the opinion of the investigator", "inclusion")
    assert rule.type == "all" and rule.args[1].reason == "investigator judgment"


def test_an_lvef_of_60_meets_it_without_review(tagger):
    fact = {"kind": "measurement", "text": "LVEF", "value": 60, "unit": "%", "date": "2026-11-20"}
    assert verdict_of(tagger, "Inclusion", "LVEF >= 50% as measured prior to enrollment", [fact]) == "met"
