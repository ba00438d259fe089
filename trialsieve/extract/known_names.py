"""A known name is one concept: "Insipid Diabètes" is diabetes insipidus, not diabetes.

The tagger keeps the head noun of a name whose other word it does not know ("Insipid Diabètes" was
read as "Diabètes", which every patient with diabetes mellitus met). The matcher's synonym groups
(``match/lexicons/synonyms.json``) spell such names in every order they are written ("diabetes
insipidus", "insipid diabetes"). A concept span that lies inside one of those names, written with or
without accents, takes the whole name when the part alone is not a name of the same group: the part
would name another, wider concept than the criterion does.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, folded, load

_GROUPS: list[list[str]] = load("synonyms", "trialsieve.match")["groups"]
#: each name of more than one word -> its group's preferred name
_GROUP_OF = {folded(name.lower()): group[0] for group in _GROUPS for name in group if len(name.split()) > 1}
_ALL = {folded(name.lower()): group[0] for group in _GROUPS for name in group}
_KNOWN = re.compile(alternation(list(_GROUP_OF)), re.IGNORECASE)


def widened(text: str, start: int, end: int) -> tuple[int, int]:
    """The concept span ``text[start:end]``, or the whole known name it lies inside when the span's
    own words are no name of that name's group: "Diabètes" of "Insipid Diabètes" is "Insipid
    Diabètes"; "heart failure" of "congestive heart failure" stays (one group)."""
    plain = folded(text)
    part = " ".join(plain[start:end].lower().split())
    for m in _KNOWN.finditer(plain, max(0, start - 40), min(len(plain), end + 40)):
        if m.start() <= start and end <= m.end() and (m.start(), m.end()) != (start, end):
            group = _GROUP_OF[" ".join(m[0].lower().split())]
            if _ALL.get(part) != group:
                return m.start(), m.end()
    return start, end
