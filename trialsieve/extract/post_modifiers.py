"""Words written right after a concept that make it another concept stay on it.

The tagger names "carcinoma" in "carcinoma in situ", so "History of malignancy other than carcinoma in
situ" excepted every carcinoma: the exception covered its own category, and no cancer patient was
excluded. ``widened`` gives the words (``cues.json`` ``post_modifiers``) back to the concept before them.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import Entity

_AFTER = re.compile(rf"[ \t]+(?:{alternation(load('cues')['post_modifiers']['words'])})", re.IGNORECASE)
_DISEASES = frozenset({"condition"})  # "carcinoma in situ"; a device "in situ" is only in place


def widened(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` with each disease followed by a post-modifier ("carcinoma| in situ") widened to
    take it in, unless another span already covers the words."""
    out: list[Entity] = []
    for e in entities:
        found = _AFTER.match(text, e.end) if e.type in _DISEASES else None
        if found and not any(o.start < found.end() and e.end < o.end for o in entities if o is not e):
            e = Entity(type=e.type, start=e.start, end=found.end(), text=text[e.start : found.end()])
        out.append(e)
    return out
