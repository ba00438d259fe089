"""Comparators spelt as a direction word in a frame ("above/equal", "lower or equal than", "equal or
higher than", "at or above", "not larger than"), with "/" for "or", read as the lexicon's own spellings
(operators.json ``composed``; trialsieve/extract/grammar.py). "above/equal 18 and below/equal 32 kg / m²"
is two bounds on one variable, in kg/m2 however the "/" of the unit is spaced. Texts are real registry
text (ClinicalTrials.gov: NCT01348880 and records of studies.dev.jsonl)."""

import pytest

from trialsieve.extract.grammar import find_limits
from trialsieve.extract.structure import structure_text
from trialsieve.extract.units import match_unit
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Body mass index (BMI): above/equal 18 and below/equal 32 kg / m²",
            [(">=", 18, "kg/m2"), ("<=", 32, "kg/m2")],
        ),
        (
            "Body mass index higher or equal to 18,5 and lower or equal than 29,9 kg/m2",
            [(">=", 18.5, "kg/m2"), ("<=", 29.9, "kg/m2")],
        ),
        ("Erectile Hardness Scale (EHS) outcome is equal or higher than 3.", [(">=", 3, None)]),
        ("A score equal to or below 26.55 points represents a risk", [("<=", 26.55, "{score}")]),
        ("Sexual Health Inventory for Men (SHIM) score greater or equal to 21", [(">=", 21, None)]),
        ("hemoglobin at or above 10 g/dL", [(">=", 10, "g/dL")]),
        ("tumour not larger than 5 cm", [("<=", 5, "cm")]),
    ],
)
def test_composed_comparators_are_inclusive_bounds(text, expected):
    assert [(x.operator, x.value, x.unit) for x in find_limits(text)] == expected


def test_a_range_in_two_slashed_comparators_bounds_one_variable(tagger):
    text = "Body mass index (BMI): above/equal 18 and below/equal 32 kg / m²"
    tree = structure_text(text, "inclusion", tagger.tag([text])[0]).rule
    bounds = [(x.variable, x.operator, x.value, x.unit) for x in leaves(tree) if x.type == "comparison"]
    assert bounds == [
        ("Body mass index (BMI)", ">=", 18, "kg/m2"),
        ("Body mass index (BMI)", "<=", 32, "kg/m2"),
    ]
    assert all(x.type == "comparison" for x in leaves(tree))  # no "/equal 32" left unread


def test_an_after_comparator_joined_by_a_slash_opens_the_next_limit():
    # "and below" after 18 is the start of "below/equal 32", not "18 and below"
    limits = find_limits("BMI greater/equal 18 and less/equal 30 kg/m2")
    assert [(x.operator, x.value) for x in limits] == [(">=", 18), ("<=", 30)]
    assert [(x.operator, x.value) for x in find_limits("BMI 18 and below")] == [("<=", 18)]


@pytest.mark.parametrize("written", ["kg / m²", "kg /m2", "kg/ m²", "kg/m²"])
def test_a_units_slash_may_be_spaced(written):
    assert match_unit(written, 0).code == "kg/m2"


def test_the_backward_read_finds_what_a_forward_search_finds_on_real_text():
    """``grammar._before`` reads the comparator before a number backwards, one anchored match, where a
    forward search tried the whole alternation at each place of the window. Both must find the same
    spelling before every number of the bundled LCT criteria and ClinicalTrials.gov records, whatever
    the floor (where the clause, or the previous limit, ends)."""
    import json
    from pathlib import Path

    from trialsieve.extract import grammar

    data = Path(__file__).parents[2] / "data"
    texts = [json.loads(line)["text"] for line in (data / "lct" / "criteria_entities.dev.jsonl").open()]
    for line in (data / "trials" / "ctgov20.jsonl").open():
        texts.append(json.dumps(json.loads(line)))  # every field's text, escapes and all
    found = 0
    for text in texts:
        for number in grammar._NUMBER.finditer(text):
            pos = number.start()
            for floor in (0, max(0, pos - 20), max(0, pos - 47)):
                window = max(floor, pos - 48)
                forward = grammar._BEFORE_ANY.search(text, window, pos)
                assert grammar._comparator_start(text, window, pos) == (forward.start() if forward else None)
                found += forward is not None
    assert found > 1000
