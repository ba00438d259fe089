"""A kind named as "certain" of it leaves the list unstated: it is for a person.

"Use of certain medications", "History of certain heart problems", "Has received certain types of
psychotherapy within the last 6 months" mean some medications, heart problems or psychotherapies the
trial does not name. Read as the kind, any medication, any heart problem, any psychotherapy ruled a
patient out. ``marked`` makes the leaf of the kind after the cue a review (``UNSTATED``), negated as
the leaf was ("Do not meet certain lab value reference ranges"), and so the leaves that share its head
in a list ("certain endocrine or hormonal abnormalities"); a piece the tagger named no concept in
("certain kinds of medicines") gets the reason too. It reads the tree the logic built, so the review
stands where the leaf stood ("including certain antidepressants, antihistamines, ..." keeps its
list). Examples written after it ("including cardiac disease", "e.g. other vasodilators") are named,
and stay alternatives. The cue words are ``lexicons/unstated.json``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.trees import rebuild
from trialsieve.rules import NO_CONCEPT, Presence, Rule, Unstructured, leaves

_LEXICON = load_checked("unstated", {"_doc", "cue", "between"})
_CUE = re.compile(_LEXICON["cue"], re.IGNORECASE)
_BETWEEN = re.compile(_LEXICON["between"], re.IGNORECASE)
#: the reason of the review
UNSTATED = "unstated list"


def marked(text: str, rule: Rule) -> Rule:
    """``rule`` with each leaf a "certain <kind>" names made a review of the unstated list."""
    cues = list(_CUE.finditer(text))
    if not cues:
        return rule
    named = [leaf for leaf in leaves(rule) if isinstance(leaf, Presence) and leaf.concept.span is not None]
    chosen: dict[int, int] = {}  # id of a leaf the cue names -> where its review starts
    for cue in cues:
        after = sorted((leaf for leaf in named if leaf.concept.span[1] > cue.end()), key=lambda x: x.concept.span)
        after = [leaf for leaf in after if leaf.concept.span[0] >= cue.start() or leaf is _holding(after, cue)]
        if not after or not _right_after(text, cue, after[0].concept.span[0]):
            continue
        first = after[0]
        chosen[id(first)] = _start(text, cue, first)
        head = _last_word(first.concept.text)
        for leaf in after[1:]:  # "certain endocrine or hormonal abnormalities": both unstated
            if _last_word(leaf.concept.text) != head or not _LISTED.match(text[first.concept.span[1] : leaf.span[0]]):
                break
            chosen[id(leaf)] = leaf.concept.span[0]
    return rebuild(rule, lambda leaf: _review(text, leaf, chosen, cues)) or rule


def _review(text: str, leaf: Rule, chosen: dict[int, int], cues: list[re.Match]) -> Rule:
    if isinstance(leaf, Unstructured) and leaf.reason == NO_CONCEPT:
        inside = any(leaf.span[0] <= cue.start() and cue.end() < leaf.span[1] for cue in cues)
        return leaf.model_copy(update={"reason": UNSTATED}) if inside else leaf  # "certain kinds of medicines"
    if id(leaf) not in chosen:
        return leaf
    first, last = chosen[id(leaf)], _end(text, leaf)
    return Unstructured(text=text[first:last], reason=UNSTATED, negated=leaf.negated, span=(first, last))


def _holding(leaves_after: list[Presence], cue: re.Match) -> Presence | None:
    """The leaf whose concept's words hold the cue: "use of certain medications"."""
    return next((leaf for leaf in leaves_after if leaf.concept.span[0] <= cue.start()), None)


def _right_after(text: str, cue: re.Match, start: int) -> bool:
    """The concept starting at ``start`` is the kind the cue names: in its words, or right after them."""
    return start < cue.end() or bool(_BETWEEN.match(text[cue.end() : start]))


def _start(text: str, cue: re.Match, leaf: Presence) -> int:
    """Where the review's words start: the leaf's own piece when it opens just before the cue
    ("History of certain heart problems"), else the cue."""
    begin = min(leaf.span[0], leaf.concept.span[0])
    if begin <= cue.start() and _OPENING.match(text[begin : cue.start()]):
        return begin
    return min(cue.start(), leaf.concept.span[0])


def _end(text: str, leaf: Presence) -> int:
    """Where the review's words end: the leaf's piece, up to a comma or a bracket, and the head a list
    shares ("certain endocrine or hormonal abnormalities" for "endocrine abnormalities")."""
    last = leaf.concept.span[1]
    stop = _STOP.search(text, last, max(last, leaf.span[1]))
    last = max(last, stop.start() if stop else leaf.span[1])
    head = _last_word(leaf.concept.text)
    if head and head not in text[leaf.concept.span[0] : last].lower():
        shared = re.compile(rf"(?i)^[^,;()]*?\b{re.escape(head)}\b").search(text[last : last + _NEAR])
        last += shared.end() if shared else 0
    return len(text[:last].rstrip())


def _last_word(name: str) -> str:
    words = name.lower().split()
    return words[-1] if words else ""


#: what may stand between two items a "certain" is shared by: "endocrine or hormonal abnormalities"
_LISTED = re.compile(r"^[\s,]*(?:(?:and/or|or|and)\s+)?$", re.IGNORECASE)
#: what ends a review's words after its concept
_STOP = re.compile(r"[,;()]")
#: how far after a leaf the head a list shares may be written
_NEAR = 80
#: the few words of the leaf's own piece before the cue: "History of", "Use of", "Has received"
_OPENING = re.compile(r"^(?:[A-Za-z-]+\s+){0,4}$")
