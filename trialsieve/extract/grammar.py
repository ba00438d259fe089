"""The deterministic grammar: numeric limits in criterion text, exactly.

``find_limits`` returns every ``value [unit]`` with its comparator, in all the spellings the
``operators`` lexicon knows: "≥ 33", "at least 18 years", "1-5 mm/5 minutes", "between 30-89
mL/min", "0,2 cm3", "< 0.5 x 109 cell/L", "> 3 normal", "2 years or less". A number with no
comparator and no range is not a limit ("stage 2", "ACR 2016") and is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from trialsieve.extract.lexicon import alternation, load, phrase_regex
from trialsieve.extract.units import TIME_UNITS, match_unit

_OPS = load("operators")
_WORD_NUMBERS: dict[str, float] = _OPS["number_words"]

_THOUSANDS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # "12,000", "150,000.5"
#: A number in digits as criteria write it: thousands groups, or a decimal point or comma.
NUMERAL = rf"{_THOUSANDS}|\d+(?:[.,]\d+)?"
_NUMBER = re.compile(
    rf"(?:(?<=[\s<>=≤≥(])[-−](?=\d))?(?:(?<![\w.,/^*])|(?<=than))(?:{NUMERAL}|\.\d+)(?![\d])"
    rf"|(?i:{alternation(list(_WORD_NUMBERS))})"
)
_BEFORE_ANY = re.compile(rf"(?:{alternation([p for ps in _OPS['before'].values() for p in ps])})\s*$", re.IGNORECASE)
_AFTER_ANY = re.compile(rf"\s*(?:{alternation([p for ps in _OPS['after'].values() for p in ps])})", re.IGNORECASE)
_AFTER = {p.lower(): op for op, ps in _OPS["after"].items() for p in ps}
_BEFORE_LOOKUP = {re.sub(r"\s+", " ", p.lower()): op for op, ps in _OPS["before"].items() for p in ps}
_AGE_TAIL = re.compile(r"\s*(?:of\s+age|old)(?![\w])", re.IGNORECASE)
_JOINER = re.compile(rf"\s*(?:{alternation(_OPS['range_joiners'])})\s*", re.IGNORECASE)
_OF_A_LIST = r"\s+of\s+(?:the\s+following|these|those|them|the\s+below|the\s+above)\b|\s+of\s*:"
_NOT_A_QUANTITY = re.compile(rf"(?:/\d|:\d|{_OF_A_LIST})", re.IGNORECASE)
_COUNTS_A_LIST = re.compile(_OF_A_LIST, re.IGNORECASE)  # "one or more of the following": logic, not a limit
_OF_THE = re.compile(r"\s+of\s+(?:the|these|those|his|her|their)\b", re.IGNORECASE)
_SCALE = re.compile(
    r"\s*(?:-?\s*points?\s+)?(?:(?!(?:on|in|of|at|the)\b)[\w-]+\s+){0,3}(?:scale|VAS|NRS|likert)\b", re.IGNORECASE
)
_SCALE_BEFORE = re.compile(r"(?:\bscale\s+(?:of|from|ranging\s+from)|\b(?:scale|VAS|NRS)\s*\()\s*$", re.IGNORECASE)
_ALTERNATE = re.compile(r"\s*/\s*\d+(?:[.,]\d+)?")
_SAMPLE_SIZE = re.compile(r"(?<![\w])[nN]\s*=\s*$")
_SHARED = re.compile(r"\s*(?:,|and|or|to|-)\s*", re.IGNORECASE)  # "under 40 or over 60 years"
_STARTS_NUMBER = re.compile(r"\s*(?:than\s*)?[<>≤≥]?\s*\d")
_CALENDAR_YEAR = re.compile(r"(?:19|20)\d\d")
_DEFINED = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*[^\W\d][^\s=<>]{0,14}\s*$")  # "1 serving = ", "1cmH2O="
_AFTER_A_NUMBER = re.compile(r"\d\s+$")  # "Circulation 2001 103 335-336": a citation, not a range
_INCLUSIVE = re.compile(r"\s*\((?:inclusive|exclusive|included|excluded)\)", re.IGNORECASE)
_YEARS_OLD = re.compile(r"\s*(?:years?|yrs?)[\s-]*(?:old|of\s+age)\b", re.IGNORECASE)
_PAIR = re.compile(r"\s*/\s*(\d{2,3})(?!\d|[/.,]\d)")  # "140/90"
_PRESSURE_WORDS = phrase_regex(_OPS["pressure_pairs"]["words"])
_OUT_OF = re.compile(  # "4/10", "5 out of 10"
    rf"\s*(?:/|out\s+of)\s*(?:{'|'.join(_OPS['scale_maxima']['denominators'])})(?!\d|[/.,]\d)"
)
_RATIO = re.compile(r"\s*:\s*1(?![\d.,:])")  # "Qp/Qs < 1.5:1": the value is 1.5
_ORDINAL_TAIL = re.compile(r"(?:st|nd|rd|th)\b(?!\s*(?:percentile|centile))|[A-Za-z](?!t?h?\s*(?:percentile|centile))")


@dataclass
class Limit:
    """One numeric limit: ``operator value [value2] [unit]`` at ``text[start:end]``."""

    start: int
    end: int
    operator: str
    value: float
    value2: float | None
    unit: str | None
    unit_text: str | None
    multiplier_of: str | None
    value_span: tuple[int, int]
    unit_span: tuple[int, int] | None
    operator_span: tuple[int, int] | None
    diastolic: float | None = None  # "> 140/90 mmHg": value is the systolic pressure, this the diastolic

    @property
    def is_time(self) -> bool:
        return self.unit in TIME_UNITS


def parse_number(written: str) -> float | None:
    """ "0,2" -> 0.2 (decimal comma), "12,000" -> 12000 (thousands), "five" -> 5."""
    s = written.strip().lower().replace("−", "-")
    if s in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[s])
    if re.fullmatch(_THOUSANDS, s):
        s = s.replace(",", "")
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def find_limits(text: str) -> list[Limit]:
    """Every numeric limit in ``text``, left to right, not overlapping."""
    limits: list[Limit] = []
    consumed = 0
    for number in _NUMBER.finditer(text):
        if number.start() < consumed:
            continue
        limit = _limit_at(text, number, consumed)
        if limit:
            limits.append(limit)
            consumed = limit.end
    for first, second in pairwise(limits):
        if (
            first.unit is None
            and second.unit
            and not first.multiplier_of
            and _SHARED.fullmatch(text, first.end, second.start)
        ):
            first.unit, first.unit_text = second.unit, second.unit_text  # "under 40 or over 60 years": both in years
    return limits


def _limit_at(text: str, number: re.Match[str], floor: int) -> Limit | None:
    value = parse_number(number[0])
    if value is None:
        return None
    is_word = number[0][0].isalpha()
    pos = number.end()
    diastolic = None
    if (pair := _PAIR.match(text, pos)) and _is_pressure(text, number, value, pair):
        diastolic, pos = float(pair[1]), pair.end()
    elif out_of := (_OUT_OF.match(text, pos) or _RATIO.match(text, pos)):
        pos = out_of.end()  # "> 4/10": 4 on a scale whose top is 10; "≥ 1.5:1": a ratio to one
    if (
        diastolic is None
        and not out_of
        and (
            _NOT_A_QUANTITY.match(text, pos)
            or (is_word and _OF_THE.match(text, pos))
            or _SAMPLE_SIZE.search(text, max(0, number.start() - 6), number.start())
        )
    ):
        return None  # "140/90", "22:00", "one of the following", "n = 20": not a limit on the patient
    unit = match_unit(text, pos)
    if unit is None and not is_word and _ORDINAL_TAIL.match(text, pos):
        return None  # "2nd", "5-FU", "3rd degree": not a quantity
    post = _after(text, pos)  # "18+ years"
    if post and text[post[2] : post[1]] == "+" and value <= 4 and match_unit(text, post[1]) is None:
        post, pos = None, post[1]  # "IHC 0, 1+ or 2+", "proteinuria 2+": a grade, not "2 or more"
    if post:
        pos = post[1]
        unit = match_unit(text, pos)
    if unit:
        pos = unit.end
        alternate = _ALTERNATE.match(text, pos)
        if alternate and (other := match_unit(text, alternate.end())):  # "38.5 C/101.2 F": the same value twice
            pos = other.end

    value2 = None
    inclusive = _INCLUSIVE.match(text, pos)  # "between 50kg (inclusive) and 90kg"
    joiner = _JOINER.match(text, inclusive.end() if inclusive else pos) if diastolic is None else None
    before = _before(text, number.start(), floor)
    if joiner and not is_word:
        second = _NUMBER.match(text, joiner.end())
        joined_by_and = joiner[0].strip().lower() == "and"
        ages = second and not before and _YEARS_OLD.match(text, second.end())  # "18 and 65 years old"
        allowed = (
            second and not second[0][0].isalpha() and (not joined_by_and or (before and before[0] == "between") or ages)
        )
        if allowed and (not _ORDINAL_TAIL.match(text, second.end()) or match_unit(text, second.end())):
            value2 = parse_number(second[0])
            pos = second.end()
            unit2 = match_unit(text, pos)
            if unit2:
                unit, pos = unit2, unit2.end
    if value2 is None and before and before[0] == "between":
        before = None  # "from 3 months" is not a range
    if not post:
        tail = _AGE_TAIL.match(text, pos) or (_INCLUSIVE.match(text, pos) if value2 is None else None)
        post = _after(text, tail.end() if tail else pos)  # "18 years of age or older", "18 (inclusive) or older"
        if before and post and post[0] != before[0] and before[0] != "=":
            post = None  # "older than 18 and younger", "Minimum Age: 18 Years Maximum Age": the one before rules
        if post:
            pos = post[1]
    if before and post and post[0] != before[0] and before[0] != "=":
        post = None
    if unit is None and post and _COUNTS_A_LIST.match(text, pos):
        return None
    if unit is None and _CALENDAR_YEAR.fullmatch(number[0]):
        return None  # "between 2008 and 2017": calendar dates, not a quantity
    if value2 is not None:
        describes_scale = _SCALE.match(text, pos) or (value in (0, 1) and _SCALE_BEFORE.search(text, 0, number.start()))
        if value2 < value or describes_scale:
            return None  # "2020-2019" is no range; "a 0-10 scale" describes the scale, it sets no limit
        operator, op_span = "between", (before[1], before[2]) if before else None
    elif post:
        operator, op_span = post[0], (post[2], post[1])
    elif before:
        operator, op_span = before[0], (before[1], before[2])
    else:
        return None
    if is_word and unit is None and op_span is None:
        return None
    if operator == "=" and op_span and _DEFINED.search(text, max(0, op_span[0] - 24), op_span[0]):
        return None  # "(1 serving = 1 glass of wine)" defines a unit, it limits nothing
    if op_span is None and _AFTER_A_NUMBER.search(text, max(0, number.start() - 8), number.start()):
        return None
    start = op_span[0] if op_span and op_span[0] < number.start() else number.start()
    if before and before[1] < start:  # "≥ 5.7% or higher": the written comparator before counts too
        start = before[1]
    return Limit(
        start=start,
        end=pos if not post else max(pos, post[1]),
        operator=operator,
        value=value,
        value2=value2,
        unit=unit.code if unit else None,
        unit_text=unit.text if unit else None,
        multiplier_of=unit.multiplier_of if unit else None,
        value_span=(number.start(), number.end()),
        unit_span=unit.span if unit else None,
        operator_span=op_span,
        diastolic=diastolic,
    )


def _is_pressure(text: str, number: re.Match[str], systolic: float, pair: re.Match[str]) -> bool:
    """Whether "140/90" is a blood pressure: plausible numbers, and mm[Hg] after or a pressure word before."""
    diastolic = float(pair[1])
    if not (60 <= systolic <= 300 and 30 <= diastolic <= 200 and diastolic < systolic):
        return False
    unit = match_unit(text, pair.end())
    return bool(unit and unit.code == "mm[Hg]") or bool(
        _PRESSURE_WORDS.search(text, max(0, number.start() - 60), number.start())
    )


def _before(text: str, pos: int, floor: int) -> tuple[str, int, int] | None:
    """The comparator written just before ``pos``: (operator, start, end)."""
    window_start = max(floor, pos - 48)
    found = _BEFORE_ANY.search(text, window_start, pos)
    if not found:
        return None
    written = re.sub(r"\s+", " ", found[0].strip().lower())
    return _BEFORE_LOOKUP[written], found.start(), found.start() + len(found[0].rstrip())


def _after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The comparator written just after ``pos``: (operator, end, start).

    Not before a number: in "below 18 and above 45", "and above" opens the next limit.
    """
    found = _AFTER_ANY.match(text, pos)
    if not found or _STARTS_NUMBER.match(text, found.end()):
        return None
    written = re.sub(r"\s+", " ", found[0].strip().lower())
    return _AFTER[written], found.end(), found.end() - len(found[0].lstrip())
