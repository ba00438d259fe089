"""A time anchor says when its neighbours count; it is no item of their list.

"Underwent prostatectomy, radiation or seeds of the prostate gland during the therapy or between the
end of your last therapy cycle and inclusion into this study" asks about surgery and radiation in a
window set by events ("the therapy", "the end of your last therapy cycle", "inclusion"). Read as a
list, the window's words made a bare "therapy" leaf beside the others, so every treated patient was
excluded. A clause of such anchors at the end of the criterion ("between X and Y" with no number, or
anchors joined by "or": ``lexicons/time_anchors.json``) makes no leaf of its own: the leaves read from its
words go, and the window, which no record date can place, is a review beside what it times
(all(leaves, review)); where the leaves already carry a window read from a number ("within 24 weeks
before the screening visit or between screening and baseline visits") it only stretches that window
by the days before the study, and goes. A lone "during the X" is left as it was read: most make no
leaf, and the rest name what is asked ("any major anomaly during the first-trimester scan"); so is an
anchor whose events a written interval runs between ("An interval of at least 4-6 weeks between prior
radical prostatectomy and study enrollment": the prostatectomy is asked).

"At the time of" a step of the study ("Age >= 18 years at the time of signing informed consent",
"living together at the time of screening", "Between 18 and 75 years old, inclusive at the time of
signing the informed consent") says when the criterion is judged, which for a check of a record is
now: ``at_steps`` drops what was read from its words (a consent review AND-ed to the age, a bare
"screening") and ends a review's words before it ("living together at the time" is "living
together"); a review left with only idle words ("inclusive") goes. The steps are the ``at`` pattern
of the lexicon; other events ("at the time of diagnosis", "at the time of surgery") are read as before.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.logic import Atom
from trialsieve.extract.spans import trim
from trialsieve.rules import Unstructured, leaves

_LEXICON = load_checked("time_anchors", {"_doc", "item", "joint", "at", "idle"})
_ITEM = _LEXICON["item"]
#: a clause of anchors that ends its sentence: "during the therapy or between the end of ... and inclusion"
_CLAUSE = re.compile(rf"(?<![\w-])(?:{_ITEM})(?:{_LEXICON['joint']}(?:{_ITEM}))*(?=[ \t]*(?:[.;]|$))", re.IGNORECASE)
_BETWEEN = re.compile(r"between\b", re.IGNORECASE)
_ANCHOR_WORD = re.compile(r"\b(?:during|between)\b", re.IGNORECASE)
#: "at the time of" a step of the study: "at the time of signing the informed consent form (ICF)"
_AT_STEP = re.compile(_LEXICON["at"], re.IGNORECASE)
_IDLE = frozenset(_LEXICON["idle"])
#: the units of a limit that measures time between two events, which the anchor then names
_TIME_UNITS = frozenset({"min", "h", "d", "wk", "mo", "a"})
#: the reason of the review a window set by events leaves
WINDOW = "time window set by events"


def cut(text: str, atoms: list[Atom]) -> tuple[list[Atom], Unstructured | None]:
    """``atoms`` without those read from an anchor clause's words, and the review of the window they
    leave (None when there is none, or when the other leaves carry a window of their own)."""
    if any(leaf.type == "comparison" and leaf.unit in _TIME_UNITS for a in atoms for leaf in leaves(a.rule)):
        return atoms, None  # "An interval of at least 4-6 weeks between prior radical prostatectomy and ...": its ends
    for m in _CLAUSE.finditer(text):
        if not _BETWEEN.match(m[0]) and len(_ANCHOR_WORD.findall(m[0])) < 2:
            continue  # one "during the X" makes no leaf of its own, or names what is asked ("during the scan")
        inside = [a for a in atoms if m.start() <= a.start and a.end <= m.end()]
        kept = [a for a in atoms if a not in inside]
        if not inside or not kept or any(a.rule.type == "comparison" for a in inside):
            continue  # the window asked nothing of its own; or it is all there is
        if any(getattr(leaf, "temporal", None) for a in kept for leaf in leaves(a.rule)):
            return kept, None  # "within 24 weeks before screening or between screening and baseline"
        first, last = trim(text, m.start(), m.end())
        return kept, Unstructured(text=text[first:last], reason=WINDOW, span=(first, last))
    return atoms, None


def at_steps(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` without what was read from the words "at the time of" a study step, and with the
    reviews that ran into them ended before them ("living together at the time" is "living together")."""
    for m in reversed(list(_AT_STEP.finditer(text))):
        kept = []
        for a in atoms:
            if m.start() <= a.start and a.end <= m.end() and a.rule.type not in ("comparison", "demographic"):
                continue  # "signing informed consent", "screening": when, not what
            if a.rule.type == "unstructured" and a.start < m.start() < a.end <= m.end():
                first, last = trim(text, a.start, m.start())
                words = re.findall(r"[\w-]+", text[first:last].lower())
                if not words or set(words) <= _IDLE:
                    continue  # "inclusive at the time of signing the informed consent": asks nothing
                rule = a.rule.model_copy(update={"text": text[first:last], "span": (first, last)})
                a = Atom(first, last, rule)
            kept.append(a)
        if kept:
            atoms = kept
    return atoms
