"""Ordinal scores written as a list of allowed values: "ECOG performance status 0 or 1", or as one.

A criterion that allows "ECOG 0, 1 or 2" allows the same patients as "ECOG 0-2", and a score on an
ordinal scale has no values between its steps, so a list of consecutive steps is that range. The
grammar reads it as it reads "0-2" (``between`` first and last), so the matcher, the index and the
Ask engine need nothing new. Which scales, their steps and the words allowed between a scale's
name and its list are data (``lexicons/scales.json``): a list after anything else ("1 or 2 prior
regimens", "stage 2 or 3") is no score, and values that skip a step ("ECOG 0 or 2") are no range.
One value with no comparator ("ECOG performance status of 2") is that value (``one_step``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.units import match_unit

_LEX = load("scales")
_LOOK_BACK = 100  # characters: "Eastern Cooperative Oncology Group (ECOG) Performance Status (APPENDIX 4) of "


@dataclass(frozen=True)
class _Scale:
    names: tuple[str, ...]
    lowest: float
    highest: float
    step: float


def _scales(lexicon: dict) -> list[_Scale]:
    """The lexicon's scales, its keys checked: a misspelt key must fail here, not match nothing."""
    scales = []
    for entry in lexicon["scales"]:
        if set(entry) != {"scale", "names", "lowest", "highest", "step"} or entry["step"] <= 0:
            raise ValueError(f"scales.json: bad scale entry {entry}")
        scales.append(_Scale(tuple(entry["names"]), entry["lowest"], entry["highest"], entry["step"]))
    return scales


_SCALES = _scales(_LEX)


def _names(names: tuple[str, ...]) -> str:
    """Abbreviations in capitals as written ("WHO", "PS": not "who", "ps"); names in words in any case."""
    upper = [n for n in names if n.isupper()]
    words = [n for n in names if not n.isupper()]
    return "|".join(
        p for p in (alternation(upper) if upper else "", f"(?i:{alternation(words)})" if words else "") if p
    )


_ASIDE = r"\([^()]*\)|\[[^\[\]]*\]"  # "(ECOG)", "(APPENDIX 4)", "[SWOG]"
_NAMED = re.compile(
    "(?:" + "|".join(f"(?P<s{i}>{_names(s.names)})" for i, s in enumerate(_SCALES)) + ")"
    rf"(?:\s*(?:{_ASIDE}|(?i:{alternation(_LEX['links'])})))*\s*$"
)
_SEPARATOR = rf"\s*(?i:{alternation(_LEX['separators'])})\s*"
_LIST = re.compile(rf"\d{{1,3}}(?:{_SEPARATOR}\d{{1,3}})+")
_ITEM = re.compile(r"\d{1,3}")
_RUNS_ON = re.compile(r"\d|[.,]\d|\s*[%+]|\s*-\s*\d")  # "0 or 1.5", "1 or 2+", "0 or 1-2": not a list of steps


@dataclass(frozen=True)
class Listed:
    """A list of consecutive steps read as a range: ``first``..``last``, the list ending at ``end``."""

    first: float
    last: float
    first_span: tuple[int, int]
    end: int


def lists_at(text: str, start: int) -> bool:
    """Whether a list of values starts at ``start``: a cheap test, done before looking for a name
    (most numbers are no list, and the grammar reads every number)."""
    return _LIST.match(text, start) is not None


def listed_range(text: str, start: int, name_end: int, floor: int) -> Listed | None:
    """The range a list of values starting at ``start`` allows, when a scale's name ends at
    ``name_end`` (links and asides aside) and the values are consecutive steps of that scale."""
    written = _LIST.match(text, start)
    if not written or _RUNS_ON.match(text, written.end()) or match_unit(text, written.end()):
        return None  # "0 or 1 years": not a score
    named = _NAMED.search(text, max(floor, name_end - _LOOK_BACK), name_end)
    if not named:
        return None
    scale = _SCALES[int(named.lastgroup[1:])]
    items = list(_ITEM.finditer(text, start, written.end()))
    values = [float(item[0]) for item in items]
    steps = all(b - a == scale.step for a, b in pairwise(values))
    if not steps or values[0] < scale.lowest or values[-1] > scale.highest:
        return None
    return Listed(values[0], values[-1], items[0].span(), written.end())


#: what makes a value after a score's name no single step: a list or range going on ("2 or 3", "2-3"), or the
#: pattern a Gleason sum is made of ("7 (4 + 3)": a sum of 7 made one way, not any 7)
_NOT_ONE = re.compile(r"\s*(?:(?:-|to|or|and|,)\s*\d|\(?\s*\d\s*\+\s*\d)")


def one_step(text: str, start: int, end: int, floor: int) -> bool:
    """Whether the number at ``start:end`` is one value of a scale named right before it, written with
    no comparator ("ECOG performance status of 2", "Gleason score 7"): that value is the limit, ``=``.
    Read as no limit, the score's name alone was the leaf, which any score on record met."""
    if _RUNS_ON.match(text, end) or match_unit(text, end) or _NOT_ONE.match(text, end):
        return False  # "2 or 3", "2-3", "7 or more" are read elsewhere, "2 years" is no score
    named = _NAMED.search(text, max(floor, start - _LOOK_BACK), start)
    if not named:
        return False
    scale = _SCALES[int(named.lastgroup[1:])]
    value = float(text[start:end])
    return scale.lowest <= value <= scale.highest and (value - scale.lowest) % scale.step == 0
