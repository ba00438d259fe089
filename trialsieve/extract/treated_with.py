"""A general word for a treatment before "with" names nothing of its own: what follows is the treatment.

"Has received prior therapy with an anti-PD-1, anti-PD-L1, or anti-PD-L2 agent" asks for a prior
anti-PD-1, anti-PD-L1 or anti-PD-L2 agent. The tagger names "therapy" and each agent; read as they
were, the tree asked for a prior "therapy" (a leaf any therapy on record met) beside the first agent,
and the other agents only as taken now, so a patient whose pembrolizumab had ended was let through.
The general word (``cues.json`` ``treated_with``) goes, and its state, window and denial go to each
drug or procedure listed after "with".
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.logic import Atom
from trialsieve.rules import Presence

_CUES = load("cues")["treated_with"]
#: the general word for a treatment: "therapy", "treatment"
_GENERAL = phrase_regex(_CUES["heads"])
#: between the general word and the first treatment: " with an ", " with "
_WITH = re.compile(r"\s+with\s+(?:(?:an?|the|any|other)\s+)?", re.IGNORECASE)
#: between two treatments of the list after it: ", ", ", or ", " or any "
_LISTED = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|or|and)\s+)?(?:(?:an?|the|any|other)\s+)?", re.IGNORECASE)
_GIVEN = frozenset({"drug", "procedure"})


def named(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` without a general treatment word written right before "with" and a treatment, its
    qualifiers, window and denial lent to each treatment listed after it."""
    out: list[Atom] = []
    lent: Presence | None = None  # the general word whose state the list after it takes
    end = 0  # where the last leaf of that list ends
    for atom in atoms:
        rule = atom.rule
        given = isinstance(rule, Presence) and rule.concept.kind in _GIVEN and rule.concept.span is not None
        if lent is not None and given and _LISTED.fullmatch(text, end, rule.concept.span[0]):
            out.append(Atom(atom.start, atom.end, _with_state(rule, lent)))
            end = rule.concept.span[1]
            continue
        lent = None
        general = (
            isinstance(rule, Presence)
            and rule.concept.span is not None
            and _GENERAL.fullmatch(rule.concept.text) is not None
            and (found := _WITH.match(text, rule.concept.span[1])) is not None
        )
        if general and _treatment_at(atoms, found.end()):
            lent, end = rule, found.end()
            continue
        out.append(atom)
    return out


def _treatment_at(atoms: list[Atom], pos: int) -> bool:
    """Whether a drug or procedure's own name starts at ``pos``; a general word ("a new therapy with the
    intervention") names none, and both stay."""
    return any(
        isinstance(a.rule, Presence)
        and a.rule.concept.kind in _GIVEN
        and (a.rule.concept.span or (0,))[0] == pos
        and not context.LENT_HEAD.fullmatch(a.rule.concept.text)
        for a in atoms
    )


def _with_state(leaf: Presence, general: Presence) -> Presence:
    """``leaf`` with the general word's qualifiers ("history of"), window and denial."""
    qualifiers = list(dict.fromkeys([*general.qualifiers, *leaf.qualifiers]))
    return leaf.model_copy(
        update={
            "qualifiers": qualifiers,
            "temporal": leaf.temporal or general.temporal,
            "negated": leaf.negated or general.negated,
        }
    )
