"""A category the tagger left untagged keeps its place before its examples.

In "Any unstable systemic disease (eg, active infection, uncontrolled hypertension, unstable angina,
congestive heart failure)" the tagger names the examples but not "unstable systemic disease", so
the category fell out of the tree and its "unstable" was lent to the first example: the exclusion
then asked only for the four examples, and an unstable systemic disease not among them let the
patient through. The words before a bracket or an example cue, when the first tagged concept comes
only after it, name the category: they make a leaf of their own, which the examples join as
alternatives (``logic.py``: an example satisfies its category).
"""

from __future__ import annotations

import itertools
import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.rules import Entity

#: what opens a list of examples: a bracket, perhaps with a cue in it, or a cue alone ("such as")
_OPENER = re.compile(
    rf"\(\s*(?:(?:{context.EXAMPLES.pattern})[\s,:]*)?|,?\s*(?:{context.EXAMPLES.pattern})[\s,:]*", re.IGNORECASE
)
_PERSON = phrase_regex(load("cues")["persons"]["words"])
_HEADS = frozenset(load("scope")["category_heads"]["words"])
_LISTED = re.compile(r",|/|\b(?:or|and|and/or)\b", re.IGNORECASE)  # between two items of a list


def before_examples(text: str, start: int, named: list[Entity]) -> tuple[int, int, int | None] | None:
    """Where an untagged category that starts at ``start`` ends, where its examples start and where
    they end (a bracket's close; None: the piece's end), when the first of ``named`` (the tagged
    concepts, in order) is the first example: after an example cue, or in a bracket that lists two or
    more ("symptoms (NYHA class >= 2)" defines, it gives no examples). None when nothing names a
    category before it."""
    first = named[0].start
    opener = next((m for m in reversed(list(_OPENER.finditer(text, start, first))) if m.end() > m.start()), None)
    if opener is None or opener.start() == start:
        return None
    between = context.QUALIFIERS.sub(" ", text[opener.end() : first]).split()
    if any(context.has_content(w) and not context.SHARES_HEAD.match(w) for w in between):
        return None  # words of their own, not the first example's modifiers ("secondary"): no list of examples
    close = text.find(")", opener.end())
    inside = [e for e in named if close < 0 or e.start < close]
    listed = any(_LISTED.search(text, a.end, b.start) for a, b in itertools.pairwise(inside))
    if not (context.EXAMPLES.search(text, opener.start(), opener.end()) or listed):
        return None
    words = context.QUALIFIERS.sub(" ", _PERSON.sub(" ", text[start : opener.start()]))
    last = re.search(r"([^\W\d_][\w'-]*)\W*$", words)
    if last is None or last[1].lower() not in _HEADS:
        return None  # "neurological (e.g. ...)", "termination of the study, such as ...": no category's head
    if not context.has_content(words):
        return None
    return opener.start(), opener.end(), (close if text[opener.start()] == "(" and close >= 0 else None)
