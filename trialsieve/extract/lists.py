"""A list item may end in words of its own before the comma that closes it.

"OMM from a licensed physician, chiropractic treatment, or massage therapy within 30 days" lists
three alternatives, each bounded by the window after the list. The words "from a licensed
physician" stood between the first item and the comma, so the first item no longer looked like
one of the list: it was AND-ed to the second and kept no window, and an exclusion then caught only
patients who had both OMM (at any time) and a recent chiropractic treatment. ``ITEM_TAIL``
(``scope.json`` ``item_tail``) is such a phrase: a preposition and a few words, with no
connective, cue, number or bracket, so a clause or a limit of its own is never taken for one.

An "or" may likewise join two words inside the gap between two items rather than the items:
"severe stenosis of intracranial ICA or MCA and impaired CVR" asks for the stenosis and the impaired
CVR; "ICA or MCA" says where the stenosis is. Such an "or" (``joins_items`` is false) leaves the
"and" written beside it to join the items.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load

ITEM_TAIL = re.compile(load("scope")["item_tail"]["pattern"], re.IGNORECASE)


def without_tail(gap: str) -> str:
    """``gap`` (the text between two items) without the words that finish the first item."""
    tail = ITEM_TAIL.match(gap)
    return gap[tail.end() :] if tail else gap


_OR = re.compile(r"\b(?:and/or|or)\b", re.IGNORECASE)
#: what ends the words an "or" may join inside a gap: a comma, a bracket, another connective
_WORDS_START = re.compile(r"[,;()\[\]]|\b(?:and|with|or|and/or|nor|but)\b", re.IGNORECASE)


def joins_items(gap: str) -> bool:
    """Whether an "or" in ``gap`` joins the two items around the gap: it does unless words of the gap
    stand on both sides of it ("ICA or MCA" in " ICA or MCA and ")."""
    for found in _OR.finditer(gap):
        before = _WORDS_START.split(gap[: found.start()])[-1]
        after = _WORDS_START.split(gap[found.end() :])[0]
        if not (re.search(r"\w", before) and re.search(r"\w", after)):
            return True
    return False
