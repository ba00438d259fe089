"""A relative clause that says a concept's state qualifies it; it denies nothing.

"Active sleep disorder which is not treated (obstructive sleep apnea, obesity hypoventilation
syndrome)" excludes an untreated sleep disorder, such as untreated sleep apnoea. The "not" of the
clause was read as denying the bracket, so the tree asked for a sleep disorder and for no sleep
apnoea: a patient with untreated sleep apnoea passed. The clause (``scope.json``
``relative_states``) becomes the state of the concept right before it ("untreated sleep
disorder"), and the concepts in a bracket right after it are its examples, in the same state and
not denied.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Any, Presence, Rule

_LEXICON = load("scope")["relative_states"]
_CLAUSE = re.compile(_LEXICON["pattern"], re.IGNORECASE)
_STATES: dict[str, str] = _LEXICON["states"]


def qualify(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each state clause's state on its head and on the examples bracketed after it."""
    for clause in _CLAUSE.finditer(text):
        state = _STATES[clause["state"].lower()]
        bracket = re.match(r"\s*\(([^()]*)\)", text[clause.end() :])
        inside = (clause.end() + bracket.start(1), clause.end() + bracket.end(1)) if bracket else None

        def stated(leaf: Rule, clause: re.Match[str] = clause, state: str = state, inside=inside) -> Rule:
            if not isinstance(leaf, Presence) or leaf.concept.span is None:
                return leaf
            start, end = leaf.concept.span
            if end <= clause.start() and not text[end : clause.start()].strip():
                return _in_state(leaf, state, negated=leaf.negated)  # the head
            if inside is not None and inside[0] <= start and end <= inside[1]:
                return _in_state(leaf, state, negated=False)  # an example of it, which the "not" does not deny
            return leaf

        atoms = [Atom(a.start, a.end, rebuild(a.rule, stated)) for a in atoms]
        atoms = _with_examples(atoms, clause.start(), inside)
    return atoms


def _with_examples(atoms: list[Atom], clause: int, inside: tuple[int, int] | None) -> list[Atom]:
    """``atoms`` with the head before ``clause`` and the examples ``inside`` its bracket made one
    alternative: an example of the head satisfies it."""
    heads = [i for i, a in enumerate(atoms) if a.end <= clause and isinstance(a.rule, Presence)]
    if inside is None or not heads:
        return atoms
    h = heads[-1]
    k = h + 1
    while k < len(atoms) and inside[0] <= atoms[k].start and atoms[k].end <= inside[1]:
        k += 1
    if k == h + 1 or any(a.start < clause for a in atoms[h + 1 : k]):
        return atoms
    merged = Atom(atoms[h].start, atoms[k - 1].end, Any(args=[a.rule for a in atoms[h:k]]))
    return [*atoms[:h], merged, *atoms[k:]]


def _in_state(leaf: Presence, state: str, negated: bool) -> Presence:
    words = leaf.concept.text if state in leaf.concept.text.lower() else f"{state} {leaf.concept.text}"
    qualifiers = list(dict.fromkeys([*leaf.qualifiers, state]))
    concept = leaf.concept.model_copy(update={"text": words})
    return leaf.model_copy(update={"concept": concept, "qualifiers": qualifiers, "negated": negated})
