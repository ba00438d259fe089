"""What an allergy criterion is an allergy to.

"Known allergy to penicillin or cephalosporins" asks about two allergies, not two drugs the patient
takes: the drug leaves under an allergy word become allergy leaves to that substance, so a patient on
penicillin without an allergy is not excluded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    context,
    examples,
)
from trialsieve.extract.lexicon import load
from trialsieve.extract.spans import span_text, trim
from trialsieve.extract.trees import rebuild
from trialsieve.rules import (
    NO_CONCEPT,
    Concept,
    Presence,
    Rule,
    leaves,
)

if TYPE_CHECKING:
    pass


def allergens(text: str, rule: Rule) -> Rule:
    """Each thing listed after "hypersensitivity to" or "allergy to" is an allergy to it: "Known
    hypersensitivity to lecithin (soya) or peanuts" asks for an allergy to peanuts, not for peanuts."""
    cues = list(_ALLERGY_HEAD.finditer(text))
    # "Intolerance or |contraindication to| aspirin": the allergy word's object, the contraindication its own
    partners = [_CONTRA_CUE.match(text, m.start("cue")) for m in _ALLERGY_THEN_CONTRA.finditer(text)]
    if not cues and not partners:
        return rule

    starts = [leaf.concept.span[0] for leaf in leaves(rule) if leaf.type == "presence" and leaf.concept.span]

    def allergen(leaf: Rule) -> Rule | None:
        if (head := _allergy_head(text, leaf, cues) or _paired_head(text, leaf, [*cues, *partners])) is not None:
            if leaf.type == "unstructured":  # "Known allergy or hypersensitivity to ...": the same allergy
                start, end = trim(text, *leaf.span)
                leaf = Presence(
                    concept=Concept(text=text[start:end], kind="condition", span=(start, end)), span=leaf.span
                )
            # the list's head noun: "Known hypersensitivity to" asks nothing beside its items; with no
            # item read after it ("to any component of the study drug") it is an allergy to those words,
            # and so it is beside a contraindication, whose items are its own
            items = [s for s in starts if head.end() <= s and _one_sentence(text, head.end(), s)]
            items = [] if head in partners else items
            rest = examples.category_before(text, head.end(), items[0]) if items else None
            if items and rest is None:
                return None
            rest = rest or re.split(r"[;.]\s|,\s*(?:or|and)\s|\s(?:or|and)\s", text[head.end() :])[0].strip(" ,.;:")
            if rest.count("(") > rest.count(")"):  # "to the materials (e.g., titanium or ...)": the materials
                rest = rest[: rest.rfind("(")].strip(" ,")
            concept = leaf.concept.model_copy(update={"text": f"allergy to {rest}" if rest else leaf.concept.text})
            return leaf.model_copy(update={"concept": concept})
        start = leaf.concept.span[0] if leaf.type == "presence" and leaf.concept.span else leaf.span[0]
        leaf = _after_inner_cue(text, leaf, cues)  # the tagger's "adverse reaction to tadalafil": tadalafil
        start = leaf.concept.span[0] if leaf.type == "presence" and leaf.concept.span else start
        cue = next((c for c in reversed(cues) if c.end() <= start and _one_sentence(text, c.end(), start)), None)
        if cue is None or leaf.type not in ("presence", "unstructured"):
            return leaf
        if leaf.type == "unstructured" and leaf.reason != NO_CONCEPT:
            return leaf
        words = leaf.concept.text if leaf.type == "presence" else span_text(text, trim(text, *leaf.span))
        if context.EXAMPLES.fullmatch(words.strip(" ,.;:()")):
            return None  # "(eg, tazobactam, ...)": the cue of the examples names no allergen
        if ALLERGIC.search(words) or context.names_condition(words):
            return leaf  # "intolerance", "drug allergy": its own head; "allergy to X, renal failure": a disease
        concept = Concept(text=f"allergy to {words}", kind="condition", span=(start, start + len(words)))
        if leaf.type == "presence":
            return leaf.model_copy(update={"concept": concept})
        return Presence(concept=concept, span=leaf.span)

    return rebuild(rule, allergen) or rule


def _after_inner_cue(text: str, leaf: Rule, cues: list[re.Match]) -> Rule:
    """A presence whose concept holds an allergy cue with words after it, narrowed to those words;
    one named by an allergy word ("drug hypersensitivity to 18F-Fluciclovine") is its own allergy."""
    if leaf.type != "presence" or not leaf.concept.span or ALLERGIC.search(leaf.concept.text):
        return leaf
    start, end = leaf.concept.span
    inner = next((c for c in cues if start <= c.start() and c.end() < end), None)
    if inner is None:
        return leaf
    start, end = trim(text, inner.end(), end)
    return leaf.model_copy(
        update={"concept": leaf.concept.model_copy(update={"text": text[start:end], "span": (start, end)})}
    )


def _one_sentence(text: str, start: int, end: int) -> bool:
    """Whether no sentence or clause ends between ``start`` and ``end``."""
    return _SENTENCE_END.search(text, start, end) is None


_SENTENCE_END = re.compile(r"[;.]\s")


def _allergy_head(text: str, leaf: Rule, cues: list[re.Match]) -> re.Match | None:
    """The allergy cue a presence leaf is the head noun of ("hypersensitivity" in "hypersensitivity to")."""
    if leaf.type != "presence" or not leaf.concept.span:
        return None
    start, end = leaf.concept.span
    return next((c for c in cues if start <= c.start() < end + 2 and c.end() > end), None)


def _paired_head(text: str, leaf: Rule, cues: list[re.Match]) -> re.Match | None:
    """The allergy cue right after a leaf that is itself an allergy word joined to it by "or": in
    "Known hypersensitivity or allergy to penicillin" the hypersensitivity is to penicillin too, where a
    bare "hypersensitivity" was met by any allergy (house dust mite) and excluded the patient."""
    if leaf.type == "presence" and leaf.concept.span:
        start, end = leaf.concept.span
    elif leaf.type == "unstructured" and leaf.reason == NO_CONCEPT:
        start, end = trim(text, *leaf.span)
    else:
        return None
    if not _ALLERGY_WORD.fullmatch(text, start, end):
        return None
    joined = _PAIRED.match(text, end)
    return next((c for c in cues if joined and c.start() == joined.end()), None)


#: an allergy word; "sensitivity" only with its object ("sensitivity to ethanol", not "insulin sensitivity")
ALLERGIC = re.compile(
    r"\b(?:allerg|hypersensitiv|sensitivit(?:y|ies)\s+(?:to|against|towards?)\b|intoleran|anaphyla)", re.IGNORECASE
)
#: a leaf that is an allergy word alone, with a state before it ("Known allergy")
_ALLERGY_WORD = re.compile(
    r"(?:(?:known|suspected|anticipated|possible|history\s+of|documented|previous|prior|severe|serious)\s+)*"
    r"(?:(?:hyper)?sensitivit(?:y|ies)|allerg(?:y|ies)|intoleran(?:ce|t)|anaphylaxis|idiosyncra(?:sy|sies|tic))"
    r"(?:\s+reactions?)?",
    re.IGNORECASE,
)
#: what joins allergy words that share one object: "hypersensitivity or allergy to", "allergy,
#: hypersensitivity, or intolerance to"
_PAIRED = re.compile(rf"(?:\s*,\s*{_ALLERGY_WORD.pattern})*\s*(?:,\s*)?(?:or|and/or|and|/)\s*|\s*/\s*", re.IGNORECASE)
_ALLERGY_HEAD = re.compile(load("cues")["allergy_heads"]["pattern"], re.IGNORECASE)
#: a contraindication whose object an allergy word joined to it by "or" shares
_CONTRA_CUE = re.compile(r"contraindications?\s+(?:to|for|against)\s+", re.IGNORECASE)
_ALLERGY_THEN_CONTRA = re.compile(
    rf"(?:{_ALLERGY_WORD.pattern})(?:{_PAIRED.pattern})(?P<cue>{_CONTRA_CUE.pattern})", re.IGNORECASE
)
