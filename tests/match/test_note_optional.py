"""A note's "with or without X" (or "regardless of", "whether or not") says X may be there or not: the
note reader records no fact of X either way, where the "without" in it read as a denial recorded X
absent (issue 18), the same error the rule side settles in extract/optional.py."""

from trialsieve.match.note import mentions, read_note


def _said(facts) -> dict[str, bool]:
    return {f.text.lower(): f.present for f in facts if f.value is None}


def test_with_or_without_records_nothing_of_what_follows(tagger):
    note = "A 54-year-old man with hypertension with or without proteinuria. He denies diabetes."
    said = _said(read_note(note, tagger).facts)
    assert said["hypertension"] is True and said["diabetes"] is False
    assert "proteinuria" not in said


def test_whether_or_not_denies_nothing(tagger):
    note = "Patient has a cough regardless of whether or not fever is present. Denies smoking."
    said = _said(read_note(note, tagger).facts)
    assert said["cough"] is True and said["smoking"] is False
    assert "fever" not in said


def test_a_mention_after_with_or_without_is_no_fact():
    note = "Chest pain with or without radiation to the left arm. No history of stroke."
    assert mentions(note, "left arm") == []
    assert mentions(note, "chest pain")[0].present is True
    assert mentions(note, "history of stroke")[0].present is False
