"""A serostatus names the infection it is for; it is no concept of its own.

"Known seropositivity for human immunodeficiency virus (HIV)", "Seropositive for HIV-1 or -2,
HTLV-1 or -2" and "HIV seropositivity" each ask whether the patient has the infection. Read as
written, "seropositivity" was a leaf of its own (a condition, or a drug: "Seropositive [drug]")
AND-ed to the infection, so an exclusion held only a patient whose record names both, and no record
names a fact called seropositivity: every patient with HIV passed it. ``named`` drops what was read
from the serostatus words before the infection ("seropositive for"), lending the infection their
states ("known"), and leaves the word after it ("HIV seropositivity") out of the concept's name. The
spellings are ``lexicons/serostatus.json``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.logic import Atom
from trialsieve.rules import Presence, Unstructured

_LEXICON = load_checked("serostatus", {"_doc", "before", "after"})
_BEFORE = re.compile(_LEXICON["before"], re.IGNORECASE)
_AFTER = re.compile(_LEXICON["after"], re.IGNORECASE)


def named(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each serostatus read as a presence of the infection it is for."""
    atoms = [_without_after(a) for a in atoms]
    for cue in reversed(list(_BEFORE.finditer(text))):
        inside = [a for a in atoms if cue.start() <= a.start and a.end <= cue.end() + 1 and _plain(a)]
        after = [a for a in atoms if a.start >= cue.end() and isinstance(a.rule, Presence)]
        if not after or (not inside and not _from_cue(after[0], cue)):
            continue
        states = [q for a in inside if isinstance(a.rule, Presence) for q in a.rule.qualifiers]
        if cue["state"] and cue["state"].lower() == "known":
            states.append("known")
        infection = min(after, key=lambda a: a.start)
        leaf = _without_cue(text, infection.rule, cue)
        qualifiers = list(dict.fromkeys([*leaf.qualifiers, *(q for q in states if q not in leaf.qualifiers)]))
        leaf = leaf.model_copy(update={"qualifiers": qualifiers})
        atoms = [Atom(a.start, a.end, leaf) if a is infection else a for a in atoms if not any(a is b for b in inside)]
    return atoms


def _plain(atom: Atom) -> bool:
    """A leaf read from the serostatus words alone: "Seropositive [drug]", "known seropositivity"."""
    return isinstance(atom.rule, (Presence, Unstructured))


def _from_cue(atom: Atom, cue: re.Match) -> bool:
    span = atom.rule.concept.span if isinstance(atom.rule, Presence) else None
    return span is not None and span[0] < cue.end() < span[1]


def _without_cue(text: str, leaf: Presence, cue: re.Match) -> Presence:
    """The infection's leaf, its name starting after the serostatus words when they were read into it."""
    span = leaf.concept.span
    if span is None or not span[0] < cue.end() < span[1]:
        return leaf
    concept = leaf.concept.model_copy(update={"text": text[cue.end() : span[1]], "span": (cue.end(), span[1])})
    return leaf.model_copy(update={"concept": concept})


def _without_after(atom: Atom) -> Atom:
    """ "HIV seropositivity" is HIV."""
    leaf = atom.rule
    if not isinstance(leaf, Presence) or leaf.concept.span is None:
        return atom
    found = _AFTER.search(leaf.concept.text)
    if found is None or not found.start():
        return atom
    start = leaf.concept.span[0]
    concept = leaf.concept.model_copy(
        update={"text": leaf.concept.text[: found.start()], "span": (start, start + found.start())}
    )
    return Atom(atom.start, atom.end, leaf.model_copy(update={"concept": concept}))
