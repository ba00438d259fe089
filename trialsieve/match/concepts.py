"""Match a criterion's concept to the patient facts that name it.

In order of trust: shared codes; the same words once names are normalised and synonyms from
``lexicons/synonyms.json`` rewritten to their preferred name (all of the criterion's words found
in the fact, so "diabetes" finds "type 2 diabetes", never the reverse); a fact that is a kind of
the criterion's class ("prednisone" for "corticosteroids"); and last, embedding similarity with
the bundled MiniLM at or above ``threshold`` (0.80 by default: paraphrases pass, neighbours like
"type 1" and "type 2 diabetes" are caught by the word test instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from trialsieve.extract.lexicon import alternation, load
from trialsieve.match.patient import Fact

if TYPE_CHECKING:
    from trialsieve.index.embeddings import Embedder
    from trialsieve.rules import Code

_LEX = load("synonyms", "trialsieve.match")
_PREFERRED = {name: group[0] for group in _LEX["groups"] for name in group}
_NAME = re.compile(rf"(?:{alternation(list(_PREFERRED))})")
_KIND_OF = {member: cls for cls, members in _LEX["kinds_of"].items() for member in members}
_MEMBER = re.compile(rf"(?:{alternation(list(_KIND_OF))})")
_STOP = frozenset(_LEX["ignored_words"])

DEFAULT_THRESHOLD = 0.80


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, each known name rewritten to its preferred name."""
    text = re.sub(r"[^\w\s/+-]", " ", text.lower().replace("’", "'").replace("'s", ""))
    text = " ".join(text.split())
    return _NAME.sub(lambda m: _PREFERRED[m[0]], text)


@lru_cache(maxsize=65536)
def words(text: str) -> frozenset[str]:
    """The content words of a normalised name."""
    return frozenset(w for w in re.split(r"[\s/-]+", text) if w and w not in _STOP)


@lru_cache(maxsize=65536)
def variants(text: str) -> tuple[str, ...]:
    """The name, the name without its parentheses, and what they hold: "FVC" in "forced vital capacity (FVC)"."""
    inside = re.findall(r"\(([^()]*)\)", text)
    outside = text
    while (shorter := re.sub(r"\([^()]*\)", " ", outside)) != outside:  # nested ones too
        outside = shorter
    return tuple(dict.fromkeys(v.strip() for v in [text, outside, *inside] if v.strip()))


@dataclass(frozen=True)
class Match:
    fact: Fact
    how: str  # code, lexicon, kind_of, embedding, finding (a value named by its finding: fever for temperature)
    score: float

    def describe(self) -> str:
        return f"{self.how} {self.score:.2f}" if self.how == "embedding" else self.how


class ConceptMatcher:
    """Finds the facts that name a concept; ``embedder`` None keeps to codes and words."""

    def __init__(self, embedder: Embedder | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def find(self, text: str, facts: list[Fact], code: Code | None = None) -> list[Match]:
        """Every fact that names the concept ``text``, best first."""
        if not facts:
            return []
        wanted = normalise(text)
        needs = [n for n in (words(normalise(v)) for v in variants(text)) if n]
        need = words(wanted)
        classes = {cls for cls in _LEX["kinds_of"] if need and words(cls) == need}
        found: dict[int, Match] = {}
        for i, fact in enumerate(facts):
            if code is not None and any((c.system, c.code) == (code.system, code.code) for c in fact.codes):
                found[i] = Match(fact, "code", 1.0)
                continue
            name = normalise(fact.text)
            if any(n <= words(name) for n in needs):
                found[i] = Match(fact, "lexicon", 1.0)
            elif classes and any(_KIND_OF[m[0]] in classes for m in _MEMBER.finditer(name)):
                found[i] = Match(fact, "kind_of", 1.0)
        if self.embedder is not None and need:
            rest = [i for i in range(len(facts)) if i not in found]
            if rest:
                vectors = self.embedder.embed([wanted] + [normalise(facts[i].text) for i in rest])
                for i, score in zip(rest, vectors[1:] @ vectors[0], strict=True):
                    if score >= self.threshold:
                        found[i] = Match(facts[i], "embedding", float(score))
        return sorted(found.values(), key=lambda m: -m.score)
