from trialsieve.extract.segment import segment
from trialsieve.index.chunks import chunk_trial


def test_a_trial_becomes_title_summary_conditions_and_one_chunk_per_criterion(trials):
    amass = next(t for t in trials if t.id == "NCT04615455")
    chunks = chunk_trial(amass)
    kinds = [c.kind for c in chunks]
    assert kinds[:3] == ["title", "summary", "conditions"]
    assert "(AMASS)" in chunks[0].text and "Sjogren" in chunks[2].text
    criteria = [c for c in chunks if c.kind == "criterion"]
    assert [c.criterion_id for c in criteria] == [c.id for c in segment(amass.criteria_text)]
    assert {c.trial_id for c in chunks} == {"NCT04615455"}
    schirmer = next(c for c in criteria if "Schirmer" in c.text)
    assert (schirmer.section, schirmer.criterion_id) == ("inclusion", "I3")


def test_nested_criteria_keep_their_ids(trials):
    care = next(t for t in trials if t.id == "NCT04356287")
    ids = [c.criterion_id for c in chunk_trial(care) if c.kind == "criterion"]
    assert "I2" in ids and "I2.ii.c" in ids


def test_missing_fields_make_no_empty_chunks(trials):
    bare = trials[0].model_copy(update={"summary": None, "conditions": [], "acronym": None, "criteria_text": ""})
    assert [c.kind for c in chunk_trial(bare)] == ["title"]
