"""A record of the disease does not say it needed treatment or a hospital stay: "Active infection
requiring treatment" is unknown for a patient with a urinary tract infection, not met as it was when the
need was cut off (match/lexicons/qualifiers.json axis ``need``). A record that says the need answers it.
Criteria are real ClinicalTrials.gov and LCT exclusions, structured as `check` structures them."""

import pytest

from tests.extract.reading import verdict_of


def _verdict(tagger, text: str, fact: str) -> str:
    return verdict_of(tagger, "Exclusion", text, [{"kind": "condition", "text": fact, "present": True}])


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
