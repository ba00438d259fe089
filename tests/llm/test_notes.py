"""Facts an LLM reads in a note, kept only when the note bears them out."""

import json

from trialsieve.llm.backends import OpenAICompatible
from trialsieve.llm.notes import note_facts, with_note_facts
from trialsieve.match.note import read_note

NOTE = "58-year-old woman with Sjogren's syndrome. Hemoglobin 10.5 g/dL on 2026-03-02. She denies diabetes."


def test_checked_facts_are_kept_and_the_rest_rejected_with_reasons(server):
    facts = [
        {"kind": "measurement", "text": "Hemoglobin", "value": 10.5, "unit": "g/dL", "date": "2026-03-02"},
        {"kind": "condition", "text": "diabetes", "present": False},
        {"kind": "condition", "text": "lupus"},  # not in the note
        {"kind": "measurement", "text": "Hemoglobin", "value": 11, "unit": "g/dL"},  # not its number
        {"kind": "measurement", "text": "Hemoglobin", "value": 10.5, "unit": "mmol/L"},  # not its unit
        {"kind": "measurement", "text": "Hemoglobin", "value": 10.5, "date": "2026-03-03"},  # not its date
    ]
    server.content(json.dumps({"facts": facts}))
    kept, rejected = note_facts(OpenAICompatible(server.url, "tiny"), NOTE)
    assert [(f.text, f.present, f.value, f.unit, str(f.date)) for f in kept] == [
        ("Hemoglobin", True, 10.5, "g/dL", "2026-03-02"),
        ("diabetes", False, None, None, "None"),
    ]
    assert len(rejected) == 4 and "'lupus' is not in the note" in rejected[0]


def test_new_facts_join_the_patient_without_duplicates(server, tagger):
    patient = read_note(NOTE, tagger)
    server.content(json.dumps({"facts": [{"kind": "condition", "text": "Sjogren's syndrome"}]}))
    same = with_note_facts(patient, OpenAICompatible(server.url, "tiny"))
    assert same.facts == patient.facts  # the reader had it already
    server.content(json.dumps({"facts": [{"kind": "observation", "text": "woman"}]}))
    more = with_note_facts(patient, OpenAICompatible(server.url, "tiny"))
    assert len(more.facts) == len(patient.facts) + 1 and more.facts[-1].source.startswith("note (openai:")
    server.content("{broken")
    assert with_note_facts(patient, OpenAICompatible(server.url, "tiny", retries=1)) is patient


def test_a_value_no_record_can_hold_is_rejected_not_raised(server):
    note = "Platelets 99999999999999999 /uL."
    server.content(json.dumps({"facts": [{"kind": "measurement", "text": "Platelets", "value": 99999999999999999}]}))
    kept, rejected = note_facts(OpenAICompatible(server.url, "tiny"), note)
    assert kept == [] and len(rejected) == 1 and "less than or equal" in rejected[0], rejected
