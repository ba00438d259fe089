"""Statements about informed consent, judged by the criteria that ask for it (``app/consent_statements.py``)."""

import pytest

from trialsieve.app.consent_statements import consent_claim, judge_consent
from trialsieve.extract.structure import structure_trial
from trialsieve.trial import Trial


def written(text: str):
    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), None)


@pytest.mark.parametrize(
    ("statement", "claim"),
    [
        ("Informed consent is obligatory for entry in the primary trial.", "required"),
        ("Written informed consent is required to participate in the primary trial.", "required"),
        ("Informed consent is optional for entry in the primary trial.", "not required"),
        ("Informed consent is not necessary for participation in the primary trial.", "not required"),
        (
            "Patients that are not willing to sign and give written informed consent for participation of the primary "
            "trial will still be included.",
            "not required",
        ),
        ("Any patient can enter the primary trial as long as they are willing to provide informed consent.", None),
        ("What is informed consent?", None),
    ],
)
def test_statements_about_consent_are_read(statement, claim):
    assert consent_claim(statement) == claim


def test_a_trial_that_asks_for_consent_settles_them():
    trial = written("Inclusion Criteria:\n* The subject must provide written informed consent\n* Age >= 18 years")
    required = judge_consent("required", trial)
    assert required.verdict == "yes" and required.parts[0].criteria == ("I1",)
    assert judge_consent("not required", trial).verdict == "no"
    excluding = written("Exclusion Criteria:\n* Unwilling or unable to provide informed consent")
    assert judge_consent("required", excluding).verdict == "yes"


@pytest.mark.parametrize(
    "criteria",
    [
        "Inclusion Criteria:\n* Age >= 18 years",  # says nothing of consent
        "Inclusion Criteria:\n* Signed informed consent, or consent by a legally authorized representative",
        "Inclusion Criteria:\n* Signed informed consent unless the patient is a minor",
        "Inclusion Criteria:\n* Unable to give informed consent",  # no way round: not an ask
    ],
)
def test_a_trial_silent_waiving_or_qualifying_consent_is_cannot_tell(criteria):
    assert judge_consent("required", written(criteria)).verdict == "cannot tell"
