"""A denial written after the concept it denies: "HIV-negative", "Seizure-free for at least 6 months".

Most denials come before their concept ("No HIV", "free of seizures"), and the negation model reads
only the words before a concept. Written after it, the denial was part of nobody's reading, and the
leaf asked for the very thing the criterion rules out: "HIV-negative" asked for HIV, "Cancer free for
at least 5 years" for five years of cancer, an exclusion of "8 weeks of seizure freedom" excluded the
patients who have seizures. The word counts only where it ends the concept's phrase
(``cues.json`` ``negation_after``): before a noun it names a kind or a measure ("HER2-negative breast
cancer", "Progression-free survival"), and a test's result ("pregnancy test negative") is
``tested.py``'s to read.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load

_CUES = load("cues")
_AFTER = _CUES["negation_after"]
_WORD = alternation(_AFTER["words"])
#: the denial ending the concept's own span ("Disease-free"), or right after it ("HIV| negative")
_INSIDE = re.compile(rf"[-\s]+(?:{_WORD})$", re.IGNORECASE)
#: an abbreviation in brackets may stand between: "ROS oncogene 1 (ROS1) negative"; "EGFR-|negative" too
_NEXT = re.compile(rf"(?:\s*\([^()]{{1,15}}\))?(?:[-\s]+|(?<=-))(?:{_WORD})(?![\w-])", re.IGNORECASE)
_BOUNDARIES = _CUES["boundaries"]
#: what may follow the denial word: a function word, a person, "status"; not "of", "from", "for", "to"
_ENDS = frozenset(
    w.lower()
    for words in (_CUES["persons"]["words"], _CUES["stopwords"], _BOUNDARIES["words"], _BOUNDARIES["right_only"])
    for w in [*words, *_AFTER["follows"]]
) - frozenset(_AFTER["governing"])
_DURATION = re.compile(rf"\s+{_AFTER['duration']}", re.IGNORECASE)
_FOLLOWING = re.compile(r"\s+([^\W\d_][\w'’.]*)")
_TEST = re.compile(_AFTER["tests"], re.IGNORECASE)


def denial_after(text: str, start: int, end: int, limit: int) -> int | None:
    """The end of the concept at ``text[start:end]`` without the denial word that ends its phrase
    (in its span, or right after it and before ``limit``), or None when no such word denies it."""
    if _TEST.search(text, start, end):
        return None
    inside = _INSIDE.search(text, start, end)
    if inside is not None and inside.start() > start:
        concept_end, word_end = inside.start(), end
    elif (after := _NEXT.match(text, end)) is not None and after.end() <= limit:
        concept_end, word_end = end - (text[end - 1] == "-"), after.end()  # "EGFR-|negative": not the hyphen
    else:
        return None
    return concept_end if _ends_phrase(text, word_end) else None


def _ends_phrase(text: str, pos: int) -> bool:
    """Whether the denial word ending at ``pos`` ends its phrase: nothing, punctuation, a function
    word, a person or a length of time ("for at least 6 months") comes next, not a noun it makes a
    kind of ("breast cancer", "survival") nor a word that governs what follows ("free of")."""
    if _DURATION.match(text, pos):
        return True
    following = _FOLLOWING.match(text, pos)
    if following is None:
        return not re.match(r"[\w-]", text[pos : pos + 1])
    return following[1].lower() in _ENDS
