"""A past-time word as the first alternative of a time asks about the concept at any time.

"History or current nitrate use" asks whether the patient ever used nitrates. The tagger names no
concept in "History", so it was a review leaf OR-ed to "current nitrate": a patient on no nitrates got
a review, not a verdict, and one who had stopped them was not met. ``widened`` drops the word and gives
each concept after it in the clause the "history of" qualifier, which the matcher reads as any time,
past or present (``lexicons/any_time.json``).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load_checked
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import NO_CONCEPT, Rule

_LEXICON = load_checked("any_time", {"_doc", "past_words", "joins"})
_PAST = re.compile(rf"(?:{alternation(_LEXICON['past_words'])})", re.IGNORECASE)
_JOIN = re.compile(rf"\s+(?:{alternation(_LEXICON['joins'])})\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")
_ANY_TIME = "history of"


def widened(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` without a bare past-time alternative, its clause's concepts asked at any time."""
    for atom in atoms:
        if not _is_past_word(text, atom):
            continue
        end = _CLAUSE_END.search(text, atom.end)
        clause_end = end.start() if end else len(text)
        rest = [a for a in atoms if a is not atom]
        return widened(text, [_any_time(a) if atom.end <= a.start < clause_end else a for a in rest])
    return atoms


def _is_past_word(text: str, atom: Atom) -> bool:
    rule = atom.rule
    return (
        rule.type == "unstructured"
        and rule.reason == NO_CONCEPT
        and _PAST.fullmatch(rule.text.strip()) is not None
        and _JOIN.match(text, atom.end) is not None
    )


def _any_time(atom: Atom) -> Atom:
    def asked_ever(leaf: Rule) -> Rule:
        if leaf.type != "presence" or leaf.role is not None or _ANY_TIME in leaf.qualifiers:
            return leaf
        return leaf.model_copy(update={"qualifiers": [_ANY_TIME, *leaf.qualifiers]})

    return Atom(atom.start, atom.end, rebuild(atom.rule, asked_ever))
