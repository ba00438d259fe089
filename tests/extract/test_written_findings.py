"""A finding written apart from the test or function it was found in (real ClinicalTrials.gov text,
issue 18): "abnormalities in ECG" is an abnormal ECG, not an ECG, and "physical examination with no
abnormalities" denies the abnormality, not the examination. Read as the test alone, an exclusion
ruled out every patient who had had an ECG, and an inclusion was met by any examination."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of

ECG_LIST = (
    "Autonomic neuropathy, retinitis pigmentosa, blood diseases, active peptic ulcer, abnormalities in ECG, "
    "severe systemic disease that cannot be controlled,"
)  # NCT03177746 E11
ECG_DONE = [{"kind": "procedure", "text": "Electrocardiogram", "date": "2026-10-01"}]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (ECG_LIST, "abnormalities in ECG"),
        ("No abnormalities on the resting ECG", "abnormalities on the resting ECG"),
        ("Impairment of renal function", "Impairment of renal function"),
        ("Significant findings on MRI of the brain", "findings on MRI of the brain"),
    ],
)
def test_a_finding_before_its_test_is_the_concept(tagger, text, concept):
    assert concept in presences(rule_of(tagger, text))


def test_a_normal_ecg_on_record_does_not_exclude(tagger):
    assert verdict_of(tagger, "Exclusion", ECG_LIST, ECG_DONE) != "met"


def test_with_no_abnormalities_denies_the_finding(tagger):
    text = "physical examination with no abnormalities;"  # NCT02579148 I7
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "presence" and rule.negated and "abnormalities" in rule.concept.text
    examined = [{"kind": "procedure", "text": "Physical examination", "date": "2026-10-01"}]
    assert verdict_of(tagger, "Inclusion", text, examined) != "met"  # any examination met it


def test_findings_of_a_disease_are_the_disease(tagger):
    """ "findings of pneumonia on chest X-ray" is pneumonia found, not a finding named "of pneumonia"."""
    assert "pneumonia" in presences(rule_of(tagger, "Findings of pneumonia on chest X-ray"))


def test_a_brain_mri_on_record_does_not_meet_findings_on_it(tagger):
    mri = [{"kind": "procedure", "text": "MRI of the brain", "date": "2026-10-01"}]
    assert verdict_of(tagger, "Exclusion", "Significant findings on MRI of the brain", mri) != "met"
