"""A change in a measurement is no reading of it: a person compares the readings.

"Orthostatic hypotension is defined as a decrease in systolic blood pressure of 20 mm Hg or a
decrease in diastolic blood pressure of 10 mm Hg" asks for a fall on standing. The tagger names
"systolic blood pressure", and the tree asked for that observation's presence: a leaf any record
of a blood pressure answers, which says nothing of a fall. A measurement right after a word for a change
(``cues.json`` ``changes``: "a decrease in", "a rise of the") is a review leaf over the change: no
single value answers it, and no record of the measurement does.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.rules import Presence, Unstructured

_CHANGE = re.compile(load("cues")["changes"]["pattern"], re.IGNORECASE)
#: how far before a measurement its change word may stand
_REACH = 60


def read(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each measurement that a change word comes right before made a review leaf
    "change" over the words from the change word to the atom's end."""
    return [_change(text, atom) or atom for atom in atoms]


def _change(text: str, atom: Atom) -> Atom | None:
    rule = atom.rule
    if not isinstance(rule, Presence) or rule.negated or rule.concept.kind != "observation" or not rule.concept.span:
        return None
    begin = rule.concept.span[0]
    found = _CHANGE.search(text, max(0, begin - _REACH), begin)
    if found is None:
        return None
    start = min(found.start(), atom.start)
    return Atom(start, atom.end, Unstructured(text=text[start : atom.end], reason="change", span=(start, atom.end)))
