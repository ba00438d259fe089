"""A plan is asked, not a record (issue 18): "Plans to start psychotherapy", "Have a scheduled cataract
surgery during the study". A record shows a thing done or absent, never that it is planned: read as a
presence, a patient already in psychotherapy, or whose cataract was operated on last year, was ruled out."""

import pytest

from tests.extract.reading import verdict_of


@pytest.mark.parametrize(
    ("section", "criterion", "record", "verdict"),
    [
        ("Exclusion", "Plans to start psychotherapy", "Psychotherapy", "unknown"),
        (
            "Exclusion",
            "Have a scheduled cataract surgery during the course of the study.",
            "Cataract surgery",
            "unknown",
        ),
        ("Inclusion", "Planned lymphadenectomy", "Lymphadenectomy", "unknown"),  # done is not planned
        ("Exclusion", "Cataract surgery", "Cataract surgery", "met"),  # no plan asked: the record decides
    ],
)
def test_a_record_does_not_answer_a_plan(tagger, section, criterion, record, verdict):
    facts = [{"text": record, "kind": "procedure", "date": "2025-11-20"}]
    assert verdict_of(tagger, section, criterion, facts) == verdict


def test_a_plan_is_presumed_absent_where_the_record_is_silent(tagger):
    assert verdict_of(tagger, "Exclusion", "Plans to start psychotherapy", [], presume=True) == "not_met"
