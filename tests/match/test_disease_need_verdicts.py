"""A record of the disease does not say it needed treatment or a hospital stay: "Active infection
requiring treatment" is unknown for a patient with a urinary tract infection, not met as it was when the
need was cut off (match/lexicons/qualifiers.json axis ``need``). A record that says the need answers it.
Criteria are real ClinicalTrials.gov and LCT exclusions, structured as `check` structures them."""

import datetime as dt

import pytest

from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)


def _verdict(tagger, text: str, fact: str) -> str:
    trial = structure_trial(read_text(f"Exclusion Criteria:\n- {text}", "test", "T1"), tagger)
    patient = Patient(id="p", age=50, sex="male", facts=[Fact(text=fact, kind="condition", present=True)])
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher()).criteria
    return criterion.verdict


@pytest.mark.parametrize(
    ("text", "fact", "verdict"),
    [
        ("Presence of a ventricular arrhythmia requiring treatment", "ventricular arrhythmia", "unknown"),
        (
            "Presence of a ventricular arrhythmia requiring treatment",
            "ventricular arrhythmia requiring treatment",
            "met",
        ),
        ("Active infection requiring treatment", "urinary tract infection", "unknown"),  # LCT
        ("Active infection requiring treatment", "urinary tract infection requiring treatment", "met"),
    ],
)
def test_the_disease_alone_does_not_say_what_it_needed(tagger, text, fact, verdict):
    assert _verdict(tagger, text, fact) == verdict
