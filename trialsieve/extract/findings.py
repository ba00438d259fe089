"""What a test or a function was found to show, when the finding is written apart from it.

The tagger names the test ("ECG", "physical examination") or the function ("liver function") and
leaves the finding out when it stands before the name with a preposition ("abnormalities in ECG",
"impairment of renal function") or after it with a denial ("physical examination with no
abnormalities"). Read as the test alone, the leaf was met by any record of the test: "Autonomic
neuropathy, blood diseases, abnormalities in ECG" excluded every patient who had had an ECG, normal
or not, and "physical examination with no abnormalities" was met by any examination. The finding
is the concept; a denial after the test denies the finding, not the test. The heads are the
``finding_heads`` of ``lexicons/cues.json`` ("abnormality", "impairment", "dysfunction", ...).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load, phrase_regex

_HEAD = phrase_regex([*load("cues")["finding_heads"]["words"], "abnormal findings", "abnormal finding"]).pattern
#: the finding, its preposition and up to two words of the test's name before the tagged part
#: ("abnormalities in the resting |ECG|", "abnormality on |physical examination|")
#: "findings on |MRI|" is what the MRI showed, but "findings of |pneumonia|" is pneumonia found: no "of" for it
_BEFORE = re.compile(
    rf"(?:(?:{_HEAD})\s+(?:in|on|of)|\bfindings?\s+(?:in|on))\s+(?:(?:the|an?)\s+)?(?:[\w-]+\s+){{0,2}}$",
    re.IGNORECASE,
)
#: a denied finding right after the test: "with no abnormalities", "without clinically significant abnormality"
_CLEAR = re.compile(
    rf"\s*,?\s+(?:with\s+no|without(?:\s+any)?)\s+(?:(?:clinically\s+)?(?:significant|relevant)\s+)?(?P<head>{_HEAD})",
    re.IGNORECASE,
)


def before(text: str, floor: int, start: int) -> int | None:
    """Where a finding written before the concept at ``start`` begins ("|abnormalities in ECG"), or None."""
    found = _BEFORE.search(text, max(floor, start - 60), start)
    return found.start() if found is not None else None


def cleared(text: str, end: int, limit: int) -> tuple[int, str] | None:
    """The end of a denied finding right after the concept that ends at ``end`` ("physical examination|
    with no abnormalities|"), within ``limit``, and the finding's head word; None without one."""
    found = _CLEAR.match(text, end)
    if found is None or found.end() > limit:
        return None
    return found.end(), found["head"]
