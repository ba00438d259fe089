"""Verdicts on a disease confirmed by tests named as adverbs (issue 18): "Histologically or cytologically
confirmed diagnosis of breast cancer" is met by a breast cancer on record; a histology record alone, or
another cancer, does not meet it."""

import pytest

from tests.extract.reading import verdict_of

BREAST = "Histologically or cytologically confirmed diagnosis of breast cancer"
PROSTATE = "Histologically confirmed adenocarcinoma of the prostate"
NSCLC = (
    "Participant has histologically or cytologically confirmed locally advanced or metastatic non-small cell"
    " lung cancer (NSCLC) that is not amenable to treatment with curative intent"
)


@pytest.mark.parametrize(
    ("criterion", "fact", "verdict"),
    [
        (BREAST, {"text": "Malignant neoplasm of breast", "kind": "condition", "present": True}, "met"),
        (BREAST, {"text": "Malignant neoplasm of prostate", "kind": "condition", "present": True}, "unknown"),
        (BREAST, {"text": "Histology procedure", "kind": "procedure", "present": True}, "unknown"),
        (PROSTATE, {"text": "Adenocarcinoma of prostate", "kind": "condition", "present": True}, "met"),
        (PROSTATE, {"text": "Biopsy of prostate", "kind": "procedure", "present": True}, "unknown"),
        (NSCLC, {"text": "Metastatic non-small cell lung cancer", "kind": "condition", "present": True}, "met"),
        (NSCLC, {"text": "Cytology procedure", "kind": "procedure", "present": True}, "unknown"),
    ],
)
def test_the_disease_decides_not_the_test(tagger, criterion, fact, verdict):
    assert verdict_of(tagger, "Inclusion", criterion, [fact]) == verdict
