"""Examples after a category keep the category: "Hypersensitivity to any component of the study
drug, including lactose, magnesium stearate" asks about an allergy to any component of the study
drug; lactose and magnesium stearate are examples of it, alternatives that also satisfy it, not
the whole of what is asked. Read as the list of allergens, the criterion let through a patient
allergic to the drug itself. The cues are the ``groups.examples`` of ``cues.json``.
"""

from __future__ import annotations

from trialsieve.extract import context


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
