"""A past-time word as the first alternative of a time (real ClinicalTrials.gov text): "History or current
nitrate use" asks about nitrates at any time. "History" was a review leaf OR-ed to "current nitrate", so a
patient on no nitrates got a review, and one who had stopped them was not met."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves

NITRATES = "History or current nitrate use"


@pytest.mark.parametrize(
    "text",
    [
        NITRATES,
        "History or presence of hepatic or gastrointestinal diseases",
        "History or current diagnosis of diverticulitis and severe hemorrhoids.",
    ],
)
def test_the_past_word_goes_and_every_concept_is_asked_at_any_time(tagger, text):
    rule = rule_of(tagger, text)
    assert not [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert all("history of" in leaf.qualifiers for leaf in presences(rule).values())


def test_stopped_nitrates_meet_it_and_a_record_without_them_is_no_review(tagger):
    stopped = [{"kind": "drug", "text": "nitroglycerin", "date": "2024-01-10", "end": "2024-03-01", "ended": True}]
    assert verdict_of(tagger, "Exclusion", NITRATES, stopped) == "met"
    assert verdict_of(tagger, "Exclusion", NITRATES, []) == "unknown"  # not a review: no record says nitrates
    assert verdict_of(tagger, "Exclusion", NITRATES, [], presume=True) == "not_met"
