"""A name of one thing may hold a list connective: "head and neck", "ear, nose and throat".

"Histologically confirmed head and neck squamous cell carcinoma" was read as a neck carcinoma, and
"Recurrent or metastatic head and neck cancer" as a review of "Recurrent" or a neck cancer: the
"and" and the "or" were taken for a list's, so the inclusion let in any squamous cell carcinoma and
lost the site. A fixed name (``lexicons/fixed_names.json``) is one word to the list splitting (no
cut inside it) and to the concept spans (a span that reaches into one takes all of it).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load

_KEYS = frozenset({"_doc", "names"})
_JOINS = re.compile(r",|&|/|\b(?:and|or)\b", re.IGNORECASE)


def _checked(lexicon: dict) -> dict:
    """``lexicon``, its keys and spellings checked: a misspelt key, a name missing from its own
    spellings, or a spelling with no connective in it (nothing a list could cut) fails at import."""
    if set(lexicon) != _KEYS:
        raise ValueError(f"fixed_names.json: keys {sorted(set(lexicon) ^ _KEYS)}")
    for name, spellings in lexicon["names"].items():
        if name not in spellings:
            raise ValueError(f"fixed_names.json: {name!r} is not among its own spellings")
        if bad := [s for s in spellings if not _JOINS.search(s)]:
            raise ValueError(f"fixed_names.json: spellings with no connective: {bad}")
    return lexicon


_LEXICON = _checked(load("fixed_names"))
FIXED_NAME = re.compile(alternation([s for spellings in _LEXICON["names"].values() for s in spellings]), re.IGNORECASE)
#: how far around a span to look for a fixed name it reaches into: the longest spelling and a little
_NEAR = 40


def inside(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a fixed name (after its first character, before its end): a list
    cut there would split the name."""
    return any(m.start() < pos < m.end() for m in FIXED_NAME.finditer(text, max(0, pos - _NEAR), pos + _NEAR))


def widened(text: str, start: int, end: int) -> tuple[int, int]:
    """The concept span ``text[start:end]`` with the whole of a fixed name it starts or ends inside,
    or that stands right before it: "neck squamous cell carcinoma" is "head and neck squamous cell
    carcinoma", "radiotherapy to the head" (before "or neck") "radiotherapy to the head or neck"."""
    for m in FIXED_NAME.finditer(text, max(0, start - _NEAR), min(len(text), end + _NEAR)):
        if m.start() < start and (start < m.end() or not text[m.end() : start].strip(" \t")):
            start = m.start()
        if m.start() < end < m.end():
            end = m.end()
    return start, end


def leading(text: str, start: int, end: int) -> int | None:
    """Where a fixed name that opens ``text[start:end]`` ends, or None: "head and neck" of "head and
    neck cancer" is one modifier, not three words."""
    m = FIXED_NAME.match(text, start, end)
    return m.end() if m else None
