"""A word that makes a concept another concept may be said after it, with "be".

"Tumor (including size) must be measurable" asks for measurable disease, as RECIST counts it: a
tumour that can be measured, not any tumour. Before a concept the word stays part of it ("measurable
tumor", ``cues.json`` ``concept_modifiers``); after it, "must be measurable" was no part of any leaf,
and the tree asked for a tumour. The word said after the concept (``scope.json``
``predicated_kinds``) is put before the concept's words: "measurable Tumor".
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Presence, Rule

_PREDICATED = re.compile(load("scope")["predicated_kinds"]["pattern"], re.IGNORECASE)


def named(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each presence whose concept a predicated word follows named with that word."""

    def with_word(leaf: Rule) -> Rule:
        if not isinstance(leaf, Presence) or leaf.concept.span is None:
            return leaf
        found = _PREDICATED.match(text, leaf.concept.span[1])
        if found is None or found["word"].lower() in leaf.concept.text.lower():
            return leaf
        words = f"{found['word'].lower()} {leaf.concept.text}"
        return leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": words})})

    return [Atom(a.start, a.end, rebuild(a.rule, with_word)) for a in atoms]
