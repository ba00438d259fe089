"""A state word under a negation names the opposite state: "not well controlled" is uncontrolled.

"Diabetes not well controlled" was read as the qualifier of "well controlled" with its "not" lost, so
the exclusion asked for controlled diabetes and turned away the well-controlled diabetic it was
written to let in; "Asthma which is not stable" asked for stable asthma. A negator, the words that
may stand between ("not adequately", "no longer", "not yet fully") and a state word, or a lacking
degree before one ("inadequately controlled", "sub-optimally controlled"), is one qualifier phrase:
the state's opposite (``lexicons/denied_states.json``). The extractor reads it among its qualifiers
(``context.QUALIFIERS``) and the matcher as a value on the axis that names both states, so neither
reads the state word inside it alone. A state word the tagger named as a concept ("remission" in
"Hepatitis B not in remission") is no concept of its own: read so, the exclusion asked for hepatitis
B and no remission, a concept no record holds.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import Entity

_KEYS = frozenset({"_doc", "negators", "degrees", "lacking", "states"})


def _checked(lexicon: dict) -> dict:
    """``lexicon``, with its keys and each state's opposite checked: a misspelt key or a state no
    qualifier names fails at import instead of quietly reading nothing."""
    if set(lexicon) != _KEYS:
        raise ValueError(f"denied_states.json: keys {sorted(set(lexicon) ^ _KEYS)}")
    labels = {label for label in load("cues")["qualifiers"] if not label.startswith("_")}
    if unknown := {s: o for s, o in lexicon["states"].items() if o not in labels}:
        raise ValueError(f"denied_states.json: states whose opposite is no qualifier: {unknown}")
    return lexicon


_LEXICON = _checked(load("denied_states"))
#: a state's opposite, keyed by the state's words in lower case, one space apart
OPPOSITES: dict[str, str] = {" ".join(s.lower().split()): o for s, o in _LEXICON["states"].items()}


def pattern(states: list[str] | None = None) -> str:
    """A regex (no groups; ignore case to use it on text as written) for a denied state phrase, of
    ``states`` (all by default): "not well controlled", "no longer in remission", "inadequately
    controlled"."""
    written = alternation(list(OPPOSITES) if states is None else states)
    degrees = alternation(_LEXICON["degrees"])
    denied = rf"(?:{alternation(_LEXICON['negators'])})(?:\s+(?:{degrees}))*(?:\s+|-)(?:{written})"
    return rf"(?<![\w-])(?:{denied}|(?:{alternation(_LEXICON['lacking'])})[\s-]+(?:{written}))"


_PHRASE = re.compile(pattern(), re.IGNORECASE)
_STATE_AT_END = re.compile(rf"(?:{alternation(list(OPPOSITES))})$", re.IGNORECASE)


def opposite(phrase: str) -> str | None:
    """The qualifier a denied state phrase names ("not well controlled" -> "uncontrolled"); None
    when ``phrase`` is no such phrase."""
    if not _PHRASE.fullmatch(phrase) or not (state := _STATE_AT_END.search(phrase)):
        return None
    return OPPOSITES[" ".join(state[0].lower().split())]


_FOR = re.compile(r"\s*(?:for\s*)?", re.IGNORECASE)


def lasting(text: str, start: int, end: int) -> str | None:
    """The opposite state a denied state phrase in ``text[start:end]`` names when it ends right before
    the length of time at ``end`` ("Androgen replacement therapy that has not been stable | for at least
    3 months"): the time is how long the state has lasted, so the concept is in the opposite state and
    its own duration is unsaid. None when no such phrase ends there."""
    found = [m for m in _PHRASE.finditer(text, start, end) if _FOR.fullmatch(text, m.end(), end)]
    return opposite(found[-1][0]) if found else None


def without_states(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """``tagged`` without the spans that lie inside a denied state phrase: the state of the concept
    before it, not a concept ("remission" in "Hepatitis B not in remission")."""
    if not tagged:
        return tagged
    phrases = [found.span() for found in _PHRASE.finditer(text)]
    if not phrases:
        return tagged
    return [e for e in tagged if not any(start <= e.start and e.end <= end for start, end in phrases)]
