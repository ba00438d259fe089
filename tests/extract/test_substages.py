"""A stage with a substage number is a stage: "Stage IA2-II non-small cell cancer" (NCT06924710 I1) had lost
its stages, so a stage IV cancer met an inclusion for early disease; the check read no "IA2" either
(issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

_TEXT = "Stage IA2-II non-small cell lung cancer patients"  # NCT06924710 I1, "lung" written out


@pytest.mark.parametrize(
    ("recorded", "verdict"),
    [
        ("Non-small cell lung cancer stage IV", "not_met"),
        ("Non-small cell lung cancer stage IA2", "met"),
        ("Non-small cell lung cancer stage IIA", "met"),
    ],
)
def test_a_substage_range_bounds_the_stage(tagger, recorded, verdict):
    facts = [Fact(kind="condition", text=recorded, date=dt.date(2026, 1, 5))]
    assert verdict_of(tagger, "Inclusion", _TEXT, facts) == verdict
