"""A criterion that only names a minor asks for an age.

"Minor", an exclusion of its own in a real record, was left for review ("no computable content"),
so every adult waited on a person. A minor is someone under the age of majority: the leaf is
``age < 18 a`` (``scope.json`` ``minors``), read only when the words name a minor and nothing else.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.rules import Demographic

_LEXICON = load("scope")["minors"]
_MINOR = re.compile(_LEXICON["pattern"], re.IGNORECASE)
_AGE: float = float(_LEXICON["age"])


def minor_age(text: str) -> Demographic | None:
    """``age < 18 a`` when ``text`` names a minor and nothing else, else None."""
    if _MINOR.match(text) is None:
        return None
    first = len(text) - len(text.lstrip(" \t\r\n-*•"))
    last = len(text.rstrip(" \t\r\n.;,"))
    return Demographic(attribute="age", operator="<", value=_AGE, unit="a", span=(first, max(first, last)))
