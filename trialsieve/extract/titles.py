"""A quoted title is a name, not a clinical concept.

"Individuals using older mobile phones that are not compatible with the "Value of Health"
application" names an app; the tagger found "Health" in it, and the criterion became NOT Health,
a leaf no record answers and, negated, one that rules out nearly everyone or no one. A name in
quotation marks followed by what it names (``lexicons/scope.json`` ``titles``: application,
program, study, platform...) has no concept inside it: the tagger's spans there are dropped, and
the words are read like any phrase with no concept (for a person).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.rules import Entity

_TITLE = re.compile(load("scope")["titles"]["pattern"], re.IGNORECASE)


def without_titles(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """``tagged`` without the spans that lie inside a quoted title ("the "Value of Health" application")."""
    if not tagged or ('"' not in text and "“" not in text):
        return tagged
    titles = [found.span(1) for found in _TITLE.finditer(text)]
    if not titles:
        return tagged
    return [e for e in tagged if not any(start <= e.start and e.end <= end for start, end in titles)]
