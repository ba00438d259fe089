"""A procedure done on an organ is a procedure, not the organ.

The tagger often names only the organ in "invasive treatment of prostate gland" and tags it a
condition, so the exclusion read "prostate gland" and caught every man. A procedure word right
before "of" (or "on", "to", "in") and a body site (``cues.json`` ``body_sites``, ``scope.json``
``site_procedures``) makes the leaf that procedure on that site: "invasive treatment of prostate
gland", a procedure. A disease after the word ("treatment of prostate cancer") is left as it was.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load

_LEXICON = load("scope")["site_procedures"]
_HEAD = re.compile(_LEXICON["heads"], re.IGNORECASE)
_SITE = re.compile(
    rf"(?:(?:left|right|upper|lower)\s+)*(?:{alternation(load('cues')['body_sites']['words'])}){_LEXICON['site_tail']}",
    re.IGNORECASE,
)
#: how far before the site to look for the procedure word: a word or two and its link
_NEAR = 60


def procedure_on(text: str, floor: int, start: int, end: int) -> int | None:
    """Where the procedure done on the body site ``text[start:end]`` starts (not before ``floor``),
    or None when the span is no bare site or no procedure word stands right before it."""
    if not _SITE.fullmatch(text, start, end):
        return None
    found = _HEAD.search(text, max(floor, start - _NEAR), start)
    return found.start() if found else None
