"""Limits whose "≥" or "≤" the source dropped, two spaces left in its place (trialsieve/extract/lost_operators.py)."""

import pytest

from trialsieve.extract.lost_operators import restored
from trialsieve.extract.segment import segment
from trialsieve.extract.structure import structure_criteria
from trialsieve.rules import Comparison, leaves


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("ANC  1,500/mm³", "inclusion", "ANC ≥1,500/mm³"),
        ("Absolute neutrophil count (ANC)  1,500/mm^3", "unknown", "Absolute neutrophil count (ANC) ≥1,500/mm^3"),
        ("AST and ALT  2.5 times upper limit of normal", "inclusion", "AST and ALT ≤2.5 times upper limit of normal"),
        (  # the longest name decides: creatinine clearance is not creatinine
            "Creatinine  1.5 mg/dL OR creatinine clearance  60 mL/min",
            "inclusion",
            "Creatinine ≤1.5 mg/dL OR creatinine clearance ≥60 mL/min",
        ),
        ("Bilirubin  2 mg/dL", "exclusion", "Bilirubin ≥2 mg/dL"),  # an exclusion rules out the other side
        ("Platelets  50,000/mm³", "exclusion", "Platelets ≤50,000/mm³"),
        # a toxicity's grade: ruled out from it upwards, admitted up to it
        ("Grade  2 peripheral neuropathy", "exclusion", "Grade ≥2 peripheral neuropathy"),
        ("Peripheral neuropathy grade  1", "inclusion", "Peripheral neuropathy grade ≤1"),
    ],
)
def test_a_lost_sign_is_written_back_by_what_the_measure_is(text, section, expected):
    assert restored(text, section) == expected
    assert len(restored(text, section)) == len(text)  # offsets into the registry's text stay the same


@pytest.mark.parametrize(
    "text",
    [
        "Age  18",  # a limit on age may go either way
        "Tumor size  2 cm",
        "ANC 1,500/mm³",  # one space: no sign was lost
        "Hemoglobin  normal",
        "Histologic grade  2",  # a tumour's grade may be asked either way
        "Tumor grade  3, neuropathy allowed",  # the toxicity is another clause's
    ],
)
def test_a_measure_that_may_go_either_way_keeps_its_gap(text):
    assert restored(text, "inclusion") == text


def test_a_trials_criterion_with_a_lost_sign_is_a_limit():
    criteria = segment("PATIENT CHARACTERISTICS:\n* Hemoglobin  9.0 g/dL\n* ANC  1,500/mm³")
    limits = [
        (leaf.variable, leaf.operator, leaf.value)
        for c in structure_criteria(criteria)
        if c.parent is not None  # the heading's rule holds its items' again
        for leaf in leaves(c.rule)
        if isinstance(leaf, Comparison)
    ]
    assert limits == [("Hemoglobin", ">=", 9.0), ("ANC", ">=", 1500.0)]
