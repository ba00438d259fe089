"""Organ functions listed under "adequate" are each required.

"Adequate renal, hepatic, and cardiac function" asks for all three: a patient with good kidneys and
a failing heart does not meet it. The logic model reads the comma list like a list of conditions and
made alternatives of it (any renal, hepatic or cardiac function), and where the tagger named only the
shared "function" the other organs fell away ("Adequate hematological, renal and hepatic functions"
kept hepatic function alone) or the whole became a review ("adequate bone marrow, liver and renal
function"). A list joined by "and" after a word of sufficiency and before the head it shares
(``lexicons/adequate_functions.json``) is read here as all(one function per organ), the head lent to
each item; so is a list that follows "organ function" and an example cue ("Normal major organ function,
such as heart, liver, and kidney"). A denial before the cue in the clause ("Lack of adequate ...")
leaves the text as it was read, and so does a neighbouring reading that runs into the list from
outside it.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load_checked
from trialsieve.extract.logic import Atom
from trialsieve.rules import All, Concept, Presence, Rule, Unstructured, leaves

_LEXICON = load_checked("adequate_functions", {"_doc", "words", "heads", "lead"})
_WORD = r"(?!(?:and|or|nor|with|of|the|in|as)\b)[^\W\d_][\w-]*"
_ITEM = rf"{_WORD}(?:\s+{_WORD})?"
LIST = re.compile(
    rf"(?<![\w-])(?:{alternation(_LEXICON['words'])})\s+"
    rf"(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s*(?:and|&)\s+{_ITEM})\s+"
    rf"(?P<head>{alternation(_LEXICON['heads'])})",
    re.IGNORECASE,
)
#: the organs after the function they share: "Normal major organ function, such as heart, liver, and kidney"
NAMED_AFTER = re.compile(
    rf"(?<![\w-])(?:{alternation(_LEXICON['words'])})\s+(?:(?:major|vital|end)[\s-]+)?organ\s+"
    rf"(?P<head>{alternation(_LEXICON['heads'])})\s*,?\s*\(?\s*(?:{context.EXAMPLES.pattern})[\s,:]*"
    rf"(?P<items>{_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s*(?:and|&)\s+{_ITEM})(?=\s*(?:[);.]|$))",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s*,?\s*\b(?:and|&)\s+|\s*&\s*", re.IGNORECASE)
_LEAD = frozenset(_LEXICON["lead"])
_CLAUSE_EDGE = re.compile(r"[.;:]\s|[.;:]$")


def each(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each list of organ functions under a word of sufficiency read as all of them; where
    the criterion gives no limit, a review (``unmeasured``)."""
    for m in [*LIST.finditer(text), *NAMED_AFTER.finditer(text)]:
        atoms = _required(text, m, atoms)
    return unmeasured(text, atoms)


#: the reason of the review an adequacy with no limit is
ADEQUACY = "adequacy without limits"
#: a function named with the word of sufficiency: "Adequate renal function", "Normal liver function"
_NAMED = re.compile(
    rf"(?:{alternation(_LEXICON['words'])})\s+(?:[\w-]+\s+){{0,3}}?(?:{alternation(_LEXICON['heads'])})",
    re.IGNORECASE,
)


def unmeasured(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each adequate function a review when the criterion gives no limit for it.

    "Adequate hematologic and end-organ function" says nothing a record can be held to: read as the
    presence of "hematologic function" it asked for a diagnosis no record holds, and the limits that
    make it adequate are the protocol's, not the criterion's. Where a limit is written ("Adequate renal
    function (eGFR >= 60)"), the limit says it, and the leaves stay as they are."""
    if any(leaf.type in ("comparison", "demographic") for a in atoms for leaf in leaves(a.rule)):
        return atoms
    out = []
    for atom in atoms:
        named = [leaf for leaf in leaves(atom.rule) if _adequate(text, leaf)]
        timed = any(leaf.temporal for leaf in named)  # "within 14 days ... defined as:": the window reaches the limits
        if not named or len(named) != len(leaves(atom.rule)) or timed:
            out.append(atom)
            continue
        first, last = (
            min(atom.start, *(leaf.span[0] for leaf in named)),
            max(atom.end, *(leaf.span[1] for leaf in named)),
        )
        first = min(first, _cue_start(text, first))
        out.append(Atom(first, last, Unstructured(text=text[first:last], reason=ADEQUACY, span=(first, last))))
    return out


def _adequate(text: str, leaf: Rule) -> bool:
    """Whether a leaf names a function said to suffice: in its own words, or under the list's cue."""
    if not isinstance(leaf, Presence) or leaf.negated or leaf.concept.span is None:
        return False
    start = leaf.concept.span[0]
    if _NAMED.fullmatch(leaf.concept.text):
        return True
    head = re.search(rf"(?:{alternation(_LEXICON['heads'])})$", leaf.concept.text, re.IGNORECASE)
    return head is not None and _cue_start(text, start) < start


def _cue_start(text: str, start: int) -> int:
    """Where the word of sufficiency that opens the list ``start`` is in begins, or ``start``."""
    found = [m for m in [*LIST.finditer(text), *NAMED_AFTER.finditer(text)] if m.start() <= start < m.end()]
    return found[0].start() if found else start


def _required(text: str, m: re.Match[str], atoms: list[Atom]) -> list[Atom]:
    clause = max((e.end() for e in _CLAUSE_EDGE.finditer(text, 0, m.start())), default=0)
    if context.NEGATION_CUES.search(text, clause, m.start()):
        return atoms  # "Lack of adequate renal and hepatic function": not read here
    first = min(m.start("items"), m.start("head"))  # "organ function, such as heart, ...": the function too
    touched = [a for a in atoms if a.start < m.end() and first < a.end]
    if not all(_within(text, a.rule, clause, m) for a in touched):
        return atoms  # a reading that runs into the list from outside it
    head = m["head"].lower()
    items = [i for i in _items(m) if i[2]]
    temporal = next(
        (leaf.temporal for a in touched for leaf in leaves(a.rule) if getattr(leaf, "temporal", None)), None
    )
    functions: list[Rule] = []
    for start, end, words in items:
        named = words if re.search(rf"\b{re.escape(head.rstrip('s'))}s?$", words, re.IGNORECASE) else f"{words} {head}"
        concept = Concept(text=named, kind="condition", span=(start, end))
        functions.append(Presence(concept=concept, temporal=temporal, span=(start, end)))
    if len(functions) < 2:
        return atoms
    kept = [a for a in atoms if a not in touched]
    made = Atom(items[0][0], m.end(), All(args=functions))
    return sorted([*kept, made], key=lambda a: a.start)


def _items(m: re.Match[str]) -> list[tuple[int, int, str]]:
    """Each item of the list: where it is written and its words."""
    found, at = [], m.start("items")
    for piece in _SEPARATOR.split(m["items"]):
        begin = m.string.index(piece, at) if piece else at
        found.append((begin, begin + len(piece), piece.strip()))
        at = begin + len(piece)
    return found


def _within(text: str, rule: Rule, clause: int, m: re.Match[str]) -> bool:
    """Whether a reading only names the list's organs, or asks nothing beside the list's words."""
    for leaf in leaves(rule):
        if isinstance(leaf, Presence) and leaf.concept.span is not None:
            first, last = leaf.concept.span
            if first < m.start() or last > m.end():
                return False
        elif leaf.type == "unstructured" and leaf.span is not None:
            first, last = leaf.span
            outside = f"{text[min(first, m.start()) : m.start()]} {text[m.end() : max(last, m.end())]}"
            if first < clause or any(w.lower() not in _LEAD for w in context.CONTENT_WORD.findall(outside)):
                return False
        else:
            return False
    return True
