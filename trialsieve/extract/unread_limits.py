"""A measure named beside a limit the grammar did not read is for a person.

"Are between a body mass index of 18.5 and 30 kg/m2", "HbA1c is between 6.5% 10%", "ASA > III",
"NYHA I-II functional status": the measure became a presence leaf and its limit was lost. A
presence of a measure is met by any reading of it, so the inclusion let every BMI through and the
exclusion ruled out every patient with an ASA score: a quiet wrong verdict either way. ``marked``
makes such a leaf a review (``UNREAD``), negated as the leaf was, when a limit word stands beside
the measure's words in its clause and no leaf of the tree read it. It reads the tree the logic
built, so the review stands where the leaf stood. The words are ``lexicons/unread_limits.json``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Presence, Rule, Unstructured, leaves

_LEXICON = load_checked("unread_limits", {"_doc", "kinds", "limit", "reach", "edges"})
_KINDS = frozenset(_LEXICON["kinds"])
_LIMIT = re.compile(_LEXICON["limit"])
_REACH = _LEXICON["reach"]
_EDGE = re.compile(_LEXICON["edges"], re.IGNORECASE)
#: a list's number, no limit: "(3) Renal function", "3) Renal function"
_MARKER = re.compile(r"\d{1,2}\)\s")
#: the reason of the review
UNREAD = "a limit not read"


def marked(text: str, rule: Rule) -> Rule:
    """``rule`` with each presence of a measure that has an unread limit beside it made a review."""
    measures = [leaf for leaf in leaves(rule) if _measure(leaf)]
    if not measures:
        return rule
    read = _read_spans(rule)
    limits = [
        m.span()
        for m in _LIMIT.finditer(text)
        if not any(s <= m.start() and m.end() <= e for s, e in read) and not _MARKER.match(text, m.start())
    ]
    unread = {id(leaf) for leaf in measures if any(_beside(text, leaf.concept.span, limit) for limit in limits)}
    if not unread:
        return rule
    return rebuild(rule, lambda leaf: _review(text, leaf) if id(leaf) in unread else leaf) or rule


def _measure(leaf: Rule) -> bool:
    return isinstance(leaf, Presence) and leaf.concept.kind in _KINDS and leaf.concept.span is not None


def _read_spans(rule: Rule) -> list[tuple[int, int]]:
    """What the tree's leaves read: limits, ages and reviews whole, windows, and concepts' own words."""
    read = []
    for leaf in leaves(rule):
        if isinstance(leaf, Presence):
            read += [leaf.concept.span] if leaf.concept.span else []
            read += [leaf.temporal.span] if leaf.temporal else []
        else:
            read.append(leaf.span)
            read += [leaf.temporal.span] if getattr(leaf, "temporal", None) else []
    return [tuple(span) for span in read if span]


def _beside(text: str, words: tuple[int, int], limit: tuple[int, int]) -> bool:
    """Whether ``limit`` is within reach of the measure's ``words``, with no clause edge between."""
    if limit[0] >= words[1]:
        gap = (words[1], limit[0])
    elif limit[1] <= words[0]:
        gap = (limit[1], words[0])
    else:
        return False  # inside the measure's own words: its name
    if text[gap[0] : gap[1]] in ("", "-"):
        return False  # glued to its words: "IIEF-5", "Drug Abuse Screening Test-10" name the measure
    return gap[1] - gap[0] <= _REACH and not _EDGE.search(text, *gap)


def _review(text: str, leaf: Presence) -> Unstructured:
    first, last = leaf.span
    return Unstructured(text=text[first:last], reason=UNREAD, negated=leaf.negated, span=(first, last))
