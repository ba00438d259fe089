"""Statements that name a concept with a grade or a stage: "Female patients with Peripheral neuropathy grade 3
or 4 are excluded from the primary trial", "Participants must be older than 18, have histologically confirmed
stage 4 breast cancer, ECOG<2 and ...".

The note reader and the rule tree read such a grade unevenly ("Peripheral neuropathy of Grade >= 3" is a limit
on a variable, "Grade 2 peripheral neuropathy" one concept), and the concept check (``concept_statements``)
leaves a statement with words it did not read, the grade among them, at "cannot tell". Yet what the statement
asks is plain: which grades of the concept the trial takes. It is read here from the words, the same way on
both sides (``lexicons/graded_statements.json``): one grade or stage phrase ("grade 3 or 4", "Grade >/= 3",
"stage I, II or III", "Grade III ... or above") gives a set of values on the scale, and the other words, less
filler, are the concept. A criterion decides when it is a criterion of its own (top level, no sub-criteria),
its concept is word for word the statement's, and nothing else in it (an option, a negation, an exception, a
time, a condition: ``unsettled``) narrows it; a criterion whose grade lost its comparator ("Grade  2
peripheral neuropathy", a symbol dropped by the registry's text) decides nothing. Nor does anything when
another criterion speaks of the concept without being such a criterion: one that holds all its words, or its
head noun beside a grade, a stage or a number ("Presence of neuropathy >/= 2" beside "peripheral neuropathy").

The grades the trial takes are those every deciding inclusion asks for, less those any deciding exclusion
names. Then "excluded" holds when none of the statement's grades is taken and fails when one is; "admitted"
holds when all are taken and fails when none is; "required" holds when an inclusion decides and the grades it
takes are the statement's, and fails when they differ. A statement that narrows whom it means ("Female
patients with ...") is judged by the criterion on the concept, but never said to be taken: who they are may rule
them out whatever their grade. A statement of several requirements ("must be older
than 18, have ... stage 4 breast cancer, ECOG<2 and ...") is a conjunction: its graded clause is judged here,
the others by ``requirements.judge``, and it fails when one clause fails, holds when every clause holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.app.citations import criterion_label
from trialsieve.app.requirements import Judgement, Part
from trialsieve.extract.lexicon import alternation, load

if TYPE_CHECKING:
    from trialsieve.trial import StructuredTrial

Claim = Literal["required", "excluded", "admitted"]
_KEYS = {"_doc", "scales", "numerals", "operators", "joins", "upward", "references", "group_words", "filler"}
_KEYS |= {"unsettled"}
_OPERATOR_KEYS = {"_doc", "at_least", "above", "at_most", "below"}
_CANNOT = Judgement("cannot tell", [])


@dataclass(frozen=True)
class _Lexicon:
    scales: dict[str, tuple[frozenset[str], int, int]]
    numerals: dict[str, int]
    phrase: re.Pattern[str]
    operators: dict[str, str]  # a written comparator, lower case, spaces single -> its key
    upward: re.Pattern[str]
    trailing: re.Pattern[str]  # "Grade III peripheral neuropathy or above": the same words after the concept
    references: re.Pattern[str]
    group: frozenset[str]
    filler: frozenset[str]
    unsettled: re.Pattern[str]
    range_joins: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    data = load("graded_statements", package="trialsieve.app")
    if set(data) != _KEYS or set(data["operators"]) != _OPERATOR_KEYS:
        raise ValueError(f"lexicons/graded_statements.json: keys {sorted(_KEYS)}, operators {sorted(_OPERATOR_KEYS)}")
    scales = {
        name: (frozenset(s["names"]), int(s["lowest"]), int(s["highest"]))
        for name, s in data["scales"].items()
        if name != "_doc"
    }
    if any(set(s) != {"names", "lowest", "highest"} for name, s in data["scales"].items() if name != "_doc"):
        raise ValueError("lexicons/graded_statements.json: each scale has names, lowest and highest")
    numerals = {k.lower(): int(v) for k, v in data["numerals"]["values"].items()}
    operators = {" ".join(w.lower().split()): key for key, ws in data["operators"].items() if key != "_doc" for w in ws}
    joins = data["joins"]["list"] + data["joins"]["range"]
    number = rf"(?<![\w.])(?:{'|'.join(sorted(map(re.escape, numerals), key=len, reverse=True))})(?!\w|\.\d)"
    name = alternation([n for names, _, _ in scales.values() for n in names])
    operator = alternation(list(operators))
    join = alternation(joins)
    phrase = (
        rf"(?:(?P<pre>{operator})\s*)?(?P<scale>{name})\s*(?:of\s+)?(?:(?P<op>{operator})\s*)?"
        rf"(?P<values>{number}(?:\s*(?:{join})\s*{number})*)"
    )
    return _Lexicon(
        scales,
        numerals,
        re.compile(phrase, re.IGNORECASE),
        operators,
        re.compile(rf"^\s*(?:{alternation(data['upward']['phrases'])})", re.IGNORECASE),
        re.compile(rf"(?:{alternation(data['upward']['phrases'])})\s*$", re.IGNORECASE),
        re.compile(data["references"]["pattern"], re.IGNORECASE),
        frozenset(data["group_words"]["words"]),
        frozenset(data["filler"]["words"]),
        re.compile(data["unsettled"]["pattern"], re.IGNORECASE),
        frozenset(data["joins"]["range"]),
    )


@dataclass(frozen=True)
class Graded:
    """A concept with a grade: its scale, the values the text allows of it, its words (less filler and the
    grade), the words that only narrow who is meant ("female"), and the text with the grade blanked."""

    scale: str
    values: frozenset[int]
    words: tuple[str, ...]
    group: frozenset[str]
    rest: str
    span: tuple[int, int]


def _words(text: str) -> list[str]:
    """The words of ``text`` in order, less a plural's final "s" ("tumors" is "tumor")."""
    found = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in found]


def _scale_of(written: str) -> str | None:
    return next((s for s, (names, _, _) in _lexicon().scales.items() if written.lower() in names), None)


def read_graded(text: str, criterion: bool = False) -> Graded | None:
    """The concept ``text`` names with one grade or stage, or None (no grade, several, or a lost comparator)."""
    lexicon = _lexicon()
    text = lexicon.references.sub("", text) if criterion else " ".join(text.split())
    found = list(lexicon.phrase.finditer(text))
    if len(found) != 1:
        return None
    match = found[0]
    if "  " in match[0] or (criterion and re.search(r"\s{2}$", text[: match.start()])):
        return None  # "Grade  2 peripheral neuropathy": a comparator the registry's text lost
    scale = _scale_of(match["scale"])
    if scale is None or (match["pre"] and match["op"]):
        return None
    _, lowest, highest = lexicon.scales[scale]
    numbers = re.findall(r"[0-9]+|[ivx]+", match["values"].lower())
    values = [lexicon.numerals[n] for n in numbers if n in lexicon.numerals]
    if len(values) != len(numbers) or not all(lowest <= v <= highest for v in values):
        return None
    end = match.end()
    operator = lexicon.operators.get(" ".join((match["pre"] or match["op"] or "").lower().split()))
    upward = lexicon.upward.search(text[end:]) or (None if criterion else lexicon.trailing.search(text[end:]))
    if len(values) == 1:
        value = values[0]
        if operator and upward:
            return None
        bounds = {
            "at_least": (value, highest),
            "above": (value + 1, highest),
            "at_most": (lowest, value),
            "below": (lowest, value - 1),
        }.get(operator or "", (value, highest) if upward else (value, value))
        allowed = frozenset(range(bounds[0], bounds[1] + 1))
    elif operator or upward:
        return None
    elif any(j in match["values"].lower().split() or j in match["values"] for j in lexicon.range_joins):
        if len(values) != 2 or values[0] > values[1]:
            return None
        allowed = frozenset(range(values[0], values[1] + 1))
    else:
        allowed = frozenset(values)
    spans = [(match.start(), end)]
    if upward is not None:  # "or above" is read with the grade
        spans.append((end + upward.start(), end + upward.end()))
    rest = text
    for a, b in spans:
        rest = rest[:a] + " " * (b - a) + rest[b:]
    if not allowed:
        return None
    words = [w for w in _words(rest) if w not in lexicon.filler]
    group = frozenset(w for w in words if w in lexicon.group)
    concept = tuple(w for w in words if w not in lexicon.group)
    if not concept:
        return None
    return Graded(scale, allowed, concept, group, rest, (match.start(), end))


def _touches(text: str, stated: Graded) -> bool:
    """Whether a criterion speaks of the statement's concept: all its words, or its head noun beside a grade,
    a stage or a number."""
    words = set(_words(text))
    if set(stated.words) <= words:
        return True
    head = stated.words[-1]
    return head in words and (bool(_lexicon().phrase.search(text)) or bool(re.search(r"\d", text)))


@dataclass(frozen=True)
class _Decider:
    section: str
    criterion: str
    text: str
    values: frozenset[int]


def judge_graded(text: str, claim: Claim, structured: StructuredTrial) -> Judgement:
    """Yes, no or cannot tell: does ``structured`` do with the grades of the concept ``text`` names what
    ``claim`` says (see the module docstring)."""
    lexicon = _lexicon()
    stated = read_graded(text)
    if stated is None or lexicon.unsettled.search(stated.rest):
        return _CANNOT
    parents = {c.parent for c in structured.criteria}
    deciders = []
    for criterion in structured.criteria:
        graded = None
        if criterion.parent is None and criterion.id not in parents and criterion.section in ("inclusion", "exclusion"):
            graded = read_graded(criterion.text, criterion=True)
        if graded is not None and graded.scale == stated.scale and graded.words == stated.words and not graded.group:
            if lexicon.unsettled.search(graded.rest):
                return _CANNOT  # the criterion on the concept asks more than its grade
            deciders.append(_Decider(criterion.section, criterion.id, criterion.text, graded.values))
        elif _touches(criterion.text, stated):
            return _CANNOT
    if not deciders:
        return _CANNOT
    _, lowest, highest = lexicon.scales[stated.scale]
    taken = frozenset(range(lowest, highest + 1))
    asked = [d for d in deciders if d.section == "inclusion"]
    for d in asked:
        taken &= d.values
    for d in deciders:
        if d.section == "exclusion":
            taken -= d.values
    said = stated.values
    if claim == "excluded":
        holds = not said & taken
    elif claim == "admitted":
        holds = True if said <= taken else False if not said & taken else None
    else:
        holds = None if not asked or any(d.section == "exclusion" for d in deciders) else said == taken
    if holds is None or (stated.group and holds == (claim != "excluded")):
        return _CANNOT  # "Men with ...": who they are may rule them out whatever their grade, so never "taken"
    written = " ".join(text.split())
    parts = [Part(written, "holds" if holds else "fails", (d.criterion,), _said(d, stated.scale)) for d in deciders]
    return Judgement("yes" if holds else "no", parts)


def _said(decider: _Decider, scale: str) -> str:
    """How the criterion treats the concept's grades: "Exclusion 3 excludes grade 3 to 5: Peripheral neuropathy
    of Grade >/= 3 ..."."""
    does = "asks for" if decider.section == "inclusion" else "excludes"
    low, high = min(decider.values), max(decider.values)
    grades = f"{scale} {low}" if low == high else f"{scale} {low} to {high}"
    if len(decider.values) != high - low + 1:
        grades = f"{scale} " + ", ".join(str(v) for v in sorted(decider.values))
    return f"{criterion_label(decider.criterion)} {does} {grades}: {decider.text.strip().rstrip('.')}"


_CLAUSES = re.compile(r",\s*(?:and\s+)?|\s+and\s+|;\s*", re.IGNORECASE)


def judge_graded_requirement(
    text: str, structured: StructuredTrial, judge_clause: Callable[[str], Judgement]
) -> Judgement:
    """A requirement of several clauses, one of them graded ("be older than 18, have ... stage 4 breast
    cancer, ECOG<2 and ..."): the graded clause judged here, each other clause by ``judge_clause``; "no" when
    one fails, "yes" when all hold (see the module docstring)."""
    flat = " ".join(text.split())
    found = list(_lexicon().phrase.finditer(flat))
    if len(found) != 1:
        return _CANNOT
    span = found[0].span()
    cuts = [m for m in _CLAUSES.finditer(flat) if not (span[0] <= m.start() < span[1])]
    clauses, start = [], 0
    for cut in cuts:
        clauses.append(flat[start : cut.start()])
        start = cut.end()
    clauses.append(flat[start:])
    judged = []
    for clause in (c.strip() for c in clauses):
        if not clause:
            continue
        inside = flat.find(clause) <= span[0] < flat.find(clause) + len(clause)
        judged.append(judge_graded(clause, "required", structured) if inside else judge_clause(clause))
    if any(j.verdict == "no" for j in judged):
        return Judgement("no", [p for j in judged if j.verdict == "no" for p in j.parts if p.verdict == "fails"])
    if judged and all(j.verdict == "yes" for j in judged):
        return Judgement("yes", [p for j in judged for p in j.parts])
    return _CANNOT
