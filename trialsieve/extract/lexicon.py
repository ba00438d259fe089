"""Load the lexicons in ``lexicons/*.json`` and compile their phrases into regular expressions.

Lexicons are data so that a new spelling is a one-line edit, not a code change.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources


@cache
def load(name: str, package: str = "trialsieve.extract") -> dict:
    """The lexicon ``lexicons/<name>.json`` of ``package``."""
    return json.loads(resources.files(package).joinpath("lexicons", f"{name}.json").read_text("utf-8"))


def alternation(phrases: list[str], *, escape: bool = True) -> str:
    """One regex alternative per phrase, longest first so the longest spelling wins.

    Inner spaces match any run of whitespace; phrases that start or end with a word character
    must start or end on a word boundary. The start check is written once, outside the group:
    inside every alternative it would stop the regex engine from skipping ahead by first
    character, which made matching ten times slower.
    """
    words, others = [], []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase).replace(r"\ ", r"\s+") if escape else phrase
        if re.search(r"\w$", phrase):
            body += r"(?![\w])"
        (words if re.match(r"\w", phrase) else others).append(body)
    parts = [rf"(?<![^\W\d_])(?:{'|'.join(words)})"] if words else []
    return "|".join(parts + others)


def phrase_regex(phrases: list[str], *, escape: bool = True) -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(phrases, escape=escape)})", re.IGNORECASE)


def inverse(groups: dict[str, list[str]]) -> dict[str, str]:
    """``{label: [phrase, ...]}`` to ``{phrase (lower case): label}``, skipping ``_doc`` keys."""
    return {p.lower(): label for label, phrases in groups.items() if not label.startswith("_") for p in phrases}
