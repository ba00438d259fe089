"""A concept written after "anti-" is what an agent acts against, not what the patient has.

The tagger often names only what follows the prefix: "anti-tumor therapy such as chemotherapy" gave
"tumor therapy", "Anti-cancer therapy" gave a condition "cancer" beside a bare "therapy", and "prior
anti tumor treatment" a condition "tumor". An exclusion of recent anti-cancer therapy then ruled out
every patient with a cancer. ``with_prefix`` gives the prefix (``cues.json`` ``agent_prefixes``)
back to the concept after it, and joins the treatment noun tagged right after it: "Anti-cancer
therapy" is one procedure.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, inverse, load
from trialsieve.rules import Entity

_LEXICON = load("cues")["agent_prefixes"]
_PREFIX = alternation(_LEXICON["prefixes"])
#: the prefix right before a concept, with the hyphen or space that joins them: "anti-", "anti- ", "anti "
_BEFORE = re.compile(rf"(?<![\w-])(?:{_PREFIX})(?:[ \t]*-[ \t]*|[ \t]+)$", re.IGNORECASE)
_TREATMENT_KIND = inverse(_LEXICON["treatments"])  # "treatment" -> "procedure", "drugs" -> "drug"
_TREATMENT = re.compile(rf"[ \t]+({alternation(list(_TREATMENT_KIND))})", re.IGNORECASE)  # "anti tumor| treatment"
_ALONE = re.compile(rf"(?:{_PREFIX})[ \t]*-?", re.IGNORECASE)  # the tagger named the prefix alone: "anti"
_CONCEPTS = frozenset({"condition", "drug", "procedure", "observation"})
_AGENTS = frozenset({"drug", "procedure"})  # what an agent is: "therapy", "treatment", "drugs"


def with_prefix(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` (in text order) with each concept after an agent prefix widened to take it in,
    and joined with the treatment named right after it ("Anti-cancer| therapy")."""
    out: list[Entity] = []
    i = 0
    while i < len(entities):
        e = entities[i]
        i += 1
        if e.type not in _CONCEPTS:
            out.append(e)
            continue
        start = e.start
        if out and out[-1].type in _CONCEPTS and _ALONE.fullmatch(out[-1].text) and _joins(text, out[-1].end, start):
            start = out.pop().start  # "anti" + "GVHD therapy"
        elif found := _BEFORE.search(text, max(0, start - 12), start):
            start = found.start()
        if start == e.start:
            out.append(e)
            continue
        kind, end = e.type, e.end
        if i < len(entities) and entities[i].type in _AGENTS and not text[end : entities[i].start].strip(" \t"):
            kind, end = entities[i].type, entities[i].end  # "Anti-cancer" + "therapy": one procedure
            i += 1
        elif (noun := _TREATMENT.match(text, end)) and not (i < len(entities) and entities[i].start < noun.end()):
            kind, end = _TREATMENT_KIND[noun[1].lower()], noun.end()  # "anti tumor" + an untagged "treatment"
        out.append(Entity(type=kind, start=start, end=end, text=text[start:end]))
    return out


def _joins(text: str, end: int, start: int) -> bool:
    """Whether only a hyphen or spaces stand between the prefix and the concept after it."""
    return re.fullmatch(r"[ \t]*-?[ \t]*", text[end:start]) is not None
