"""A drug named by what it is associated with is no record of that disease: "Use of medications which are
associated with Torsades de Pointes" (NCT05896748 E32) had been a leaf "Torsades de Pointes", and
"drugs associated with the development of steatotic liver disease" (NCT06352177 E10) one of the liver
disease: each excluded every patient who has the disease, whatever the drugs (issue 18)."""

import pytest

from tests.extract.reading import presences, rule_of


@pytest.mark.parametrize(
    ("text", "disease"),
    [
        ("Use of medications which are associated with Torsades de Pointes", "Torsades de Pointes"),
        (
            "Recent (within 3 mos. of SV) use of drugs associated with the development of steatotic liver disease "
            "(e.g., methotrexate, tamoxifen)",
            "steatotic liver disease",
        ),
    ],
)
def test_the_disease_a_drug_is_associated_with_is_what_it_does(tagger, text, disease):
    found = presences(rule_of(tagger, text))
    assert disease not in found or found[disease].role == "effect"


def test_a_disease_associated_with_another_is_still_asked(tagger):
    """Guard: "Hypertension associated with renal disease" names both diseases."""
    found = presences(rule_of(tagger, "Hypertension associated with renal disease"))
    assert found["renal disease"].role is None


def test_a_therapy_associated_with_an_event_is_the_patients_own(tagger):
    """Guard (NCT05397184 E14): the prior CAR therapy's cytokine release syndrome is the patient's."""
    text = "Prior CAR therapy known to be associated with ≥Grade 3 cytokine release syndrome (CRS)"
    assert all(leaf.role is None for leaf in presences(rule_of(tagger, text)).values())
