"""A known name is one concept (issue 18): the tagger kept "Diabètes" of "Insipid Diabètes"
(NCT03934281), and every Synthea patient with diabetes mellitus was excluded by a diabetes insipidus
criterion. A span inside a name of the matcher's synonym groups, written with accents or not, in
either word order, takes the whole name when its own words name another concept."""

import pytest

from tests.extract.reading import rule_of, verdict_of
from trialsieve.extract import known_names
from trialsieve.extract.lexicon import folded
from trialsieve.rules import leaves


def test_accents_fold_one_character_for_one():
    assert folded("Insipid Diabètes, Sjögren, naïve") == "Insipid Diabetes, Sjogren, naive"
    assert len(folded("é≥µ½")) == 4 and folded("≥ ½") == "≥ ½"  # no accent, no change


@pytest.mark.parametrize(
    ("text", "part", "whole"),
    [
        ("Insipid Diabètes", "Diabètes", "Insipid Diabètes"),  # NCT03934281
        ("Insipid diabetes", "diabetes", "Insipid diabetes"),
        ("History of diabetes insipidus", "diabetes", "diabetes insipidus"),
        ("Congestive heart failure", "heart failure", "heart failure"),  # one group: the part is its name
        ("Diabetes", "Diabetes", "Diabetes"),
    ],
)
def test_a_span_inside_a_known_name_takes_all_of_it(text, part, whole):
    start = text.index(part)
    got = known_names.widened(text, start, start + len(part))
    assert text[got[0] : got[1]] == whole


@pytest.mark.parametrize("text", ["Insipid Diabètes", "Insipid diabetes", "diabète insipide or diabetes insipidus"])
def test_diabetes_insipidus_is_read_whole(tagger, text):
    names = [
        leaf.concept.text.lower() for leaf in leaves(rule_of(tagger, text, "exclusion")) if leaf.type == "presence"
    ]
    assert names and all("insipid" in name for name in names), names


@pytest.mark.parametrize(
    ("record", "verdict"),
    [("Diabetes", "unknown"), ("Diabetes mellitus type 2", "unknown"), ("Diabetes insipidus", "met")],
)
def test_diabetes_mellitus_does_not_meet_insipid_diabetes(tagger, record, verdict):
    facts = [{"text": record, "kind": "condition", "present": True}]
    assert verdict_of(tagger, "Exclusion", "Insipid Diabètes", facts) == verdict
