"""A criterion that is an undertaking promises what it names.

"Agree to attempt sexual intercourse at least 4 times per month ... without being under the
influence of alcohol or recreational drugs" asks the participant to agree; read clause by clause
it became a limit on "Agree to attempt sexual intercourse" and a list in which recreational drug
use met the inclusion. The limits, windows and concepts inside an undertaking are its content, so
a criterion whose every sentence is opened by one (``lexicons/scope.json`` ``undertakings``) is one
review leaf with the reason ``willingness``, as "Willing to use effective contraception" already was.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import load

_LEXICON = load("scope")["undertakings"]
_OPENS = re.compile(_LEXICON["opens"], re.IGNORECASE)
_CLAUSES = re.compile(_LEXICON["clauses"])
_LEAD = re.compile(r"^[\s*•·\-–]*")
#: the undertaking words, searched in lower-cased text: without IGNORECASE the regex engine skips ahead
#: to a first letter of one, instead of trying each word at every place
_WORDS = re.compile("|".join(w.lower() for w in _LEXICON["words"]))


_LISTS = re.compile(_LEXICON["lists"], re.IGNORECASE)


def of_list(text: str) -> bool:
    """Whether ``text`` undertakes what the list under it names ("Both partners must agree to use one of
    the acceptable methods of contraception listed below:"): the items are the promise's content."""
    return _LISTS.search(text) is not None


def list_lead(text: str) -> int | None:
    """Where a last sentence that only leads into the list starts ("... must agree to use one of the
    following methods. Effective methods of birth control include:"), when the undertaking is before
    it: it names the items, which ask nothing; None when there is none."""
    said = text.rstrip()
    if not said.endswith(":"):
        return None
    last = max((m.end() for m in _SENTENCE_END.finditer(said)), default=0)
    return last if last and _LISTS.search(said, 0, last) and not _LISTS.search(said, last) else None


_SENTENCE_END = re.compile(r"[.;]\s+(?=\S)")


def undertaking(text: str) -> bool:
    """Whether every sentence of ``text`` is opened by an undertaking ("Agree to ...", "Subject is willing to
    ..."): "Agree to attempt intercourse ... without alcohol or recreational drugs. Agree to document the
    outcome ..." promises two things and asks none of them."""
    if not _WORDS.search(text[:80].lower()):
        return False
    said = _LEAD.sub("", text).rstrip(" .;")
    return all(_OPENS.match(part.strip()) is not None for part in _CLAUSES.split(said))


#: reasons that say what the participant does or can do: a time bound after one is how long they do it
_DONE_BY_PERSON = frozenset({"ability", "willingness", "compliance"})


def done_by_person(text: str, start: int, var_start: int) -> tuple[int, str] | None:
    """(where the phrase starts, its reason) when the words from ``start`` (the clause's start) to
    ``var_start`` (the thing a time bound bounds) say the participant can, will or must do it: in
    "unable to sit in a chair without armrests for 2 hours" the two hours are how long they cannot
    sit, one phrase for a person, not a sitting that lasted two hours."""
    reason = context.unstructured_reason(text[start:var_start])
    if reason not in _DONE_BY_PERSON:
        return None
    cue = context.review_cue(text, reason, start, var_start)
    items = [m.end() for m in _ITEM_EDGE.finditer(text, start, cue.start())] if cue else []
    first = items[-1] if items else start  # "Pregnant or lactating women, or women ... unwilling to": the last item
    return first + len(text[first:var_start]) - len(text[first:var_start].lstrip()), reason


#: where a list item ends: what is before it is another item ("Pregnant or lactating women, or ...")
_ITEM_EDGE = re.compile(r"[,;，]|\b(?:or|and/or)\b", re.IGNORECASE)
