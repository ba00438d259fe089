"""Is a model's claim written in the source? Words, numbers and units checked against the text."""

from __future__ import annotations

import re

from trialsieve.extract.grammar import NUMERAL, parse_number
from trialsieve.extract.units import ucum

_NUMBER = re.compile(NUMERAL)


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text``, read as the grammar reads it: "0,2" is 0.2, "150,000" is 150000."""
    return {parse_number(n) for n in _NUMBER.findall(text)} - {None}


def find(text: str, words: str) -> int:
    """Where ``words`` are written in ``text`` (any case), or -1; blank words are never found."""
    words = words.strip().lower()
    return text.lower().find(words) if words else -1


def unit_code(text: str, unit: str) -> str | None:
    """The UCUM code of ``unit`` if it is written in ``text`` and trialsieve knows it, else None."""
    written = unit.lower().replace(" ", "") in text.lower().replace(" ", "")
    return ucum(unit) if written else None
