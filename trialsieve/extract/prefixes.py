"""Prefixes written once each before a word whose stem they share: one concept per prefix.

"Pre or postoperative radiation therapy to pelvic area" was read as postoperative radiation therapy
alone, and "Hyper or hypotension" as a condition "Hyper" or hypotension: the prefix written alone
names nothing, and the therapy given before the operation was lost. A list of prefixes
(``lexicons/prefix_lists.json``) before a word that starts with one of them makes the concept of
that word one concept per prefix, the rest of its words kept on each: any(preoperative radiation
therapy to pelvic area, postoperative radiation therapy to pelvic area). They are alternatives (one
patient is pre- or postmenopausal, "and" or "or"), except treatments an inclusion asks for "pre-
and postoperative" with no "or": both were given. A leaf read from a prefix
alone goes, and so does a review of words that end on one ("Prior treatment with pre- or
post-operative chemotherapy"). Where a concept begins before the list and ends inside it ("untreated
hypo- or hypertension") the text is left as it was read.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import replace_node
from trialsieve.rules import All, Any, Presence, Unstructured, leaves

_LEXICON = load("prefix_lists")
_KEYS = {"_doc", "prefixes", "unhyphenated"}
if set(_LEXICON) != _KEYS or not set(_LEXICON["unhyphenated"]) <= set(_LEXICON["prefixes"]):
    raise ValueError("lexicons/prefix_lists.json: keys _doc, prefixes, unhyphenated (a subset of prefixes)")
_ALL = "|".join(sorted(_LEXICON["prefixes"], key=len, reverse=True))
_BARE = "|".join(sorted(_LEXICON["unhyphenated"], key=len, reverse=True))
#: one prefix written alone: with its hyphen ("Uni-"), or one that is no word without it ("Pre")
_ITEM = rf"(?:(?:{_ALL})-|(?:{_BARE})(?=\s|/))"
_JOIN = r"\s*(?:,\s*(?:(?:and/or|or|and)\s+)?|/|&|\band/or\b|\bor\b|\band\b)\s*"
_PREFIX = re.compile(rf"(?:{_ALL})", re.IGNORECASE)
#: a connective that offers a choice; without one ("pre- and postoperative") a treatment is given both times
_EITHER = re.compile(r"\bor\b|/", re.IGNORECASE)
#: what is given to a patient, and can be given both times
_GIVEN = frozenset({"procedure", "drug"})
LIST = re.compile(
    rf"(?<![\w-])(?P<items>{_ITEM}(?:{_JOIN}{_ITEM})*){_JOIN}(?P<last>{_ALL})-?(?P<stem>[^\W\d_]{{3,}})",
    re.IGNORECASE,
)


def shared(text: str, atoms: list[Atom], section: str = "unknown") -> list[Atom]:
    """``atoms`` with each concept written on a list of prefixes made one concept per prefix."""
    for m in LIST.finditer(text):
        atoms = _split(text, m, atoms, section)
    return atoms


def _split(text: str, m: re.Match[str], atoms: list[Atom], section: str) -> list[Atom]:
    word = (m.start("last"), m.end("stem"))
    found = [
        (atom, leaf)
        for atom in atoms
        for leaf in leaves(atom.rule)
        if isinstance(leaf, Presence)
        and leaf.concept.span is not None
        and leaf.concept.span[0] <= m.start("stem") < leaf.concept.span[1]
        and leaf.concept.span[1] >= word[1]
    ]
    if len(found) != 1:
        return atoms
    atom, leaf = found[0]
    start, end = leaf.concept.span
    if start > m.start() and start < word[0]:
        return atoms  # a concept that begins inside the list ("hypo- or hypertension" read from "hypo")
    reaching = [a for a in atoms if a is not atom and a.start < m.start() < a.end]
    if not all(isinstance(a.rule, Unstructured) and a.end <= word[0] for a in reaching):
        return atoms  # "untreated hypo- or hypertension": a concept reaches into the list from before it
    written = text[start:end]
    if leaf.concept.text.strip() not in (written.strip(), text[word[0] : end].strip(), text[m.start("stem") : end]):
        return atoms  # the concept was reworded: where the prefix goes is not known
    lead = text[start : m.start()] if start < m.start() else ""
    tail = text[word[1] : end]
    prefixes = [p[0] for p in _PREFIX.finditer(m["items"]) if _starts_item(m["items"], p)] + [m["last"]]
    alternatives = [
        leaf.model_copy(
            update={
                "concept": leaf.concept.model_copy(
                    update={"text": f"{lead}{prefix}{m['stem']}{tail}".strip(), "span": (min(start, m.start()), end)}
                ),
                "span": (min(leaf.span[0], m.start()), leaf.span[1]),
            }
        )
        for prefix in dict.fromkeys(prefixes)
    ]
    # "No prior pre- or postoperative radiotherapy" denies each: neither before nor after the operation;
    # an inclusion that asks for treatments "pre- and postoperative" asks for both
    both = section == "inclusion" and leaf.concept.kind in _GIVEN and not _EITHER.search(m[0])
    made = All(args=alternatives) if leaf.negated or both else Any(args=alternatives)
    # a leaf read from a prefix alone ("Hyper"), or a review of words that end on one ("Prior treatment with pre")
    inside = [*reaching, *(a for a in atoms if a is not atom and m.start() <= a.start and a.end <= word[0])]
    kept = [a for a in atoms if a is not atom and not any(a is b for b in inside)]
    joined = Atom(min(atom.start, m.start()), atom.end, replace_node(atom.rule, leaf, made))
    return sorted([*kept, joined], key=lambda a: a.start)


def _starts_item(items: str, found: re.Match[str]) -> bool:
    """Is this prefix one of the list's items, not letters inside a connective ("or")?"""
    return found.start() == 0 or not items[found.start() - 1].isalpha()
