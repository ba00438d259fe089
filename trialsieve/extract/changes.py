"""A change in a measurement is no reading of it, and a change of a treatment is not the treatment.

"Orthostatic hypotension is defined as a decrease in systolic blood pressure of 20 mm Hg or a
decrease in diastolic blood pressure of 10 mm Hg" asks for a fall on standing. The tagger names
"systolic blood pressure", and the tree asked for that observation's presence: a leaf any record
of a blood pressure answers, which says nothing of a fall. A measurement right after a word for a change
(``cues.json`` ``changes``: "a decrease in", "a rise of the") is a review leaf over the change: no
single value answers it, and no record of the measurement does.

So with treatments: "Change in medication for diabetes or hypertension within 2 months" excluded
every patient on such a drug, read as the drug. A drug or procedure right after a word for a change
(``changes`` ``treatments``: "change in dose of", "have not changed their") is a review leaf
"change" with the leaf's polarity, and so is each item listed after it with "or", or with "and"
after what the treatment is for ("their medications for type 2 diabetes and chronic kidney disease").
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.scope import OR_GAP
from trialsieve.rules import Presence, Unstructured

_CHANGE = re.compile(load("cues")["changes"]["pattern"], re.IGNORECASE)
_TREATMENT_CHANGE = re.compile(load("cues")["changes"]["treatments"], re.IGNORECASE)
#: what a changed treatment is for, and an "and" that lists a second purpose: "their medications |for| type 2
#: diabetes| and |chronic kidney disease": the medications for both, not the kidney disease
_PURPOSE = re.compile(r"\bfor\b", re.IGNORECASE)
_AND = re.compile(r"\s*(?:,\s*)?and\s*", re.IGNORECASE)
#: how far before a measurement its change word may stand
_REACH = 60


def read(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each measurement or treatment that a change word comes right before made a review
    leaf "change" over the words from the change word to the atom's end."""
    out: list[Atom] = []
    for atom in atoms:
        changed = _change(text, atom) or _treatment_change(text, atom, out[-1] if out else None)
        out.append(changed or atom)
    return out


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


def _treatment_change(text: str, atom: Atom, before: Atom | None) -> Atom | None:
    """``atom`` as a review of a change when it is a drug or procedure a change word comes right before,
    or an item listed after a treatment so read: with "or" ("changed ... for diabetes or hypertension"),
    or with "and" after a purpose ("their medications for type 2 diabetes and chronic kidney disease")."""
    rule = atom.rule
    if not isinstance(rule, Presence) or not rule.concept.span:
        return None
    changed = before is not None and isinstance(before.rule, Unstructured) and before.rule.reason == "change"
    gap = text[before.end : atom.start] if before is not None else ""
    purpose = changed and _PURPOSE.search(before.rule.text) is not None and _AND.fullmatch(gap) is not None
    listed = (changed and OR_GAP.fullmatch(gap) is not None) or purpose  # "for diabetes| or |hypertension"
    found = None
    if rule.concept.kind in ("drug", "procedure"):
        begin, end = rule.concept.span
        # the change word may stand before the leaf or open its own words ("No |change in| diabetes medication")
        starts = [begin, *[begin + m.start() for m in re.finditer(r"(?<=\s)\S", text[begin:end])][:4]]
        # a cue before a concept listed first is that concept's: "A change in antidepressant or anti-anxiety ..."
        named = changed or (before is not None and isinstance(before.rule, Presence))
        lo = max(before.end if named else 0, begin - _REACH)
        found = next((m for at in starts if (m := _TREATMENT_CHANGE.search(text, lo, at))), None)
    elif not purpose:
        return None
    if found is None and not listed:
        return None
    start = min(found.start(), atom.start) if found else atom.start
    review = Unstructured(text=text[start : atom.end], reason="change", negated=rule.negated, span=(start, atom.end))
    return Atom(start, atom.end, review)
