"""Being fit for a treatment is not having had it: "disease that is amenable to anatomical surgical
resection" (NCT05714891 I2) and "indicated for surgical treatment with the Keos Lumbar IBFD" (NCT04416321
I5) had been the resection and the surgery themselves, which an inclusion asked to have been done before
the patient was screened for them. Whether the patient is a candidate is a person's call, as "candidate
for" is (issue 18)."""

import pytest

from tests.extract.reading import rule_of
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    "text",
    [
        "Unless otherwise specified in a substudy, patients must be classified as Stage IA2 to IIIA according to the "
        "AJCC 8th edition TNM classification with disease that is amenable to anatomical surgical resection.",
        "Indicated for surgical treatment with the Keos Lumbar IBFD with autologous bone graft.",
        "Be appropriate for treatment using a posterior surgical approach;",  # NCT03433391 I7
    ],
)
def test_a_treatment_the_patient_is_fit_for_is_a_review(tagger, text):
    found = list(leaves(rule_of(tagger, text, "inclusion")))
    assert not any(leaf.type == "presence" and leaf.concept.kind == "procedure" for leaf in found)
    assert any(leaf.type == "unstructured" for leaf in found)


def test_a_cancer_not_amenable_to_cure_keeps_its_name(tagger):
    """Guard (NCT04044170 I3): "not amenable to treatment with curative intent" says how advanced the cancer
    is; the cancer stays the concept."""
    text = (
        "Patient has histologically confirmed locally advanced or metastatic non-small cell lung cancer (NSCLC) "
        "that is not amenable to treatment with curative intent"
    )
    names = [leaf.concept.text for leaf in leaves(rule_of(tagger, text, "inclusion")) if leaf.type == "presence"]
    assert any("non-small cell lung cancer" in name for name in names)


@pytest.mark.parametrize(
    "text",
    [
        # NCT06486948 E10: the study codes were read as CT scans, so every patient with a CT scan was excluded
        "Has previously participated in any of the following studies: CT-155-C-001, CT-155-C-002, CT-156-C-001.",
        "Participated in any other intervention clinical trial within 1 months before screening",  # NCT05185011 E8
    ],
)
def test_having_taken_part_in_a_study_is_a_review(tagger, text):
    found = list(leaves(rule_of(tagger, text)))
    assert [leaf.type for leaf in found] == ["unstructured"] and found[0].reason == "study participation"
