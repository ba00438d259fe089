"""Units as written in criteria, mapped to UCUM codes from the ``units`` lexicon.

A dictionary of spellings is faster and more predictable than a general unit parser on text
like "mm/5 minutes" or "0.5 x 109 cell/L"; conversion between units is the matcher's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialsieve.extract.lexicon import alternation, load

_LEX = load("units")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

#: lower-case spelling -> UCUM code; time units first so "min" is minutes, not a typo.
SPELLINGS: dict[str, str] = {}
for _group in ("units", "time"):
    for _code, _spellings in _LEX[_group].items():
        for _s in _spellings:
            SPELLINGS.setdefault(_s.lower(), _code)
CASE_SENSITIVE = {s: code for code, spellings in _LEX["case_sensitive"].items() if code != "_doc" for s in spellings}
TIME_UNITS = frozenset(_LEX["time"])
RELATIVE = {s.lower(): ref for ref, spellings in _LEX["relative"].items() if ref != "_doc" for s in spellings}

#: a spelling with spaces around its "/" is the same unit ("kg / m²" is "kg/m²"), so a spelling's "/"
#: matches with or without them, and is looked up without them
_SLASH = re.compile(r"\s*/\s*")
_UNSPACED: dict[str, str] = {}
for _s, _code in SPELLINGS.items():
    _UNSPACED.setdefault(_SLASH.sub("/", _s), _code)
# A unit must not run on into a word ("5 mm" yes, "5 mmol" is mmol, "2 days" not "2 d").
_UNIT = re.compile(
    rf"(?:{alternation(list(CASE_SENSITIVE))})(?![\w]|/[^\W\d_])"
    rf"|(?i:{alternation(list(SPELLINGS)).replace('/', _SLASH.pattern)})(?![\w])"
)
_PER = {s: code for code, spellings in _LEX["per_volume"]["denominators"].items() for s in spellings}
_PER_VOLUMES = "|".join(
    map(
        re.escape,
        sorted((s for s, code in _PER.items() if code in _LEX["per_volume"]["volumes"]), key=len, reverse=True),
    )
)
_PER_VOLUME = re.compile(  # "copies/mL", "WBC per uL", and in words "packs per day", "drinks a week"
    rf"(?:(?P<thing>[A-Za-z]{{3,}})\s*/\s*|(?i:(?P<worded>{'|'.join(_LEX['per_volume']['in_words'])})\s+(?:per|a)\s+)"
    rf"|(?P<counted>[A-Za-z]{{3,}})\s+per\s+(?=(?:{_PER_VOLUMES})(?![\w])))"
    rf"(?P<per>{'|'.join(map(re.escape, sorted(_PER, key=len, reverse=True)))})(?![\w])"
)
_EXPONENT = re.compile(
    r"\s*(?:x|×|\*|X|∙|·)\s*10\s*(?:(?:\^|\*\*|e|E)\s*(?P<exp>[-−]?\d{1,2})|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)|(?P<bare>\d{1,2})(?!\d))"
)
_BARE_EXPONENTS = frozenset(_LEX["exponent"]["bare_exponents"])
_RELATIVE = re.compile(
    rf"\s*(?:(?:x|×|X|\*|times|fold)\s*(?:the\s+)?(?:institutional\s+)?)?(?P<ref>(?i:{alternation(list(RELATIVE))}))(?![\w])"
)


_TIME_ADJECTIVE = re.compile(rf"\s*(?i:{alternation(_LEX['time_adjectives']['words'])})\s+")
_GLOSS = re.compile(r"\s*\(([^()]{1,20})\)")
_TIME_SPELLING = {s.lower(): code for code, spellings in _LEX["time"].items() for s in spellings}
_PER_TIME = re.compile(
    rf"\s*(?:/|per|a|an|each)\s*(?P<time>(?i:{alternation(list(_TIME_SPELLING))}))"
    r"(?!\s+(?:ago|before|prior|earlier|later|after|since)\b)"  # "7% a year ago" is no rate
)


@dataclass(frozen=True)
class UnitMatch:
    code: str | None
    text: str
    end: int
    multiplier_of: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        """Where the unit is written: ``text`` ends at ``end``."""
        return self.end - len(self.text), self.end


def match_unit(text: str, pos: int) -> UnitMatch | None:
    """The unit written at ``text[pos:]`` (after optional spaces), with any power of ten before it."""
    exponent = _EXPONENT.match(text, pos)
    prefix = ""
    start = pos
    if exponent:
        exp = exponent["exp"] or (exponent["sup"] or "").translate(_SUPERSCRIPTS) or exponent["bare"]
        if exponent["bare"] and exp not in _BARE_EXPONENTS:
            exponent = None
        else:
            prefix = "10*" + exp.replace("−", "-")
            pos = exponent.end()
    unit = _UNIT.match(text, _skip_space(text, pos))
    if unit is None and not prefix and (adjective := _TIME_ADJECTIVE.match(text, pos)):
        timed = _UNIT.match(text, adjective.end())  # "6 consecutive weeks": still weeks
        unit = timed if timed and SPELLINGS.get(timed[0].lower()) in TIME_UNITS else None
    per_volume = _PER_VOLUME.match(text, _skip_space(text, pos)) if unit is None and not prefix else None
    if per_volume:  # "parasites/mL", "copies/mL"
        counted = per_volume["thing"] or per_volume["worded"] or per_volume["counted"]
        code = f"{{{counted.lower()}}}/{_PER[per_volume['per']]}"
        return UnitMatch(code, per_volume[0], per_volume.end())
    if unit is None:
        if prefix:
            return UnitMatch(prefix, text[start:pos].strip(), pos)
        relative = _RELATIVE.match(text, pos)
        if relative:
            return UnitMatch(None, relative[0].strip(), relative.end(), RELATIVE[relative["ref"].lower()])
        return None
    written = unit[0]
    spelt = re.sub(r"\s+", " ", written.lower())
    code = CASE_SENSITIVE.get(written) or SPELLINGS.get(spelt) or _UNSPACED[_SLASH.sub("/", spelt)]
    if prefix:
        code = prefix + (code if code.startswith("/") else "/" + code.split("/", 1)[-1] if "/" in code else "")
    end = unit.end()
    rate = _PER_TIME.match(text, end) if "/" not in code and code != "%" else None
    per = _TIME_SPELLING[rate["time"].lower()] if rate else None
    if per and per != code:  # "100 ml per day", "4 hours per week"; a time per the same unit is no rate
        code, end = f"{code}/{per}", rate.end()
    gloss = _GLOSS.match(text, end)
    if gloss and ucum(gloss[1]) == code:  # "standard deviations (SD)": the same unit, said again
        end = gloss.end()
    return UnitMatch(code, text[_skip_space(text, start) : end], end)


def _skip_space(text: str, pos: int) -> int:
    """Past spaces, and past a hyphen before a word: "12-month", "6-week"."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if text[pos : pos + 1] == "-" and text[pos + 1 : pos + 2].isalpha():
        pos += 1
    return pos


def ucum(written: str) -> str | None:
    """The UCUM code for a unit as written, or None if the lexicon does not know it."""
    found = match_unit(written, 0)
    return found.code if found and found.end == len(written.rstrip()) else None
