"""Words written right after a concept that make it another concept stay on it.

The tagger names "carcinoma" in "carcinoma in situ", so "History of malignancy other than carcinoma in
situ" excepted every carcinoma: the exception covered its own category, and no cancer patient was
excluded. So does where a cancer has spread: "Cancer metastatic to the brain" was any cancer.
``widened`` gives the words (``cues.json`` ``post_modifiers``) back to the concept before them.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import Entity

_LEXICON = load("cues")["post_modifiers"]
#: "carcinoma| in situ", "tumor| metastatic to the CNS": the site is one to three words, up to a comma or a connective
_AFTER = re.compile(
    rf"[ \t]+(?:(?:{alternation(_LEXICON['words'])})"
    rf"|(?:{alternation(_LEXICON['spread_to'])})[ \t]+(?:the[ \t]+)?(?!(?:and|or|with|who|which)\b)[\w-]+"
    rf"(?:[ \t]+(?!(?:and|or|with|who|which|in|at|for|within|and/or)\b)[\w-]+){{0,2}}(?=[\s.,;:()]|$))",
    re.IGNORECASE,
)
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
