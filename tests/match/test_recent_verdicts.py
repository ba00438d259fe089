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


def test_a_current_condition_not_over_is_inside_a_past_window(tagger):
    """NCT03751280 E6: "current ... use disorder in the past 2 months" had dated the disorder by its
    onset, so one diagnosed three years ago and still recorded as active was outside the window and
    the patient the exclusion names got through; a condition the record says is over stays outside."""
    as_of = dt.date(2026, 11, 30)
    text = "Meet DSM-5 diagnosis for a current moderate or severe alcohol or cannabis use disorder in the past 2 months"
    onset = as_of - dt.timedelta(days=1100)
    ongoing = [Fact(kind="condition", text="Severe alcohol use disorder", date=onset)]
    over = [Fact(kind="condition", text="Severe alcohol use disorder", date=onset, ended=True, end=onset)]
    assert verdict_of(tagger, "Exclusion", text, ongoing, as_of=as_of) == "met"
    assert verdict_of(tagger, "Exclusion", text, over, as_of=as_of, presume=True) == "not_met"
