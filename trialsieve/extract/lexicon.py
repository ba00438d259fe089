"""Load the lexicons in ``lexicons/*.json`` and compile their phrases into regular expressions.

Lexicons are data so that a new spelling is a one-line edit, not a code change.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources


@cache
def load(name: str, package: str = "trialsieve.extract") -> dict:
    """The lexicon ``lexicons/<name>.json`` of ``package``."""
    return json.loads(resources.files(package).joinpath("lexicons", f"{name}.json").read_text("utf-8"))


def load_checked(name: str, keys: set[str] | frozenset[str], package: str = "trialsieve.extract") -> dict:
    """The lexicon ``lexicons/<name>.json`` of ``package``, its keys exactly ``keys``: a misspelt or missing
    key fails at import instead of quietly reading nothing."""
    lexicon = load(name, package)
    if set(lexicon) != set(keys):
        raise ValueError(f"lexicons/{name}.json: keys must be {sorted(keys)}, not {sorted(lexicon)}")
    return lexicon


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
    parts = [rf"(?<![^\W\d_])(?:{_by_first_letter(words) if escape else '|'.join(words)})"] if words else []
    return "|".join(parts + others)


def _by_first_letter(bodies: list[str]) -> str:
    """The escaped phrases ``bodies`` as one alternation with each first letter written once:
    ``n(?:o\\s+longer|ever|ot)``.

    Python's regex engine tries an alternation's branches one by one at each word start (and with
    IGNORECASE it cannot even skip a branch by its first letter), so a lexicon of hundreds of
    phrases cost hundreds of tries a word; grouped by first letter it costs a few dozen (11% fewer
    instructions per criterion; sharing longer beginnings saved nothing more). Matches are the
    same: only phrases with the same first letter (in either case) can match at one place, and
    they keep their order within their group. Phrases that start with the same letter in both
    cases stay apart, and a non-ASCII first letter (µ and μ are one letter to IGNORECASE) leaves
    the alternation as it was.
    """
    if any(not body[0].isascii() for body in bodies):
        return "|".join(bodies)
    groups: dict[str, list[str]] = {}
    for body in bodies:
        groups.setdefault(body[0].lower(), []).append(body)
    parts = []
    for members in groups.values():
        if len(members) == 1 or len({m[0] for m in members}) > 1:
            parts.append("|".join(members))
        else:
            parts.append(f"{members[0][0]}(?:{'|'.join(m[1:] for m in members)})")
    return "|".join(parts)


def phrase_regex(phrases: list[str], *, escape: bool = True) -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(phrases, escape=escape)})", re.IGNORECASE)


def inverse(groups: dict[str, list[str]]) -> dict[str, str]:
    """``{label: [phrase, ...]}`` to ``{phrase (lower case): label}``, skipping ``_doc`` keys."""
    return {p.lower(): label for label, phrases in groups.items() if not label.startswith("_") for p in phrases}


def folded(text: str) -> str:
    """``text`` with each accented letter as its bare letter, one character for one ("Diabètes" is
    "Diabetes", "Sjögren" is "Sjogren"), so that offsets into it are offsets into ``text``: a name
    written with an accent, as registries translated from French or Spanish write them, is still the
    name a lexicon spells without one."""
    return "".join(_bare(ch) for ch in text)


@cache
def _bare(ch: str) -> str:
    parts = unicodedata.normalize("NFD", ch)
    if len(parts) > 1 and all(unicodedata.combining(p) for p in parts[1:]):
        return parts[0]
    return ch
