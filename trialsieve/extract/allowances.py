"""What a criterion allows in its last sentence, after what it asks.

"Major surgery within 30 days of randomization. Minor surgical procedures, such as catheter
placement or minimally invasive biopsies, are allowed." asks about major surgery and lets minor
surgery through. Read as one more requirement AND-ed to the first (before this module), the
exclusion asked for minor surgery as well, and "Steroids used to treat inflammation are allowed"
after "immunosuppressive therapy" made steroids a reason to exclude. ``find`` reads where the
allowing sentence begins and what it allows; ``structure`` leaves that out of an exclusion and
offers it as an alternative to an inclusion. An allowance on a condition ("are eligible provided
that they have been disease free for >= 2 years") is left for a person. The cue words are the
``allowances`` lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialsieve.extract.lexicon import load_checked

_LEXICON = load_checked("allowances", {"_doc", "starts", "allowed", "denied", "conditions", "free_tails"})
_STARTS = re.compile(_LEXICON["starts"])
_ALLOWED = re.compile(_LEXICON["allowed"], re.IGNORECASE)
_DENIED = re.compile(_LEXICON["denied"], re.IGNORECASE)
_CONDITION = re.compile(_LEXICON["conditions"], re.IGNORECASE)
_FREE_TAIL = re.compile(_LEXICON["free_tails"], re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
#: the fewest words before the allowing sentence: a criterion of its own, not a heading
_HEAD_WORDS = 2


@dataclass(frozen=True)
class Allowance:
    """Where the criterion's own requirement ends (``head_end``), and what is allowed: ``start:end``,
    the allowing sentence's subject, ``sentence_end`` its end; ``conditional`` when it allows on a condition."""

    head_end: int
    start: int
    end: int
    sentence_end: int
    conditional: bool


def find(text: str) -> Allowance | None:
    """The last sentence of ``text`` when it only allows something, else None."""
    if not _ALLOWED.search(text):
        return None  # the cheap test first: few criteria allow anything
    for opened in reversed(list(_STARTS.finditer(text))):
        head = text[: opened.start()]
        if len(head.split()) < _HEAD_WORDS:
            return None
        bracketed = opened.group().startswith("(")
        sentence_end = _closing(text, opened.end()) if bracketed else _sentence_end(text, opened.end())
        if sentence_end < len(text.rstrip(" .;)")):
            continue  # more follows it: not the last sentence
        said = _ALLOWED.search(text, opened.end(), sentence_end)
        if said is None or said.start() == opened.end() or _DENIED.search(text[opened.end() : said.start()]):
            continue
        tail = text[said.end() : sentence_end]
        return Allowance(
            head_end=opened.start(),
            start=opened.end(),
            end=said.start(),
            sentence_end=sentence_end,
            conditional=not _FREE_TAIL.match(tail) or bool(_CONDITION.search(text, opened.end(), said.start())),
        )
    return None


def _sentence_end(text: str, start: int) -> int:
    found = _SENTENCE_END.search(text, start)
    return found.start() if found else len(text)


def _closing(text: str, start: int) -> int:
    depth = 1
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)
