"""Allergies a note states: "allergic to penicillin", "a penicillin allergy", "intolerant of aspirin".

The allergen is what the tagger names in these phrases, a drug most often; read as it stands it
would say the patient takes penicillin, and an exclusion of current penicillin use would rule out
the very patient who cannot take it. So each allergen becomes the condition "allergy to <allergen>",
the shape a FHIR AllergyIntolerance takes (``fhir.py``) and the one a criterion's "allergy to"
takes (``extract/allergens.py``), so that one matcher answers all three alike. The cue words are
the ``allergies`` lexicon.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from trialsieve.extract.lexicon import alternation, load, load_checked, phrase_regex

_LEXICON = load_checked(
    "allergies", {"_doc", "before", "after", "recorded", "asked", "untagged_ends"}, "trialsieve.match"
)
_BEFORE = phrase_regex(_LEXICON["before"])
#: right after an allergen: "penicillin allergy", "sulfa-allergic"
_AFTER = re.compile(rf"\s*-?\s*(?:{alternation(_LEXICON['after'])})", re.IGNORECASE)
#: between two allergens of one list: "penicillin, sulfa and codeine"
_JOIN = re.compile(r"\s*(?:,\s*(?:(?:and|or|nor)\s+)?|/\s*|(?:and|or|nor|and/or)\s+)", re.IGNORECASE)
#: between the cue and its first allergen: "allergic to the contrast agent", "allergy to any penicillin"
_FILLER = re.compile(r"\s*(?:(?:the|a|an|any|all|both|either|some)\s+)*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_SPACE = re.compile(r" *")
_UNTAGGED_ENDS = frozenset(w.lower() for w in _LEXICON["untagged_ends"])
_UNTAGGED_WORDS = 3
_RECORDED = phrase_regex([*_LEXICON["recorded"], *_LEXICON["before"]])
_ASKED = phrase_regex(_LEXICON["asked"])
#: where a list ends: the sentence's end or a punctuation mark
_LIST_END = re.compile(r"\s*(?:[.;:!?)\]]|$)")
_NEGATION = phrase_regex(load("cues")["negation"])


def recorded(text: str) -> bool:
    """Whether a fact's name says it is an allergy: "allergy to penicillin", "Latex allergy"."""
    return bool(_RECORDED.search(text))


def answers(fact: str, concept: str) -> bool:
    """Whether the fact named ``fact`` may answer ``concept`` at all: an allergy answers only a
    concept about allergies or reactions, never the allergen taken ("current use of penicillin")."""
    return not recorded(fact) or bool(_ASKED.search(concept))


class Allergy(NamedTuple):
    """One allergy: where the note says it (a negation before there denies it) and the allergen."""

    said_at: int
    allergen: str


def read(sentence: str, spans: list[tuple[int, int]]) -> tuple[list[Allergy], set[int]]:
    """The allergies ``sentence`` states, and the indexes of the tagged ``spans`` they take up: the
    allergens, and the cue words where the tagger named them ("hypersensitivity", "anaphylaxis")."""
    starting = {start: i for i, (start, _) in enumerate(spans)}
    ending = {end: i for i, (_, end) in enumerate(spans)}
    found: list[Allergy] = []
    used: set[int] = set()
    for cue in _BEFORE.finditer(sentence):
        first = _FILLER.match(sentence, cue.end()).end()
        listed = _listed_after(sentence, first, spans, starting)
        if not listed and (untagged := _untagged(sentence, first)):
            listed = [(None, untagged[0])]
        if listed:
            used.update(i for i, (s, e) in enumerate(spans) if s < cue.end() and cue.start() < e)
        for index, allergen in listed:
            found.append(Allergy(cue.start(), allergen))
            if index is not None:
                used.add(index)
    for i, (_, end) in enumerate(spans):
        if i in used or not _AFTER.match(sentence, end):
            continue
        chain = [i]  # "penicillin and sulfa allergies": each item before the cue is an allergen
        while (j := _before_join(sentence, spans[chain[-1]][0], ending)) is not None and j not in used:
            chain.append(j)
        for k in reversed(chain):
            found.append(Allergy(spans[chain[-1]][0], sentence[spans[k][0] : spans[k][1]]))
            used.add(k)
    return found, used


def _listed_after(
    sentence: str, at: int, spans: list[tuple[int, int]], starting: dict[int, int]
) -> list[tuple[int | None, str]]:
    """The tagged concepts listed from ``at`` on, one after another with only a list's joins between."""
    listed: list[tuple[int | None, str]] = []
    while True:
        if (i := starting.get(at)) is not None:
            listed.append((i, sentence[spans[i][0] : spans[i][1]]))
            end = spans[i][1]
        elif listed and (item := _untagged_item(sentence, at, spans)) is not None:
            listed.append((None, item[0]))  # "penicillin, sulfa and latex": the tagger named no latex
            end = item[1]
        else:
            break
        join = _JOIN.match(sentence, end)
        if join is None:
            break
        at = _FILLER.match(sentence, join.end()).end()
    return listed


def _untagged_item(sentence: str, at: int, spans: list[tuple[int, int]]) -> tuple[str, int] | None:
    """A list item after an allergen that the tagger did not name: its words and end, where they
    end the list (the sentence's end, a punctuation mark or another join), hold no tagged concept and
    no negation ("allergic to penicillin and denies fever" lists no allergen after "and")."""
    found = _untagged(sentence, at)
    if found is None:
        return None
    words, end = found
    ends_list = _JOIN.match(sentence, end) or _LIST_END.match(sentence, end)
    tagged = any(at <= s < end for s, _ in spans)
    return None if not ends_list or tagged or _NEGATION.search(words) else (words, end)


def _before_join(sentence: str, start: int, ending: dict[int, int]) -> int | None:
    """The tagged concept listed right before ``start``, joined to it by a comma, "and" or "or"."""
    for end, i in ending.items():
        if end < start and _JOIN.fullmatch(sentence, end, start):
            return i
    return None


def _untagged(sentence: str, at: int) -> tuple[str, int] | None:
    """The allergen's words where the tagger named none ("anaphylaxis to peanuts"), and where they
    end: up to three words, stopping at punctuation or a word that starts the next clause or list item."""
    words: list[str] = []
    end = at
    for word in _WORD.finditer(sentence, at):
        if word.start() != at or word[0].lower() in _UNTAGGED_ENDS or len(words) == _UNTAGGED_WORDS:
            break
        words.append(word[0])
        end = word.end()
        at = _SPACE.match(sentence, word.end()).end()
    return (" ".join(words), end) if words else None
