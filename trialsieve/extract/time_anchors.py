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
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.logic import Atom
from trialsieve.extract.spans import trim
from trialsieve.rules import Unstructured, leaves

_LEXICON = load_checked("time_anchors", {"_doc", "item", "joint"})
_ITEM = _LEXICON["item"]
#: a clause of anchors that ends its sentence: "during the therapy or between the end of ... and inclusion"
_CLAUSE = re.compile(rf"(?<![\w-])(?:{_ITEM})(?:{_LEXICON['joint']}(?:{_ITEM}))*(?=[ \t]*(?:[.;]|$))", re.IGNORECASE)
_BETWEEN = re.compile(r"between\b", re.IGNORECASE)
_ANCHOR_WORD = re.compile(r"\b(?:during|between)\b", re.IGNORECASE)
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
