"""A patient on the drug a criterion says failed is who "Non responders to methotrexate" asks for, or may
be: the record says the drug was taken, not whether it worked, so the verdict is unknown. Read as NOT
methotrexate, the criterion turned that very patient away (not met). Criteria are real ones
(ClinicalTrials.gov), structured as `check` structures them."""

import datetime as dt

import pytest

from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)


def _verdict(tagger, text: str, drug: str) -> str:
    trial = structure_trial(read_text(f"Inclusion Criteria:\n- {text}", "test", "T1"), tagger)
    patient = Patient(id="p", age=50, sex="male", facts=[Fact(text=drug, kind="drug", present=True)])
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher()).criteria
    return criterion.verdict


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Non responders to methotrexate", "methotrexate 2.5 MG Oral Tablet"),
        ("non-responders to PDE5 inhibitor", "sildenafil 100 MG Oral Tablet"),
    ],
)
def test_a_patient_on_the_failed_drug_is_not_turned_away(tagger, text, drug):
    assert _verdict(tagger, text, drug) == "unknown"
