"""A fact whose own name says it is past is over: "Former smoker", the smoking status Synthea and most
EHRs record (p05, p06, p09, p19 of the shared Synthea bundles), is a history of smoking, not a smoker.
Read as a smoker, it ruled those patients out of every trial that excludes "Smoker" or "Active
smoking" (NCT01339377, NCT03905018, NCT04245982 among the ctgov records)."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("status", "criterion", "expected"),
    [
        ("Former smoker", "Smoker", "not_met"),
        ("Former smoker", "Active smoking", "not_met"),
        ("Former smoker", "History of smoking", "met"),
        ("Ex-smoker", "Current smokers", "not_met"),
        ("Current every day smoker", "Smoker", "met"),
    ],
)
def test_a_former_smoker_is_no_smoker_now(tagger, status, criterion, expected):
    fact = Fact(text=status, kind="observation", date=dt.date(2024, 5, 1))
    assert verdict_of(tagger, "Exclusion", criterion, [fact], age=60, as_of=AS_OF) == expected
