"""A window written with a bare preposition and the event it is counted back from (real
ClinicalTrials.gov text, issue 18): "Previous cancer in the 2 years prior to registration", "History of
severe hypoglycemia during 6 months prior to signed written consent", "Treatment with glucocorticoids,
immunodepressant or cytostatics in 60 days before study". The window was lost, so the exclusion reached
the whole past: a patient whose cancer was treated ten years ago was ruled out."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.grammar import find_limits

CANCER = "Previous cancer in the 2 years prior to registration"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        (CANCER, 2, "a"),
        ("History of severe hypoglycemia during 6 months prior to signed written consent", 6, "mo"),
        ("Treatment with glucocorticoids, immunodepressant or cytostatics in 60 days before study.", 60, "d"),
        ("History of oncological disease during 5 years prior to screening", 5, "a"),
        ("SSRI treatment in the 6 months prior to screening", 6, "mo"),
    ],
)
def test_the_length_counted_back_from_an_event_is_a_window(tagger, text, value, unit):
    found = presences(rule_of(tagger, text))
    assert found
    for leaf in found.values():
        t = leaf.temporal
        assert t is not None and (t.measure, t.operator, t.value, t.unit) == ("window", "<=", value, unit)


def test_old_cancer_no_longer_excludes(tagger):
    old = [{"kind": "condition", "text": "breast cancer", "date": "2015-01-10"}]
    recent = [{"kind": "condition", "text": "breast cancer", "date": "2026-01-10"}]
    assert verdict_of(tagger, "Exclusion", CANCER, old) == "not_met"
    assert verdict_of(tagger, "Exclusion", CANCER, recent) == "met"


def test_without_the_event_the_preposition_bounds_nothing():
    assert find_limits("response in 2 cycles") == []
    assert find_limits("pain during 3 months of follow-up") == []
    # "for over 3 months prior to enrollment" keeps its own comparator: at least 3 months
    kept = find_limits("stable relationship for over 3 months prior to enrollment")
    assert [limit.operator for limit in kept] == [">"]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        # ClinicalTrials.gov NCT04925570: the attempt ten years ago had ruled the patient out
        ("Suicide attempt within the past year (12 months)", "a"),
        ("Myocardial infarction in the last year", "a"),
        ("Stroke within the past month", "mo"),
        ("Hospitalization during the previous week", "wk"),
        ("Major surgery within a year", "a"),
    ],
)
def test_one_unit_of_time_written_without_a_number_is_a_window(tagger, text, unit):
    (leaf,) = presences(rule_of(tagger, text)).values()
    t = leaf.temporal
    assert t is not None and (t.measure, t.operator, t.value, t.unit) == ("window", "<=", 1, unit), leaf


def test_an_event_long_before_a_one_year_window_does_not_exclude(tagger):
    criterion = "Suicide attempt within the past year (12 months)"
    old = [{"kind": "condition", "text": "Suicide attempt", "date": "2019-01-10"}]
    recent = [{"kind": "condition", "text": "Suicide attempt", "date": "2026-06-10"}]
    assert verdict_of(tagger, "Exclusion", criterion, old) == "not_met"
    assert verdict_of(tagger, "Exclusion", criterion, recent) == "met"


@pytest.mark.parametrize("text", ["Taking aspirin once a day", "Use of steroids 3 times a week"])
def test_a_frequency_is_no_window(text):
    assert not [limit for limit in find_limits(text) if limit.unit in ("d", "wk")]
