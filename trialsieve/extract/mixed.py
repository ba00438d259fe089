"""A thing made of two kinds is one thing: "mixed small cell/non-small cell histology".

The "/" or "and" of a mixed histology, and a protein change with alternative residues, read as a list
split one thing into two: "mixed small cell/non-small cell histology" left a bare "non-small cell
histology" that excluded every NSCLC patient from an NSCLC trial, "Small cell lung cancer (including
mixed small cell lung cancer and non-small cell lung cancer)" and "... mixed with non-small cell lung
cancer" a bare NSCLC leaf, and "Phe104Leu/Cys mutations" a bare "Cys mutations". ``joined`` makes one
concept span of each (``cues.json`` ``mixed``): from "mixed" to the first concept after its "/" or
"and" (an "or" is no mixture: "Mixed Dyslipidemia or statins"), from the concept before "mixed with" to
the one after it, and over a protein change written with "/" ("Phe104Leu/Cys", "V600E/K").
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.spans import CONCEPT_TYPES, span_entity
from trialsieve.rules import Entity

_LEXICON = load_checked("mixed", {"_doc", "mixed", "mixed_with", "variant"})
#: "mixed small cell/" "mixed small cell lung cancer and ": the mixture's first kind and its joint
_MIXED = re.compile(_LEXICON["mixed"], re.IGNORECASE)
#: " mixed with ": the kinds on both sides are one tumour
_MIXED_WITH = re.compile(_LEXICON["mixed_with"], re.IGNORECASE)
#: a protein change with alternative residues: "Phe104Leu/Cys", "V600E/K"
_VARIANT = re.compile(_LEXICON["variant"])
#: what may stand between the joint and the end of the mixture's second kind: no list mark, no bracket
_SECOND = re.compile(r"[^,;:()\[\]]{0,60}")


def joined(text: str, spans: list[Entity]) -> list[Entity]:
    """``spans`` (in text order) with each mixture and each protein change with alternatives one concept."""
    for first, last in [*_mixtures(text, spans), *_variants(text, spans)]:
        inside = [e for e in spans if first < e.end and e.start < last]
        kinds = [e.type for e in inside if e.type in CONCEPT_TYPES]
        kind = "condition" if "condition" in kinds else kinds[-1]
        kept = [e for e in spans if e not in inside]
        spans = sorted([*kept, span_entity(kind, (first, last), text)], key=lambda e: (e.start, e.end))
    return spans


def _mixtures(text: str, spans: list[Entity]) -> list[tuple[int, int]]:
    concepts = [e for e in spans if e.type in CONCEPT_TYPES]
    found = []
    for m in _MIXED.finditer(text):
        second = next((e for e in concepts if e.end > m.end()), None)
        if second is not None and _SECOND.fullmatch(text, m.end(), second.end):
            found.append((m.start(), second.end))
    for m in _MIXED_WITH.finditer(text):
        before = next((e for e in reversed(concepts) if e.end <= m.start()), None)
        after = next((e for e in concepts if e.start >= m.end()), None)
        joins = before and after and not text[before.end : m.start()].strip()
        if joins and _SECOND.fullmatch(text, m.end(), after.end):
            found.append((before.start, after.end))
    return found


def _variants(text: str, spans: list[Entity]) -> list[tuple[int, int]]:
    """A protein change with "/" and the concept spans it runs into: "Phe104Leu/|Cys mutations"."""
    found = []
    for m in _VARIANT.finditer(text):
        touched = [e for e in spans if e.type in CONCEPT_TYPES and m.start() < e.end and e.start < m.end()]
        if touched:
            found.append((min(m.start(), touched[0].start), max(m.end(), touched[-1].end)))
    return found


def is_mixture(name: str) -> bool:
    """Whether a concept's words name a mixture ("mixed small cell/non-small cell histology")."""
    return _MIXED.match(name) is not None or _MIXED_WITH.search(name) is not None
