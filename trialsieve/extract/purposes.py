"""What a treatment was given for stays on it: "systemic therapy for advanced stage disease".

The tagger names "systemic therapy" and leaves "for advanced stage disease" untagged, so the purpose
was dropped: the exclusion "Prior systemic therapy for advanced stage disease" then caught every
patient who ever had adjuvant chemotherapy for early disease, whom the trial means to admit. Like a
body site ("radiation therapy to pelvis"), a stage or extent of disease written after a drug or a
procedure (``scope.json`` ``purposes``) is part of the concept's words: a record that names the
therapy without saying what for does not answer it. Where the tagger did name the disease
("chemotherapy for metastatic breast cancer") it keeps its own leaf, as before.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load

_PURPOSE = re.compile(load("scope")["purposes"]["pattern"], re.IGNORECASE)
#: the kinds of concept that are given for something
_GIVEN = frozenset({"drug", "procedure"})


#: "for therapy of": the words that link a drug to what it was given for
_LINK = re.compile(load("scope")["purpose_links"]["pattern"], re.IGNORECASE)


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` links a drug to its purpose ("PDE5 inhibitors for therapy of ED"): a span tagged
    inside one ("therapy") names no procedure."""
    return [m.span() for m in _LINK.finditer(text)]


def purpose_end(text: str, end: int, kind: str | None, limit: int, tagged: list[tuple[int, int]]) -> int | None:
    """Where the purpose written right after a concept of ``kind`` ending at ``end`` ends, within
    ``limit``; None when there is none, or when the tagger named a concept inside it."""
    if kind not in _GIVEN or (found := _PURPOSE.match(text, end)) is None or found.end() > limit:
        return None
    if any(end <= start and stop <= found.end() for start, stop in tagged):
        return None
    return found.end()
