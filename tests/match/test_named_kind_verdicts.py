"""Verdicts on words that name a kind rather than grade it (issue 18): "major tranquilizers" are the
antipsychotics, not severe tranquilizers, and "smoldering myeloma" is not every myeloma. Read as a
severity or dropped, the first let a patient on risperidone through and the second excluded every
patient of a myeloma trial."""

import pytest

from tests.extract.reading import verdict_of


@pytest.mark.parametrize(
    ("criterion", "kind", "record", "verdict"),
    [
        ("Concomitant use of major tranquilizers", "drug", "risperidone 2 MG Oral Tablet", "met"),  # NCT00179517 E1
        ("Concomitant use of minor tranquilizers", "drug", "lorazepam 1 MG Oral Tablet", "met"),
        ("Smoldering myeloma", "condition", "Smoldering multiple myeloma", "met"),  # NCT05827016 E2
        ("Smoldering myeloma", "condition", "Multiple myeloma", "unknown"),
    ],
)
def test_a_word_that_names_a_kind_stays_on_it(tagger, criterion, kind, record, verdict):
    facts = [{"text": record, "kind": kind, "date": "2026-11-20"}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) == verdict
