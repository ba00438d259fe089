"""A condition "not cured by" a treatment persists despite it; the treatment is received, not denied.

"Spinal cord compression that has not been cured or relieved by surgery and/or radiotherapy",
"Active serious infection not controlled by oral or intravenous antibiotics", "Pain not relieved
by opioids": the "not" denies the participle (the cure, the relief), never the treatment after
"by". Read as a denial, the tree asked for a patient who had no surgery, so one whose compression
persisted after surgery passed an exclusion written for them. The clause (``scope.json``
``despite_treatment``) puts its state on the condition before it ("uncured spinal cord
compression") and makes the treatments after "by" what the patient received: the condition and
any one of the treatments, none of them denied.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import All, Any, Presence, Rule

_LEXICON = load("scope")["despite_treatment"]
_CLAUSE = re.compile(_LEXICON["pattern"], re.IGNORECASE)
_END = re.compile(_LEXICON["end"], re.IGNORECASE)
_STATES: dict[str, str] = _LEXICON["states"]
_STATE_NAMES = frozenset(_STATES.values())


def received(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each "not <participle> by <treatments>" clause read as the condition before it,
    in the denied participle's state, and any of the treatments after it, received."""
    for clause in _CLAUSE.finditer(text):
        stop = _END.search(text, clause.end())
        end = stop.start() if stop else len(text)
        heads = [i for i, a in enumerate(atoms) if _concept_end(a) <= clause.start()]
        given = [i for i, a in enumerate(atoms) if clause.end() <= _concept_start(a) and a.end <= end]
        if not heads or not given or given != list(range(heads[-1] + 1, given[-1] + 1)):
            continue  # no condition right before, or something else stands between: not this construct
        h = heads[-1]
        state = _STATES[clause["state"].lower()]
        treatments = [rebuild(atoms[i].rule, _received) for i in given]
        first = atoms[given[0]].rule
        # "not controlled by oral or intravenous antibiotics": the list's first item, left in the
        # condition's piece, shares the next item's head noun
        shared = _sharing(text, clause.end(), atoms[h].end, first) if isinstance(first, Presence) else None
        if shared is not None:
            treatments.insert(0, shared)
        either = treatments[0] if len(treatments) == 1 else Any(args=treatments)
        merged = Atom(atoms[h].start, atoms[given[-1]].end, All(args=[_in_state(atoms[h].rule, state), either]))
        atoms = [*atoms[:h], merged, *atoms[given[-1] + 1 :]]
    return atoms


#: past any text: a leaf that is no presence is never the condition a clause qualifies
_NEVER = 1 << 62


def _concept_start(atom: Atom) -> int:
    """Where the leaf's concept starts: a piece may hold words before it ("Active serious infection")."""
    rule = atom.rule
    return rule.concept.span[0] if isinstance(rule, Presence) and rule.concept.span else atom.start


def _concept_end(atom: Atom) -> int:
    """Where the leaf's concept ends: its piece may run on over the clause ("infection not controlled by oral")."""
    rule = atom.rule
    if not isinstance(rule, Presence) or rule.concept.span is None:
        return _NEVER  # only a presence is a condition to qualify
    return rule.concept.span[1]


def _sharing(text: str, start: int, end: int, following: Presence) -> Presence | None:
    """The list item written at ``start:end`` ("oral") with the head noun of the item after it
    ("intravenous antibiotics"): "oral antibiotics"; None when it is no single modifier."""
    found = re.fullmatch(r"[\s,]*([^\W\d_][\w-]*)[\s,]*", text[start:end])
    rest = following.concept.text.split(maxsplit=1)
    if found is None or len(rest) < 2:
        return None
    span = (start + found.start(1), start + found.end(1))
    concept = following.concept.model_copy(update={"text": f"{found[1]} {rest[1]}", "span": span})
    return following.model_copy(update={"concept": concept, "negated": False, "span": span})


def _received(leaf: Rule) -> Rule:
    """A treatment after "not cured by": given to the patient, whatever "not" stood before it, and in
    no state the clause gives the condition ("not controlled with antiepileptic drugs")."""
    if not isinstance(leaf, Presence):
        return leaf
    qualifiers = [q for q in leaf.qualifiers if q not in _STATE_NAMES]
    return leaf.model_copy(update={"negated": False, "qualifiers": qualifiers})


def _in_state(leaf: Presence, state: str) -> Presence:
    """The condition in the state the clause gives it ("uncured"), not denied: it persists."""
    qualifiers = list(dict.fromkeys([*leaf.qualifiers, state]))
    return leaf.model_copy(update={"qualifiers": qualifiers, "negated": False})
