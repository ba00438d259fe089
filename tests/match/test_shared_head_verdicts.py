"""Verdicts on lists that share a head noun, sexes after a limit and lists after "after" (issue 18), on
real ClinicalTrials.gov criteria as ``check`` structures them: back surgery alone excludes under
"previous back and neck surgery"; a haemoglobin of 8 g/dL fails "Hemoglobin ≥ 9 g/dL, male or female"
whoever the patient is; radiotherapy without the cancer it followed meets no "carcinoma after chemo
radiotherapy or radiation therapy"."""

import pytest

from tests.extract.reading import verdict_of

DATE = "2026-11-01"
CARCINOMA = (  # NCT05883007
    "Locally Recurrent Head and Neck Squamous Cell Carcinoma after chemo radiotherapy or radiation therapy."
)


@pytest.mark.parametrize(
    ("section", "criterion", "facts", "verdict"),
    [
        # NCT05313997: either surgery excludes
        ("Exclusion", "who have had previous back and neck surgery", [("procedure", "back surgery", True)], "met"),
        (
            "Exclusion",
            ". Suspected or indeed have a history of alcohol and drug abuse",  # NCT03801200
            [("condition", "alcohol abuse", False), ("condition", "drug abuse", False)],
            "not_met",
        ),
        # the radiotherapy is what the cancer recurred after, never enough alone
        (
            "Inclusion",
            CARCINOMA,
            [("procedure", "radiation therapy", True), ("condition", "head and neck squamous cell carcinoma", False)],
            "not_met",
        ),
        (
            "Inclusion",
            CARCINOMA,
            [("procedure", "radiation therapy", True), ("condition", "head and neck squamous cell carcinoma", True)],
            "met",
        ),
    ],
)
def test_verdicts_on_shared_heads_and_attached_lists(tagger, section, criterion, facts, verdict):
    recorded = [
        {"kind": kind, "text": text, "present": present, **({"date": DATE} if present else {})}
        for kind, text, present in facts
    ]
    assert verdict_of(tagger, section, criterion, recorded) == verdict


@pytest.mark.parametrize(("value", "verdict"), [(8, "not_met"), (10, "met")])
def test_both_sexes_after_a_limit_leave_it_standing(tagger, value, verdict):
    fact = {"kind": "observation", "text": "hemoglobin", "value": value, "unit": "g/dL", "date": DATE}
    assert verdict_of(tagger, "Inclusion", "Hemoglobin ≥ 9 g/dL, male or female", [fact]) == verdict
