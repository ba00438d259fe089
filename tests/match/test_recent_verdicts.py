"""A "recent" event with no window written (issue 18): "recent myocardial infarction", "recently
diagnosed coronary artery disease" were any infarction, any CAD, so a 1997 infarction met the
exclusion. A record within three months is recent, one over a year old is not, and what lies between
is left to a person."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

_AS_OF = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("days", "verdict"),
    [(30, "met"), (200, "unknown"), (3000, "not_met")],
)
def test_a_recent_event_is_judged_by_its_date(tagger, days, verdict):
    when = _AS_OF - dt.timedelta(days=days)
    mi = Fact(text="myocardial infarction", kind="condition", date=when, ended=True, end=when)
    assert verdict_of(tagger, "Exclusion", "recent myocardial infarction", [mi], as_of=_AS_OF) == verdict


def test_recently_diagnosed_is_recent(tagger):
    assert (
        "recent"
        in presences(rule_of(tagger, "recently diagnosed coronary artery disease"))[
            "coronary artery disease"
        ].qualifiers
    )


def test_a_written_window_is_read_as_written(tagger):
    found = presences(rule_of(tagger, "Recent (< 6 months) stroke or MI"))
    assert set(found) == {"stroke", "MI"} and all(leaf.temporal.value == 6 for leaf in found.values())
