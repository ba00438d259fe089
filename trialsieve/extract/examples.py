"""Examples after a category keep the category: "Hypersensitivity to any component of the study
drug, including lactose, magnesium stearate" asks about an allergy to any component of the study
drug; lactose and magnesium stearate are examples of it, alternatives that also satisfy it, not
the whole of what is asked. Read as the list of allergens, the criterion let through a patient
allergic to the drug itself. The cues are the ``groups.examples`` of ``cues.json``.

What is written after the examples bounds the category too: "anti-tumor therapy such as
chemotherapy, radiotherapy or immunotherapy within 4 weeks before enrollment" asks for a recent
anti-tumor therapy. With the window on the examples only, any anti-tumor therapy ever received
excluded the patient. ``category_of`` finds the category whose list of examples ends at an item.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import context, lists
from trialsieve.rules import leaves

if TYPE_CHECKING:
    from trialsieve.extract.logic import Atom

#: the words between a category and its first example: " such as ", ", including ", " (e.g., "
_OPENS = re.compile(
    rf"\s*,?\s*\(?\s*(?:{context.EXAMPLES.pattern})\.?(?:\s*,?\s*but\s+not\s+limited\s+to)?\s*[,:]?\s*", re.IGNORECASE
)
#: the words between two examples: in a list of examples "and" joins alternatives too ("such as CBT,
#: motivational enhancement therapy, and psychoanalysis in the past 3 months")
_CLOSE = re.compile(r"\s*\)")  # the bracket that closes a list of examples
_BETWEEN = re.compile(r"\s*,?\s*(?:and/or|or|and)\s+|\s*,\s*", re.IGNORECASE)


def category_before(text: str, start: int, first_item: int) -> str | None:
    """The words that name the category between ``start`` (right after a head such as "allergy to")
    and an example cue before ``first_item``, the first item listed: "any component of the study
    drug" in "... to any component of the study drug, including lactose". None when no example cue
    stands there, or the words before it name nothing."""
    cue = context.EXAMPLES.search(text, start, first_item)
    if cue is None:
        return None
    words = text[start : cue.start()].strip(" ,;:(-")
    return words if context.has_content(words) else None


def category_of(text: str, atoms: list[Atom], last: int) -> int | None:
    """The index in ``atoms`` of the category whose list of examples ends with ``atoms[last]``:
    back over the gaps of the list to the example cue that opens it. None when no cue opens the
    list, or something other than list words stands between two of its items."""
    k = last - 1
    while k >= 0:
        if _OPENS.fullmatch(text, *_named_gap(atoms[k], atoms[k + 1])):
            return k
        gap = text[atoms[k].end : atoms[k + 1].start]
        if not _BETWEEN.fullmatch(context.QUALIFIERS.sub(" ", lists.without_tail(gap))):
            return None
        k -= 1
    return None


def bracketed(text: str, atoms: list[Atom], last: int) -> tuple[int, int] | None:
    """The index of the category whose examples in brackets end with ``atoms[last]``, and where the
    bracket closes: "erythropoietic agents (including epoetin, darbepoetin), G-CSF within 30 days"
    lists the agents, examples and all, beside G-CSF. None when no bracket of examples closes there."""
    if last + 1 >= len(atoms) or not (close := _CLOSE.match(text, atoms[last].end, atoms[last + 1].start)):
        return None
    category = category_of(text, atoms, last)
    if category is None or "(" not in text[atoms[category].end : atoms[category + 1].start]:
        return None
    return category, close.end()


def _named_gap(before: Atom, after: Atom) -> tuple[int, int]:
    """The words between the last concept ``before`` names and the first ``after`` names: either
    phrase may take in the cue between them ("Any intraocular surgery, including")."""
    ends = [leaf.concept.span[1] for leaf in leaves(before.rule) if leaf.type == "presence" and leaf.concept.span]
    starts = [leaf.concept.span[0] for leaf in leaves(after.rule) if leaf.type == "presence" and leaf.concept.span]
    end = min(before.end, max(ends)) if ends else before.end
    start = max(after.start, min(starts)) if starts else after.start
    return end, max(end, start)
