"""Registry age limits ("18 Years", "18+ years old", "18 to 65 years old") as numbers with units."""

from __future__ import annotations

import re

from trialsieve.extract.units import SPELLINGS, TIME_UNITS
from trialsieve.trial import Age

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*\+?\s*([A-Za-z]+)?")


def parse_age(text: str | None) -> Age | None:
    """ "18 Years" -> 18 a. None for "N/A", missing or unreadable values."""
    if not text:
        return None
    found = _AGE.search(text)
    if not found:
        return None
    unit = SPELLINGS.get((found[2] or "years").lower(), "a")
    return Age(value=float(found[1]), unit=unit if unit in TIME_UNITS else "a", text=text.strip())


def parse_age_range(text: str) -> tuple[Age | None, Age | None]:
    """A page's "Ages" line as (minimum, maximum): "18+ years old", "18 to 65 years old", "Under 18"."""
    numbers = _AGE.findall(text)
    unit_word = next((u for _, u in numbers if u), "years")
    unit = SPELLINGS.get(unit_word.lower(), "a")
    unit = unit if unit in TIME_UNITS else "a"
    ages = [Age(value=float(n), unit=unit, text=text.strip()) for n, _ in numbers]
    if not ages:
        return None, None
    if len(ages) >= 2:
        return ages[0], ages[1]
    if re.search(r"\b(?:under|up to|younger than|below|max)", text, re.IGNORECASE):
        return None, ages[0]
    return ages[0], None
