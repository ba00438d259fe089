"""Verdicts on lists attached to a finding (issue 18): a test that finds a deficit excludes no one alone,
a cause alone is not the pain it causes, and every example of a list excludes without the count beside
it. Criteria are real ones, structured as `check` structures them."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 30)


def _one(tagger, section: str, text: str, facts: list[tuple[str, str, bool]]) -> str:
    """The verdict of one criterion ``text`` in ``section`` for a patient with ``facts`` (text, kind, present)."""
    heading = "Inclusion" if section == "inclusion" else "Exclusion"
    recorded = [Fact(text=name, kind=kind, present=present, date=AS_OF) for name, kind, present in facts]
    return verdict_of(tagger, heading, text, recorded, age=50, sex="male", as_of=AS_OF)


DEFICIT = "Neurological deficit confirmed by CT, MRI, or X-ray"
PAIN = "Chronic low back pain caused by spinal stenosis, spondylolisthesis, fracture and/or sciatica"
PSYCHIATRIC = (
    "History of significant psychiatric disease, such as schizophrenia, bipolar disorder, greater than one"
    " lifetime episode of major depression, or current depression"
)


@pytest.mark.parametrize(
    ("section", "text", "facts", "verdict"),
    [
        # an MRI of a patient with no deficit: the test says how a deficit is found, it excludes no one
        ("exclusion", DEFICIT, [("MRI", "procedure", True), ("neurological deficit", "condition", False)], "not_met"),
        ("exclusion", DEFICIT, [("MRI", "procedure", True), ("neurological deficit", "condition", True)], "met"),
        # a fracture with no back pain is not the pain the trial is about
        (
            "inclusion",
            PAIN,
            [("fracture", "condition", True), ("chronic low back pain", "condition", False)],
            "not_met",
        ),
        ("inclusion", PAIN, [("sciatica", "condition", True), ("chronic low back pain", "condition", True)], "met"),
        # schizophrenia is one of the examples: it excludes without a major depression beside it
        ("exclusion", PSYCHIATRIC, [("schizophrenia", "condition", True)], "met"),
    ],
)
def test_verdicts_on_attached_lists(tagger, section, text, facts, verdict):
    assert _one(tagger, section, text, facts) == verdict
