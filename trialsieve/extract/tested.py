"""A negative test says that what it tests for is absent.

"Women of childbearing potential must have a negative serum pregnancy test" asks that the patient is not
pregnant. Read as a presence of the test, it was met by any record of one, a pregnant woman's positive test
included, and a record of the pregnancy itself never ruled her out. A test named in the lexicon
(``scope.json`` ``tested_states``) with "negative" written just before it ("negative urine or serum
pregnancy test", "tested negative in a pregnancy test") or just after it ("pregnancy test is negative") is
read as the state it tests for, denied, with the test beside it as how it is found (``role: method``).
One written positive ("a positive serum pregnancy test", "a positive urine cotinine test") is the state,
present: read as the test's presence, any record of a test excluded, whatever its result. A test the
lexicon names no state for keeps its result as a qualifier ("a positive urine drug screen": "positive
result"), which the matcher reads strictly: a routine negative screen on record had ruled the patient out.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.trees import rebuild
from trialsieve.rules import All, Concept, Presence, Rule

_LEXICON = load("scope")["tested_states"]
#: Test name (lower case) -> the state it tests for.
_TESTS = {test.lower(): state for state, tests in _LEXICON["states"].items() for test in tests}
_BEFORE = re.compile(_LEXICON["before"], re.IGNORECASE)
_AFTER = re.compile(_LEXICON["after"], re.IGNORECASE)
_POSITIVE_BEFORE = re.compile(_LEXICON["positive_before"], re.IGNORECASE)
_POSITIVE_AFTER = re.compile(_LEXICON["positive_after"], re.IGNORECASE)
#: the name of a test: "urine drug |screen|", "Bragard |test|"
_TEST_NAME = re.compile(rf"(?:^|\s)(?:{alternation(_LEXICON['test_words'])})$", re.IGNORECASE)
#: a test word right after a concept the tagger cut before it: "urine drug| screen"
_TEST_WORD_AFTER = re.compile(rf"\s+(?:{alternation(_LEXICON['test_words'])})(?![\w-])", re.IGNORECASE)
#: a result the tagger took into the concept: "|positive |urine alcohol test"
_RESULT_TAKEN = re.compile(r"(?:positive|negative)\s+", re.IGNORECASE)


def negative_tests(text: str, rule: Rule, section: str) -> Rule:
    """``rule`` (whose spans index ``text``) with each negative test of an inclusion read as its state denied,
    and each positive test as its state present. An exclusion that says a test must be negative means the
    opposite of what it lists: read so, it would exclude every woman who is not pregnant."""

    def read(leaf: Rule) -> Rule:
        if section == "inclusion" and (denied := _tested_state(text, leaf, _BEFORE, _AFTER, negated=True)):
            return denied
        if found := _tested_state(text, leaf, _POSITIVE_BEFORE, _POSITIVE_AFTER, negated=False):
            return found
        if section == "inclusion" and _written(text, leaf, _BEFORE, _AFTER):
            return _with_result(leaf, "negative result")
        return (
            _with_result(leaf, "positive result") if _written(text, leaf, _POSITIVE_BEFORE, _POSITIVE_AFTER) else leaf
        )

    return rebuild(rule, read) or rule


def _tested_state(
    text: str, leaf: Rule, before: re.Pattern[str], after: re.Pattern[str], *, negated: bool
) -> Rule | None:
    """all(<state>, <test> as method) for a presence of a test whose result ``before`` or ``after`` it
    writes, the state denied for a negative result; None otherwise. A test written positive had been the
    test's presence, met by any record of one (a negative result included)."""
    if not isinstance(leaf, Presence) or leaf.negated or leaf.role is not None:
        return None
    name = leaf.concept.text.lower()
    state = next((s for test, s in _TESTS.items() if name == test or name.endswith(" " + test)), None)
    start, end = leaf.concept.span or leaf.span
    if state is None or not (before.search(text, 0, start) or after.match(text, end)):
        return None
    named = re.compile(re.escape(state), re.IGNORECASE).search(text, start, end)  # inside "urine pregnancy test"
    span = named.span() if named else None
    found = Presence(
        concept=Concept(text=text[span[0] : span[1]] if span else state, kind="condition", span=span),
        negated=negated,
        temporal=leaf.temporal,
        span=leaf.span,
        source=leaf.source,
    )
    method = leaf.model_copy(update={"role": "method", "qualifiers": []})
    return All(args=[found, method])


def _written(text: str, leaf: Rule, before: re.Pattern[str], after: re.Pattern[str]) -> bool:
    """Whether ``leaf`` is the presence of a test the lexicon names no state for, its result written
    ``before`` or ``after`` it. The tagger may leave the test word out of the concept ("urine drug|
    screen") or take the result into it ("positive urine alcohol test")."""
    if not isinstance(leaf, Presence) or leaf.negated or leaf.role is not None or leaf.concept.kind == "drug":
        return False
    start, end = leaf.concept.span or leaf.span
    if named := _TEST_WORD_AFTER.match(text, end):
        end = named.end()
    if taken := _RESULT_TAKEN.match(text, start):
        start = taken.end()
    name = text[start:end].lower()
    if not _TEST_NAME.search(name) or any(name == t or name.endswith(" " + t) for t in _TESTS):
        return False
    return bool(before.search(text, 0, start) or after.match(text, end))


def _with_result(leaf: Presence, result: str) -> Presence:
    """``leaf`` asking for the test's ``result``."""
    return leaf.model_copy(update={"qualifiers": list(dict.fromkeys([*leaf.qualifiers, result]))})
