"""Faster forms of the structuring regexes find what their plain forms find (issue 18: the grammar path's
speed). A lexicon alternation grouped by first letter, look-arounds that fail most places at once, a
pre-test before the malformed-limit patterns and one word-start test for every review reason must change
no match: each is checked against the plain form on the bundled LCT criteria (real registry text)."""

import json
import re
from pathlib import Path

import pytest

from trialsieve.extract import clauses, context, grammar, lexicon
from trialsieve.extract.lexicon import alternation, load

_DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    lines = (_DATA / "lct" / "criteria_entities.dev.jsonl").open()
    return [json.loads(line)["text"] for line in lines]


def _spans(pattern: re.Pattern[str], texts: list[str]) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(t)] for t in texts]


@pytest.mark.parametrize(
    "phrases",
    [
        load("cues")["negation"],
        [p for cues in context._REVIEW_CUES.values() if isinstance(cues, list) for p in cues],
        list(context._QUALIFIER_OF),
        load("cues")["exceptions"]["phrases"],
    ],
)
def test_a_lexicon_grouped_by_first_letter_matches_as_the_plain_alternation(phrases, texts, monkeypatch):
    grouped = re.compile(f"(?:{alternation(phrases)})", re.IGNORECASE)
    monkeypatch.setattr(lexicon, "_by_first_letter", "|".join)
    plain = re.compile(f"(?:{alternation(phrases)})", re.IGNORECASE)
    assert grouped.pattern != plain.pattern
    found = _spans(plain, texts)
    assert _spans(grouped, texts) == found
    assert sum(map(len, found)) > 50


def test_phrases_that_differ_in_case_keep_their_order():
    # "D" and "d" both match "d" under IGNORECASE: grouped apart, the first written would no longer win
    assert lexicon._by_first_letter(["Dx", "d", "D"]) == "Dx|d|D"
    assert lexicon._by_first_letter(["no", "never", "x"]) == "n(?:o|ever)|x"
    assert lexicon._by_first_letter(["µg", "mg"]) == "µg|mg"  # µ and μ are one letter to IGNORECASE


def test_the_last_word_search_finds_what_the_plain_search_finds(texts):
    plain = re.compile(r"([^\W\d_][\w-]*)\W*$")
    for text in texts:
        for piece in (text, text[: len(text) // 2], text.rstrip(" .;")):
            found, fast = plain.search(piece), clauses._LAST_WORD.search(piece)
            assert (found and (found.span(), found[1])) == (fast and (fast.span(), fast[1]))


def test_one_search_finds_a_review_reason_wherever_one_reason_does(texts):
    """``unstructured_reason``'s pre-test: the phrases and patterns under one word-start test."""
    reasons = [p for r, p in context._UNSTRUCTURED if r not in context._REQUIRED]
    asked = [bool(context._ANY_UNSTRUCTURED.search(t.lower())) for t in texts]
    assert asked == [any(p.search(t) for p in reasons) for t in texts]
    assert sum(asked) > 100


@pytest.mark.parametrize(
    ("pattern", "look"),
    [
        (grammar._NUMBER, "(?=[-−.\\d])"),
        (context.AXIS_PHRASE, "(?=[ncawgfkrhstmlb<>≥≤≧≦\\\\])"),
        (clauses._STUDY_EVENT, "(?<!\\w)"),
    ],
)
def test_a_look_that_fails_most_places_at_once_changes_no_match(pattern, look, texts):
    assert pattern.pattern.startswith(look)
    plain = re.compile(pattern.pattern.removeprefix(look), pattern.flags)
    found = _spans(plain, texts)
    assert _spans(pattern, texts) == found
    assert sum(map(len, found)) > 20


def test_a_text_without_a_comparator_than_or_between_writes_no_malformed_limit(texts):
    for text in texts:
        if not any(cue in text.lower() for cue in grammar._MALFORMED_CUES):
            assert not any(p.search(text) for _, p in grammar._MALFORMED)
    assert grammar.unreadable("Hemoglobin < < 11 g/dL")
