from trialsieve.extract import bio
from trialsieve.rules import Entity


def _entity(text: str, kind: str, phrase: str) -> Entity:
    start = text.index(phrase)
    return Entity(type=kind, start=start, end=start + len(phrase), text=phrase)


def test_words_split_numbers_from_symbols_and_units():
    text = "Age ≥18, Hb 1.5cm x109"
    assert [text[s:e] for s, e in bio.words(text)] == ["Age", "≥", "18", ",", "Hb", "1.5", "cm", "x", "109"]


def test_encode_then_decode_gives_the_spans_back():
    text = "No history of myocardial infarction; LVEF < 40 %"
    gold = [
        _entity(text, "negation", "No"),
        _entity(text, "condition", "myocardial infarction"),
        _entity(text, "observation", "LVEF"),
        _entity(text, "value", "40"),
    ]
    words = bio.words(text)
    tags = bio.encode(words, gold)
    assert tags[:5] == ["B-negation", "O", "O", "B-condition", "I-condition"]
    assert bio.decode(words, tags, text) == gold


def test_a_stray_inside_tag_starts_a_span_and_a_type_change_ends_one():
    text = "renal failure dialysis"
    words = bio.words(text)
    spans = bio.decode(words, ["I-condition", "I-condition", "I-procedure"], text)
    assert [(e.type, e.text) for e in spans] == [("condition", "renal failure"), ("procedure", "dialysis")]


def test_tag_names_start_with_outside():
    assert bio.tag_names(["drug"]) == ["O", "B-drug", "I-drug"]


def test_spans_of_one_type_with_only_a_space_between_are_one():
    text = "Central Positional Vertigo, HIV HCV"
    words = bio.words(text)
    tags = ["B-condition", "B-condition", "I-condition", "O", "B-condition", "B-drug"]
    assert [e.text for e in bio.decode(words, tags, text)] == ["Central Positional Vertigo", "HIV", "HCV"]


def test_best_tags_never_opens_with_an_inside_tag():
    import numpy as np

    names = bio.tag_names(["condition"])  # O, B-condition, I-condition
    # word by word: O, then I-condition, so argmax would lose "Central"; the best valid sequence
    # is B, I (0.44 x 0.6) rather than O, O (0.46 x 0.3)
    log_probs = np.log(np.array([[0.46, 0.44, 0.1], [0.3, 0.1, 0.6]]))
    assert bio.best_tags(log_probs, names) == ["B-condition", "I-condition"]
    assert bio.best_tags(np.log(np.array([[0.2, 0.1, 0.7]])), names) == ["O"]
    assert bio.best_tags(np.zeros((0, 3)), names) == []
