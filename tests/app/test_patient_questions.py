"""Questions about a described patient, answered by checking the patient the words describe against
the trial's rules: yes, no or cannot tell, with the deciding criteria cited."""

import pytest

from trialsieve.app.patient_questions import answer_patient, described_patient, patient_question
from trialsieve.match.concepts import ConceptMatcher


@pytest.mark.parametrize(
    ("question", "described", "denied"),
    [
        ("Would a 45-year-old woman with HbA1c 8% be eligible for AMASS?", "a 45-year-old woman with HbA1c 8%", False),
        ("Can a 16-year-old with systemic sclerosis join CARE-SSc?", "a 16-year-old with systemic sclerosis", False),
        ("Patients with HIV are not eligible for the primary trial.", "Patients with HIV", True),
        ("Women with a BMI over 30 are eligible for the secondary trial", "Women with a BMI over 30", False),
        ("Is a pregnant woman excluded from AMASS?", "a pregnant woman", True),
        ("Patients with HIV cannot participate in the primary trial", "Patients with HIV", True),
    ],
)
def test_a_described_patient_is_found_in_questions_and_statements(question, described, denied):
    asked = patient_question(question)
    assert asked is not None and (asked.described, asked.denied) == (described, denied)


@pytest.mark.parametrize(
    "question",
    [
        "What is the minimum age for AMASS?",
        "Which trials exclude pregnant women?",
        "Is AMASS recruiting?",
        "Can men take part in AMASS?",
        "Are healthy volunteers eligible for the study?",
    ],
)
def test_other_questions_are_not_about_a_patient(question):
    assert patient_question(question) is None


@pytest.fixture(scope="module")
def matcher():
    return ConceptMatcher()


def ask(question, structured, tagger, matcher):
    return answer_patient(patient_question(question), structured, "the trial", tagger, matcher)


def test_a_patient_an_exclusion_rules_out_is_a_no_citing_it(amass, tagger, matcher):
    found = ask("Would a pregnant woman with Sjögren's syndrome be eligible for AMASS?", amass, tagger, matcher)
    assert found.verdict == "no" and found.text.startswith("No:")
    assert any(c.label == "Exclusion 4" and "Pregnancy" in c.quote for c in found.citations)


def test_an_age_below_the_minimum_is_a_no(care_ssc, tagger, matcher):
    found = ask("Would a 16-year-old with systemic sclerosis be eligible for CARE-SSc?", care_ssc, tagger, matcher)
    assert found.verdict == "no" and "16" in found.text


def test_what_the_question_leaves_out_is_cannot_tell_not_yes(amass, tagger, matcher):
    found = ask("Would a 40-year-old with Sjögren's syndrome be eligible for AMASS?", amass, tagger, matcher)
    assert found.verdict == "cannot tell" and "Schirmer" in found.text
    assert found.citations and all(c.label.startswith(("Inclusion", "Exclusion", "Registry")) for c in found.citations)


def test_a_range_in_the_description_is_not_read_as_a_value(tagger):
    """ "ANC < 1,700/mm3" could be 500: read as 1,700 it would meet "ANC >= 1,500" for a patient who fails it."""
    patient = described_patient("Patients with ANC < 1,700/mm3 and hemoglobin 9 g/dL", tagger)
    assert [f.value for f in patient.facts if f.value is not None] == [9.0]


def test_a_statement_that_denies_eligibility_is_judged_true_or_false(amass, tagger, matcher):
    true = ask("Patients who are pregnant are not eligible for the primary trial.", amass, tagger, matcher)
    assert true.verdict == "yes" and true.text.startswith("The statement is true")
