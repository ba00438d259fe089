"""The examples given for a category are in the category's state.

"Poorly controlled endocrine disorders, such as diabetes, thyroid dysfunction" excludes poorly
controlled diabetes: the examples say which disorders count, the state before the category says
which of them exclude. Read as any(uncontrolled endocrine disorders, diabetes, thyroid dysfunction),
the exclusion ruled out a patient whose diabetes was well controlled. The category's travelling
states (``scope.json`` ``shared_qualifiers``: uncontrolled, current, history of, ...) are lent to
each example that writes no such state of its own: "Any unstable systemic disease (e.g., active
infection, uncontrolled hypertension)" keeps what each example says. A judgment of severity is not
lent: the examples of "Any serious medical condition (e.g. severe asthma, cancer)" show what the
author counts as serious, so any cancer counts.
"""

from __future__ import annotations

from trialsieve.extract import context
from trialsieve.extract.lexicon import load
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Presence, Rule, leaves

_LEXICON = load("scope")["shared_qualifiers"]
_TRAVEL = frozenset(_LEXICON["qualifiers"]) - frozenset(_LEXICON["judgments"])  # examples show what is "serious"
_NAMED = frozenset(_LEXICON["named"])  # "Major psychiatric disorder (including major depression)": a name


def lend(text: str, category: Rule, example: Rule) -> Rule:
    """``example`` with the travelling states written before ``category`` (one concept) on each of its
    concepts that states nothing of its own."""
    states = _states(text, category)
    if not states:
        return example

    def stated(leaf: Rule) -> Rule:
        if not isinstance(leaf, Presence) or leaf.role is not None or leaf.qualifiers:
            return leaf
        if context.QUALIFIERS.search(leaf.concept.text):
            return leaf  # "major depression", "unstable angina": its name says its state
        return leaf.model_copy(update={"qualifiers": states})

    return rebuild(example, stated)


def _states(text: str, category: Rule) -> list[str]:
    """The travelling states written before the concept of a category that names one concept."""
    named = [leaf for leaf in leaves(category) if isinstance(leaf, Presence) and leaf.role is None]
    if len(named) != 1 or named[0].concept.span is None:
        return []
    cues = context.QUALIFIERS.finditer(text, named[0].span[0], named[0].concept.span[0])
    found = [context.qualifier(m[0]) for m in cues if m[0].lower() not in _NAMED]
    return list(dict.fromkeys(q for q in found if q in _TRAVEL))
