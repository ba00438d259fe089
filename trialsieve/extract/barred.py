"""A sentence that says who the trial does not take.

"Histologically confirmed prostate cancer. Patients who received prior chemotherapy are not
eligible." is an inclusion with a bar in its last sentence: a patient must have the cancer and must
not have had chemotherapy. Read as one more requirement (before this module), the inclusion asked
for the chemotherapy it bars, and "Patients with active infection will not be included." as an
inclusion required an infection. ``find`` reads where the barring sentence begins and where its
subject ends; ``structure`` denies the subject in an inclusion and takes it as one more reason to
exclude in an exclusion. "Patients are excluded if they had surgery within 4 weeks" bars what follows
"if". The cue words are the ``barred`` lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialsieve.extract.lexicon import load_checked

_LEXICON = load_checked("barred", {"_doc", "barred", "excluded_if", "tails"})
_BARRED = re.compile(_LEXICON["barred"], re.IGNORECASE)
_EXCLUDED_IF = re.compile(_LEXICON["excluded_if"], re.IGNORECASE)
_TAIL = re.compile(_LEXICON["tails"], re.IGNORECASE)
#: where a sentence may begin: the text's start, or a capital after a sentence's end
_STARTS = re.compile(r"^\s*|[.;]\s+(?=[A-Z])")
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")


@dataclass(frozen=True)
class Bar:
    """What the criterion asks before the barring sentence (``text[:head_end]``, maybe nothing) and what
    the sentence bars (``text[start:end]``)."""

    head_end: int
    start: int
    end: int


def find(text: str) -> Bar | None:
    """The last sentence of ``text`` when it bars its subject (or what follows "excluded if"), else None."""
    if not (_BARRED.search(text) or _EXCLUDED_IF.search(text)):
        return None  # the cheap test first: few criteria say so
    opened = list(_STARTS.finditer(text))[-1]
    start = opened.end()
    found = _SENTENCE_END.search(text, start)
    end = found.start() if found else len(text)
    if end < len(text.rstrip(" .;)")):
        return None  # more follows it: not the last sentence
    if (excluded := _EXCLUDED_IF.match(text, start)) is not None:
        return Bar(head_end=opened.start(), start=excluded.end(), end=end)
    said = _BARRED.search(text, start, end)
    if said is None or said.start() == start or not _TAIL.match(text[said.end() : end + 1]):
        return None
    return Bar(head_end=opened.start(), start=start, end=said.start())
