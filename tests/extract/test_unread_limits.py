"""A measure named beside a limit the grammar did not read is for a person (real ClinicalTrials.gov text).

Read as a presence of the measure, "Are between a body mass index of 18.5 and 30 kg/m2" was met by any
BMI on record, so a patient with a BMI of 40 passed the inclusion, and "ASA > III" excluded every
patient with any ASA score."""

import pytest

from tests.extract.reading import rule_of, verdict_of
from trialsieve.extract.unread_limits import UNREAD
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Are between a body mass index of 18.5 and 30 kilograms per meter squared (kg/m²), inclusive", "inclusion"),
        ("HbA1c is between 6.5% 10%;", "inclusion"),
        ("ASA \\> III", "exclusion"),
        ("NYHA I-II functional status", "inclusion"),
    ],
)
def test_a_measure_beside_an_unread_limit_is_reviewed(tagger, text, section):
    reasons = [leaf.reason for leaf in leaves(rule_of(tagger, text, section)) if leaf.type == "unstructured"]
    assert UNREAD in reasons


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("HbA1c >= 7%", "inclusion"),
        ("Plasma donation within 14 days prior to Day 1.", "exclusion"),
        ("Sexually active with IIEF-5 score of 12 or less", "inclusion"),  # "IIEF-5" names the measure
        ("Drug Abuse Screening Test-10 (DAST-10) (score greater than 2)", "exclusion"),
        ("Spondylolisthesis grade III or IV", "exclusion"),  # the grade is in the concept's words
        # a class after a comparator is in the concept's words too (it had been a limit not read)
        (
            "Unstable angina, angina with sexual intercourse, or congestive heart failure \\> NYHA Class II;",
            "exclusion",
        ),
        # NCT06332300 I9.3: a list's number is no limit
        ("ALT <= 2.5 x ULN; (3) Renal function: creatinine <= 1.5 x ULN", "inclusion"),
    ],
)
def test_a_read_limit_or_a_number_in_the_name_is_no_review(tagger, text, section):
    reasons = [leaf.reason for leaf in leaves(rule_of(tagger, text, section)) if leaf.type == "unstructured"]
    assert UNREAD not in reasons


def test_an_unread_bmi_range_no_longer_passes_every_bmi(tagger):
    text = "Are between a body mass index of 18.5 and 30 kilograms per meter squared (kg/m²), inclusive at screening"
    bmi = {"kind": "observation", "text": "Body mass index", "value": 41, "unit": "kg/m2", "date": "2026-11-20"}
    assert verdict_of(tagger, "Inclusion", text, [bmi], age=50, sex="female") == "needs_review"
