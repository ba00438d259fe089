"""A state under a negation reaches the verdict as its opposite: "Asthma which is not stable" does not
exclude a patient whose asthma is recorded stable, and "Insufficiently controlled asthma" does not
exclude one whose asthma is recorded controlled. Either read as the state word alone (issue 18), the
exclusion turned away the very patients it lets in. A record of control can be old, so a controlled
record leaves the criterion to review rather than ruling it out."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)


def _verdict(tagger, text: str, fact: str, present: bool = True, kind: str = "condition") -> str:
    facts = [Fact(text=fact, kind=kind, present=present)]
    return verdict_of(tagger, "Exclusion", text, facts, age=50, sex="female", as_of=AS_OF)


@pytest.mark.parametrize(
    ("text", "fact", "verdict"),
    [
        ("Asthma which is not stable", "stable asthma", "unknown"),
        ("Asthma which is not stable", "unstable asthma", "met"),
        ("Insufficiently controlled asthma", "controlled asthma", "unknown"),
        ("Insufficiently controlled asthma", "uncontrolled asthma", "met"),
        ("Not well-controlled hypertension", "controlled hypertension", "unknown"),
        ("Diabetes not well controlled", "poorly controlled diabetes", "met"),
        # a record's own denied state is read the same way
        ("Uncontrolled asthma", "asthma, insufficiently controlled", "met"),
    ],
)
def test_a_denied_state_reaches_the_verdict(tagger, text, fact, verdict):
    assert _verdict(tagger, text, fact) == verdict


NOT_RECOVERED = "Not fully recovered from major surgery"  # NCT06097962, its first item


@pytest.mark.parametrize(
    ("present", "verdict"),
    # read as "no major surgery", the exclusion turned away every patient who never had one
    [(False, "not_met"), (True, "unknown")],
)
def test_not_recovered_asks_for_the_surgery_not_its_absence(tagger, present, verdict):
    """Whether the patient recovered no record says: a surgery on record leaves it to a person."""
    assert _verdict(tagger, NOT_RECOVERED, "major surgery", present, "procedure") == verdict


STABLE_DOSE = "Androgen replacement therapy that has not been stable for at least 3 months."  # NCT02503306


def test_a_denied_stable_duration_does_not_exclude_a_long_steady_treatment(tagger):
    """Read as "therapy for at least 3 months", the exclusion turned away the patient on a long, steady
    treatment it lets in. The stability is what was short: whether the dose changed no record here says."""
    trial = structure_trial(read_text(f"Exclusion Criteria:\n- {STABLE_DOSE}", "test", "T1"), tagger)
    therapy = Fact(text="androgen replacement therapy", kind="procedure", date=AS_OF - dt.timedelta(days=730))
    patient = Patient(id="p", age=60, sex="male", facts=[therapy])
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher()).criteria
    assert criterion.verdict == "unknown"
