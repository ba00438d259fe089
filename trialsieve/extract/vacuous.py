"""Criteria that ask nothing at all: "None", "N/A", "Not applicable", "No exclusion criteria".

Registries fill a required field with such words. Read as a phrase, "None" names no clinical
concept, so it became a review leaf, and one review leaf in an exclusion holds every patient back
from `eligible`. The criterion is vacuous: its rule is an `unstructured` leaf with the reason
``NOTHING_ASKED`` (rules.py), which every check treats as asking nothing, like a permission.
The spellings are data: ``lexicons/scope.json`` ``nothing_asked``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load

_LEXICON = load("scope")
_NOTHING = re.compile(rf"(?:{_LEXICON['nothing_asked']['pattern']})", re.IGNORECASE)
#: list marks, dashes and quotes around the words, and the punctuation that closes them
_FRAME = re.compile(r"^[\s*•·\-–—\"'(\[]*|[\s.;:,!\"')\]]*$")


def nothing_asked(text: str) -> bool:
    """Whether the whole of ``text`` only says there is nothing to ask ("None.", "-N/A", "Not applicable")."""
    return len(text) <= _LONGEST and _NOTHING.fullmatch(_FRAME.sub("", text)) is not None


#: no way of saying there is nothing to ask is longer, bullets and spaces included
_LONGEST = 80
