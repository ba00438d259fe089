"""A note's negation runs over a list but stops where a comma opens a statement of what is there ("No
fever, cough present": the cough is there), and an allergy cue covers every item of its list, named by
the tagger or not ("allergic to penicillin, sulfa and latex": three allergies). Read before, the cough was
recorded absent and latex was dropped. Sentences marked real are TrialGPT patient notes; criteria are
real LCT criteria (match/note.py, lexicons/note_scope.json; match/allergies.py)."""

import datetime as dt

import pytest

from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.note import read_note
from trialsieve.match.verdicts import Judge


def _said(tagger, note: str) -> dict[str, bool]:
    return {f.text.lower(): f.present for f in read_note(note, tagger).facts if f.value is None}


@pytest.mark.parametrize(
    ("note", "present", "absent"),
    [
        ("No fever, cough present for 3 days.", {"cough"}, {"fever"}),
        ("Negative for HIV, positive for hepatitis C.", {"hepatitis c"}, {"hiv"}),
        ("No history of diabetes, hypertension is well controlled.", {"hypertension"}, {"diabetes"}),
        # real: "not" denies the response, not what he continued to have or was switched to
        (
            "He did again not have a significant response, though continued to have an excellent performance "
            "status, and he was ultimately switched to Campath therapy.",
            {"performance status", "campath therapy"},
            set(),
        ),
    ],
)
def test_a_comma_that_opens_a_statement_ends_the_negation(tagger, note, present, absent):
    said = _said(tagger, note)
    assert {c for c in present | absent if said.get(c)} == present, said


@pytest.mark.parametrize(
    "note",
    [
        "No fever, chills or cough.",
        "No fever, cough is absent.",  # the piece denies on its own
        # real: the verb is said of the whole list
        "No shortness of breath, cough, chest pain, orthopnea and palpitations or skin rash were observed.",
    ],
)
def test_a_negation_still_covers_its_list(tagger, note):
    said = _said(tagger, note)
    assert said and not any(said.values()), said


def test_every_item_after_an_allergy_cue_is_an_allergy(tagger):
    said = _said(tagger, "She is allergic to penicillin, sulfa and latex.")
    assert said == {"allergy to penicillin": True, "allergy to sulfa": True, "allergy to latex": True}
    said = _said(tagger, "He is allergic to penicillin and denies fever.")  # no list item after "and"
    assert said == {"allergy to penicillin": True, "fever": False}


def test_the_cough_present_after_a_denied_fever_meets_a_cough_criterion(tagger):
    judge = Judge(read_note("No fever, cough present for 3 days.", tagger), dt.date(2026, 1, 1), ConceptMatcher())
    text = "Cough"  # LCT: a criterion that is the symptom alone
    verdict, _ = judge.rule(structure_text(text, "inclusion", tagger.tag([text])[0]).rule, text)
    assert verdict == "met"
