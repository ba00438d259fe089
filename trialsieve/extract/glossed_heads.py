"""A class of agents named by its target, the target's abbreviation in parentheses, is one concept.

In "phosphodiesterase type 5 (PDE5) inhibitors", "tumor necrosis factor (TNF) inhibitors" or
"angiotensin converting enzyme (ACE) inhibitors" the tagger ends the name at the parenthesis and leaves
the head noun that makes it a class of drugs outside, or makes it a span of its own. "Previous or current
treatment with tadalafil or any other phosphodiesterase type 5 (PDE5) inhibitor" then asked for the
enzyme, which no record of sildenafil names, and "Concomitant use of other phosphodiesterase 5 (PDE5)
inhibitors" AND-ed a bare "inhibitors" to it. ``joined`` makes the target, its gloss and the head
(``lexicons/glossed_heads.json``) one drug concept, which the concept matcher knows by its class
("phosphodiesterase type 5 (PDE5) inhibitor" names sildenafil; the enzyme alone names nothing a patient takes).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import Entity

_KEYS = frozenset({"_doc", "agents", "receptor_words"})


def _checked(lexicon: dict) -> dict:
    """``lexicon`` with its keys checked: a misspelt key fails at import, not as a head never read."""
    if set(lexicon) != _KEYS:
        raise ValueError(f"glossed_heads.json: keys {sorted(set(lexicon) ^ _KEYS)}")
    return lexicon


_LEXICON = _checked(load("glossed_heads"))
#: an abbreviation in parentheses, then the class's head: " (PDE5) inhibitors", " (GLP-1) receptor agonists".
#: The abbreviation is one token with a capital or a digit, not a word or a number ("(daily) blockers").
_GLOSS_HEAD = re.compile(
    rf"\([ \t]*(?=[\w\-/.]*[A-Z])[A-Za-z0-9][\w\-/.]{{0,14}}[ \t]*\)[ \t]+"
    rf"(?i:(?:(?:{alternation(_LEXICON['receptor_words'])})[ \t]+)?"
    rf"(?:{alternation(_LEXICON['agents'])}))"
)
#: what may stand between the target's tagged words and the gloss: the rest of a word the tagger cut
#: ("cytochrome P450 3|A4 (CYP3A4)") and up to three words of the name ("phosphodiesterase| type 5 (PDE5)"),
#: none of them a connective that would make them another item ("insulin or (GLP-1) agonists")
_NAME_GAP = re.compile(
    r"[\w-]*(?:[ \t]+(?!(?:and|or|nor|with|without|for|to|than|as|by|in|of|on)\b)[\w-]+){0,3}[ \t]*", re.IGNORECASE
)
_CONCEPTS = frozenset({"condition", "drug", "procedure", "observation"})


def joined(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` (in text order) with each concept named before an abbreviation in parentheses and a
    class head ("phosphodiesterase type 5| (PDE5) inhibitors") made one concept with them; the spans
    inside it (the gloss, a bare "inhibitors") go. A span that reaches past the head leaves it alone."""
    out = list(entities)
    for found in _GLOSS_HEAD.finditer(text):
        opening, end = found.start(), found.end()
        before = [e for e in out if e.type in _CONCEPTS and e.end <= opening]
        target = before[-1] if before else None
        if target is None or not _NAME_GAP.fullmatch(text, target.end, opening):
            continue
        if any(e.start < end < e.end for e in out):
            continue  # a span runs on past the head: the tagger read the words another way
        out = [e for e in out if not (target.start <= e.start and e.end <= end)]
        out.append(Entity(type="drug", start=target.start, end=end, text=text[target.start : end]))
        out.sort(key=lambda e: (e.start, e.end))
    return out
