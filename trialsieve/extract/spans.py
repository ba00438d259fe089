"""Positions in one criterion's text, shared by every step that turns its pieces into leaves.

``Spans`` holds the entity spans of a criterion (the tagger's, mended, and those the grammar adds) and
answers the questions every reader asks of them: which concepts lie in a piece, what kind names a
variable, whether a negation cue denies a piece. The small functions beside it trim a piece to its
words, cut a piece at its top-level connectives and make the review leaf that says why a piece is
not computable. They live apart from ``structure`` so that the readers of limits, concepts and
clauses can share them without importing the assembly that calls them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from trialsieve.extract import (
    context,
    fixed_names,
)
from trialsieve.extract.grammar import Limit
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.rules import (
    Entity,
    Unstructured,
)

if TYPE_CHECKING:
    from trialsieve.extract.relations import LogicModel

_EDGE_JUNK = " \t\r\n,;:.-–—*•()[]"
#: Longer than any tagged name: how far before a span to look for a name that overlaps it.
LONGEST_NAME = 300
#: how many characters after a tagged negation cue may complete it ("out of |range|")
_CUE_COMPLETION_REACH = 25
#: Entity types that name a clinical concept: what a presence leaf asks about.
CONCEPT_TYPES = frozenset({"condition", "drug", "procedure", "observation"})


@dataclass
class Spans:
    """The entity spans the grammar finds, beside the tagger's (``tagged``, None without a model).

    The grammar stays authoritative for numbers, operators and units; tagged spans give
    variables their kind, presence leaves their concept, and negation cues the grammar missed.
    """

    tagged: list[Entity] | None
    found: list[Entity] = field(default_factory=list)
    logic: LogicModel | None = None  # reads negation and how leaves relate; None: the cue lexicons do
    section: str = "unknown"
    given: list[Entity] | None = None  # the tagger's spans as it gave them, before ``concept_spans`` mends them

    def append(self, entity: Entity) -> None:
        self.found.append(entity)

    def extend(self, entities) -> None:
        self.found.extend(entities)

    def inside(self, start: int, end: int, types=CONCEPT_TYPES) -> list[Entity]:
        """Tagged entities of ``types`` that lie within ``start:end``."""
        return [e for e in self.starting(start, end) if e.type in types and e.end <= end]

    def starting(self, start: int, end: int) -> list[Entity]:
        """Tagged entities that start within ``start:end``: a bisection, so that asking once per leaf
        stays linear in a long criterion."""
        tagged = self._by_start
        return tagged[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    @cached_property
    def _by_start(self) -> list[Entity]:
        return sorted(self.tagged or (), key=lambda e: e.start)

    @cached_property
    def _starts(self) -> list[int]:
        return [e.start for e in self._by_start]

    def denied(self, text: str, start: int, end: int) -> bool:
        """Whether a tagged negation cue lies within ``start:end``; "non" in a name ("non-melanoma")
        is none, nor is a failure ("Failure to control seizures": the seizures are there), nor what
        the criterion does ("Will be excluded from study subjects with history of cancer"), nor words
        that deny nothing (``negation_hints``: "conditions that may |predispose| them to priapism",
        "Acting |out of| dreams")."""
        return any(
            not context.name_prefix(text, cue.start)
            and not context.NOT_DENYING.match(text, cue.start)
            and not context.EXCLUSION_WORDS.match(text, cue.start)
            and context.NEGATION_HINTS.search(text[cue.start : cue.end + _CUE_COMPLETION_REACH]) is not None
            for cue in self.inside(start, end, ("negation",))
        )

    def kind_at(self, span: tuple[int, int]) -> str | None:
        """The type of the first tagged concept overlapping ``span``."""
        near = self.starting(span[0] - LONGEST_NAME, span[1])
        hits = (e for e in near if e.type in CONCEPT_TYPES and span[0] < e.end)
        return next((e.type for e in hits), None)

    def variable(self, text: str, var: tuple[int, int] | None, limit: Limit, floor: int) -> tuple[int, int] | None:
        """The grammar's variable, unless it names no tagged concept and one sits just before the
        limit (same clause) or right after it: "Smokers (> 20 cigarettes per week)" bounds smokers.
        A definition cue starts the clause: in "Mild TBI as defined by a GCS of 13-15" the GCS is bounded."""
        if self.tagged is None:
            return var
        if var is not None and (var[0] >= limit.end or self.kind_at(var) is not None):
            return var  # named, or named after the limit on purpose: "a score of >= 3 on PANSS item P1"
        if var is not None and (cue := context.DEFINITION.search(text, floor, limit.start)) and cue.end() <= var[0]:
            floor = cue.end()
        clause = self.inside(floor, limit.start)
        before = [e for e in clause if ";" not in text[e.end : limit.start]]
        following = self.starting(limit.end, limit.end + LONGEST_NAME)
        after = [e for e in following if e.type in CONCEPT_TYPES and not text[limit.end : e.start].strip(" ,:-")]
        chosen = before[-1] if before else after[0] if after else None
        if chosen is None:
            return var
        glossing = [e for e in clause if _GLOSSED.fullmatch(text, e.end, chosen.start)]
        return ((glossing[-1] if glossing else chosen).start, chosen.end)  # "CHF (NYHA" is one concept

    def output(self) -> list[Entity]:
        """The tagger's entities, as it gave them, when there is a model, else the grammar's. The mends
        (a list item's modifier, a hyphenated adjective, a substance's use) serve the rule's concepts; as
        entity spans they part from LCT's convention (core strict F1 0.724 -> 0.703 on the test part)."""
        chosen = self.found if self.tagged is None else self.given if self.given is not None else self.tagged
        return sorted(chosen, key=lambda e: (e.start, e.end))


def review_atom(text: str, start: int, end: int, reason: str) -> _Atom:
    """A leaf for a person to read, with the polarity its words give it ("unable to swallow")."""
    words = text[start:end]
    negated = context.denies_review(words, reason)
    return _Atom(start, end, Unstructured(text=words, reason=reason, negated=negated, span=(start, end)))


_GLOSSED = re.compile(r"\s*\(\s*")  # what stands between a concept and its abbreviation or scale


def top_level_cuts(text: str, start: int, end: int, pattern: re.Pattern[str], keep=None) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between matches of ``pattern`` outside parentheses."""
    pieces, pos = [], start
    for found in pattern.finditer(text, start, end):
        if found.start() < pos or found.end() == found.start():
            continue
        before = text[start : found.start()]
        if before.count("(") > before.count(")") or (keep is not None and not keep(text, pos, found.start())):
            continue
        if fixed_names.inside(text, found.start()):  # "head and neck", "ear, nose and throat": one name, no list
            continue
        pieces.append((pos, found.start()))
        pos = found.end()
    pieces.append((pos, end))
    return [p for p in pieces if p[1] > p[0]]


def uncovered(length: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps, pos = [], 0
    for start, end in sorted(covered):
        if start > pos:
            gaps.append((pos, start))
        pos = max(pos, end)
    if pos < length:
        gaps.append((pos, length))
    return gaps


def whole_span(text: str) -> tuple[int, int]:
    """The span of ``text`` without its blank edges (a blanked list marker, trailing spaces)."""
    first = len(text) - len(text.lstrip())
    return first, max(first, len(text.rstrip()))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    # keep balanced parentheses: "infection (HIV, HTLV-1/2)" loses neither bracket
    while end < len(text) and text[start:end].count("(") > text[start:end].count(")") and text[end] == ")":
        end += 1
    if text[start:end].count(")") > text[start:end].count("(") and text[end - 1 : end] == ")":
        end -= 1
    for word in ("and/or", "and", "or", "with", "plus"):
        if text[start:end].lower().endswith(" " + word):
            end -= len(word) + 1
        if text[start:end].lower().startswith(word + " "):
            start += len(word) + 1
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK and text[end - 1] != ")":
        end -= 1
    return start, end


def span_text(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def span_entity(kind: str, span: tuple[int, int], text: str) -> Entity:
    return Entity(type=kind, start=span[0], end=span[1], text=text[span[0] : span[1]])
