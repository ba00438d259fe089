"""A note's "allergic to penicillin" or "penicillin allergy" is an allergy, the condition "allergy to
penicillin" a FHIR AllergyIntolerance also gives, and never penicillin taken (match/allergies.py): read
as a drug it met "allergy to penicillin" nowhere and met "use of penicillin" instead. Criteria are
real registry text (NCT01255670, Penicillin and Metronidazole in Treatment of Peritonsillar Abscess;
a concomitant-medication list of an erectile dysfunction trial)."""

import datetime as dt

from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.fhir import read_fhir
from trialsieve.match.note import read_note
from trialsieve.match.verdicts import Judge

NOTE = "A 30-year-old man with a peritonsillar abscess who is allergic to penicillin."


def _facts(patient) -> set[tuple[str, str, bool]]:
    return {(f.kind, f.text.lower(), f.present) for f in patient.facts if f.value is None}


def _judge(patient) -> Judge:
    return Judge(patient, dt.date(2026, 1, 1), ConceptMatcher())


def _verdict(judge: Judge, text: str, tagger, section: str = "exclusion"):
    verdict, evidence = judge.rule(structure_text(text, section, tagger.tag([text])[0]).rule, text)
    return verdict, {e.fact for e in evidence if e.fact}


def test_an_allergy_is_a_condition_not_a_drug_taken(tagger):
    facts = _facts(read_note(NOTE, tagger))
    assert ("condition", "allergy to penicillin", True) in facts
    assert not any(kind == "drug" for kind, _, _ in facts)


def test_each_spelling_of_an_allergy_reads_alike(tagger):
    notes = {
        "He has a penicillin allergy.": {"allergy to penicillin"},
        "History of hypersensitivity to sulfonamides. Intolerant of aspirin.": {
            "allergy to sulfonamides",
            "allergy to aspirin",
        },
        "Penicillin and sulfa allergies.": {"allergy to penicillin", "allergy to sulfa"},
        "Anaphylaxis to peanuts.": {"allergy to peanuts"},  # the tagger names no allergen: the words after the cue
    }
    for note, allergies in notes.items():
        facts = _facts(read_note(note, tagger))
        assert {text for _, text, _ in facts} == allergies, note
        assert all(kind == "condition" and present for kind, _, present in facts), note


def test_a_denied_allergy_is_absent_and_a_drug_after_it_is_taken(tagger):
    facts = _facts(read_note("No known allergy to penicillin or cephalosporins. She takes metformin.", tagger))
    assert {("condition", "allergy to penicillin", False), ("condition", "allergy to cephalosporins", False)} <= facts
    assert ("drug", "metformin", True) in facts


def test_the_allergy_excludes_and_use_of_the_drug_does_not(tagger):
    judge = _judge(read_note(NOTE + " He is allergic to metronidazole.", tagger))
    assert _verdict(judge, "allergy to penicillin", tagger) == ("met", {"allergy to penicillin"})
    assert _verdict(judge, "allergy to metronidazole", tagger)[0] == "met"
    # the allergy says he cannot take them: no evidence he does
    assert _verdict(judge, "use of metronidazole in preceding one month", tagger)[1] == set()
    verdict, cited = _verdict(judge, "Antibiotics in the penicillin class", tagger)
    assert verdict != "met" and cited == set()


def test_a_fhir_allergy_and_a_note_allergy_are_judged_alike(tagger):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1995-01-01"}},
            {
                "resource": {
                    "resourceType": "AllergyIntolerance",
                    "id": "a",
                    "patient": {"reference": "Patient/p"},
                    "code": {"text": "penicillin"},
                }
            },
        ],
    }
    record, note = read_fhir(bundle), read_note(NOTE, tagger)
    allergy = {(f.kind, f.text) for f in record.facts}
    assert allergy == {("condition", "allergy to penicillin")} and allergy <= {(f.kind, f.text) for f in note.facts}
    for text in ("allergy to penicillin", "Antibiotics in the penicillin class"):
        assert _verdict(_judge(record), text, tagger)[0] == _verdict(_judge(note), text, tagger)[0], text
    assert _verdict(_judge(record), "Antibiotics in the penicillin class", tagger)[0] != "met"
