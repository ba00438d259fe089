"""A patient on the drug a criterion says failed is who "Non responders to methotrexate" asks for, or may
be: the record says the drug was taken, not whether it worked, so the verdict is unknown. Read as NOT
methotrexate, the criterion turned that very patient away (not met). Criteria are real ones
(ClinicalTrials.gov), structured as `check` structures them."""

import pytest

from tests.extract.reading import verdict_of


def _verdict(tagger, text: str, drug: str) -> str:
    return verdict_of(tagger, "Inclusion", text, [{"kind": "drug", "text": drug, "present": True}])


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Non responders to methotrexate", "methotrexate 2.5 MG Oral Tablet"),
        ("non-responders to PDE5 inhibitor", "sildenafil 100 MG Oral Tablet"),
    ],
)
def test_a_patient_on_the_failed_drug_is_not_turned_away(tagger, text, drug):
    assert _verdict(tagger, text, drug) == "unknown"
