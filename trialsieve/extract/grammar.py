"""The deterministic grammar: numeric limits in criterion text, exactly.

``find_limits`` returns every ``value [unit]`` with its comparator, in all the spellings the
``operators`` lexicon knows: "≥ 33", "at least 18 years", "1-5 mm/5 minutes", "between 30-89
mL/min", "0,2 cm3", "< 0.5 x 109 cell/L", "> 3 normal", "2 years or less". A number with no
comparator and no range is not a limit ("stage 2", "ACR 2016") and is left alone.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from trialsieve.extract import scales
from trialsieve.extract.lexicon import alternation, load, phrase_regex
from trialsieve.extract.units import RELATIVE, TIME_UNITS, UnitMatch, match_unit

_OPS = load("operators")
_WORD_NUMBERS: dict[str, float] = _OPS["number_words"]

_THOUSANDS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # "12,000", "150,000.5"
#: A number in digits as criteria write it: thousands groups, or a decimal point or comma.
NUMERAL = rf"{_THOUSANDS}|\d+(?:[.,]\d+)?"
_REL = _OPS["relative"]
_MULTIPLES: dict[str, float] = _REL["multiples"]  # "twice": a number and "times" in one word
#: A number in digits or in words. The look-ahead first says what a number in digits starts with, so
#: that most places of a text fail at once, not after the sign's and the start's look-behinds.
_NUMBER = re.compile(
    rf"(?=[-−.\d])(?:(?<=[\s<>=≤≥(])[-−](?=\d))?(?:(?<![\w.,/^*])|(?<=than))(?:{NUMERAL}|\.\d+)(?![\d])"
    rf"|(?i:{alternation(list(_WORD_NUMBERS) + list(_MULTIPLES))})"
    # one unit of time said without a number: "within the past| |year", "within |a| year", "for |an| hour"
    r"|(?i:(?:(?<=\bpast\s)|(?<=\blast\s)|(?<=\bprevious\s)|(?<=\bpreceding\s))(?=(?:year|month|week|day)\b))"
    r"|(?i:(?:(?<=\bwithin\s)|(?<=\bin\s)|(?<=\bduring\s)|(?<=\bfor\s)|(?<=\bover\s)|(?<=\bthan\s))"
    r"an?(?=\s+(?:year|month|week|day|hour)\b))"
)
#: how a single unit of time is written without a number ("the past year", "a month"): the number is one
_ONE_UNIT = frozenset({"", "a", "an"})


def _composed(spec: dict) -> dict[str, list[str]]:
    """The ``composed`` comparators: each direction word in each frame ("at or {w}": "at or above")."""
    if set(spec) != {"_doc", "up", "down", "inclusive", "negated"}:
        raise ValueError(f"operators.json composed: unexpected keys {sorted(spec)}")
    ops = {("up", "inclusive"): ">=", ("down", "inclusive"): "<=", ("up", "negated"): "<=", ("down", "negated"): ">="}
    found: dict[str, list[str]] = {">=": [], "<=": []}
    for (way, frame), op in ops.items():
        found[op] += [f.format(w=w) for f in spec[frame] for w in spec[way]]
    return found


def _spellings(before: dict[str, list[str]], composed: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each comparator before a value as the lexicon spells it or composes it, and with "/" for an inner
    " or ": "above or equal" is also written "above/equal", "greater or equal to" "greater/equal to"."""
    joined = {op: [*ps, *composed.get(op, [])] for op, ps in before.items()}
    spelt = {op: [*ps, *(p.replace(" or ", "/") for p in ps if " or " in p)] for op, ps in joined.items()}
    owners: dict[str, str] = {}
    for op, ps in spelt.items():
        for p in ps:
            if owners.setdefault(" ".join(p.lower().split()), op) != op:
                raise ValueError(f"operators.json: '{p}' is both {owners[p.lower()]} and {op}")
    return spelt


_BEFORE_SPELLINGS = _spellings(_OPS["before"], _composed(_OPS["composed"]))


def _reversed_alternation(phrases: list[str]) -> str:
    """``alternation`` for text read backwards: each phrase reversed, longest first, and a phrase that
    starts with a letter not preceded by one. Matched at the start of the reversed window, one try
    finds the comparator ending where a number starts; a forward search tried the whole alternation
    at each of the window's 48 places (a third of the grammar's time, with the composed spellings)."""
    bodies = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase[::-1]).replace(r"\ ", r"\s+")
        bodies.append(body + r"(?![^\W\d_])" if re.match(r"\w", phrase) else body)
    return "|".join(bodies)


_BEFORE_PHRASES = [p for ps in _BEFORE_SPELLINGS.values() for p in ps]
_BEFORE_ANY = re.compile(rf"(?:{alternation(_BEFORE_PHRASES)})\s*$", re.I)
_BEFORE_REVERSED = re.compile(rf"\s*(?:{_reversed_alternation(_BEFORE_PHRASES)})", re.I)
_AFTER_ANY = re.compile(rf"\s*(?:{alternation([p for ps in _OPS['after'].values() for p in ps])})", re.IGNORECASE)
_AFTER = {p.lower(): op for op, ps in _OPS["after"].items() for p in ps}
_BEFORE_LOOKUP = {re.sub(r"\s+", " ", p.lower()): op for op, ps in _BEFORE_SPELLINGS.items() for p in ps}
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
_SLASHED = re.compile(r"/[^\W\d_]")
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
_AGE_ONLY_BEFORE = re.compile(
    rf"(?:{alternation([p for op, ps in _OPS['age_only_before'].items() if op != '_doc' for p in ps])})\s*$",
    re.IGNORECASE,
)
_AGE_ONLY_LOOKUP = {p.lower(): op for op, ps in _OPS["age_only_before"].items() if op != "_doc" for p in ps}
#: comparators that bound a length of time only ("for 3 months": at least 3 months), by spelling
_TIME_ONLY = {p.lower(): op for op, ps in _OPS["time_only_before"].items() if op != "_doc" for p in ps}
_TIME_ONLY_BEFORE = re.compile(rf"(?:{alternation(list(_TIME_ONLY))})\s*$", re.IGNORECASE)
#: prepositions that make a length of time a window when an event it is counted back from follows
#: ("in the 2 years prior to registration": within 2 years)
_WINDOW = {p.lower(): op for op, ps in _OPS["window_before"].items() if op not in ("_doc", "ends") for p in ps}
_WINDOW_BEFORE = re.compile(rf"(?:{alternation(list(_WINDOW))})\s*$", re.IGNORECASE)
_WINDOW_END = re.compile(rf"\s*(?:{alternation(_OPS['window_before']['ends'])})", re.IGNORECASE)
_OPERATOR_ALTERNATION = alternation(list(_BEFORE_LOOKUP))
_GLOSSED_BEFORE = re.compile(  # "greater than (>) 470": the comparator in words, then in symbols
    rf"(?P<written>{_OPERATOR_ALTERNATION})\s*\(\s*\\?(?:{_OPERATOR_ALTERNATION})\s*\)\s*$", re.IGNORECASE
)
#: How a reference limit is written, the units lexicon's spellings included: "maximum normal value" -> ULN.
_REFERENCES = {**RELATIVE, **{s.lower(): ref for ref, ss in _REL["references"].items() for s in ss}}
_GENERIC_REFERENCES = frozenset(s for s in _REFERENCES if "normal" in s and not re.search(r"upper|lower|max|min", s))
#: "1.5xULN": the "x" written onto the reference, so neither starts or ends a word of its own
_GLUED_TIMES = r"[x×](?=i?[ul]ln\b)"
_GLUED_REF = r"(?<=[x×])i?[ul]ln\b"
_REFERENCE = (
    rf"(?:the\s+)?(?:(?:{alternation(_REL['adjectives'])})\s+)*(?P<ref>{alternation(list(_REFERENCES))}|{_GLUED_REF})"
    rf"(?:\s*\\?[(\[]\s*(?:{alternation(list(_REFERENCES))})\s*\\?[)\]])?"  # "... normal (ULN)", "\\[ULN\\]"
)
_COMPARATIVE = {p.lower(): op for op, ps in _REL["comparatives"].items() for p in ps}
_COMPARATIVE_WORDS = rf"(?:(?P<cmp>{alternation(list(_COMPARATIVE))})\s+)?"
_TIMES_REFERENCE = re.compile(
    rf"\s*(?:{alternation(_REL['times'])}|{_GLUED_TIMES})\s*{_COMPARATIVE_WORDS}{_REFERENCE}", re.IGNORECASE
)  # "times higher than the normal upper limit", "X maximum normal value", "fold of normal value"
_MULTIPLE_REFERENCE = re.compile(rf"\s*{_COMPARATIVE_WORDS}{_REFERENCE}", re.IGNORECASE)  # "twice the ULN"
_PERCENT_DIRECTION = {p.lower(): d for d, ps in _REL["percent"].items() for p in ps}
_PERCENT_REFERENCE = re.compile(
    rf"\s*(?P<dir>{alternation(list(_PERCENT_DIRECTION))})\s+{_REFERENCE}", re.IGNORECASE
)  # "25% below the lower limit of normal"
_DANGLING_TIMES = re.compile(
    rf"\s*(?:{alternation(_REL['times'])})(?![\w])(?!\s*{_COMPARATIVE_WORDS}{_REFERENCE})", re.I
)
_LATER_REFERENCE = re.compile(rf"(?:{alternation(_REL['times'])})\s*{_REFERENCE}", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[;.](?:\s|$)")
_BELOW = {None: "<", ">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}  # "more than 25% below": lower still
_ABOVE = {None: ">"}
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
    """ "0,2" -> 0.2 (decimal comma), "12,000" -> 12000 (thousands), "five" -> 5, "twice" -> 2."""
    s = written.strip().lower().replace("−", "-")
    if s in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[s])
    if s in _MULTIPLES:
        return float(_MULTIPLES[s])
    if re.fullmatch(_THOUSANDS, s):
        s = s.replace(",", "")
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return None


def find_limits(text: str) -> list[Limit]:
    """Every numeric limit in ``text``, left to right, not overlapping. Structuring a criterion reads
    its limits three times (limits, durations, sex-specific limits): the last texts' are kept; the
    limits are shared, so a caller must not change them."""
    return list(_limits(text))


@lru_cache(maxsize=64)
def _limits(text: str) -> tuple[Limit, ...]:
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
    for limit in limits:
        if limit.unit is None and not limit.multiplier_of and (times := _DANGLING_TIMES.match(text, limit.end)):
            # "AST greater than 2 times or bilirubin 1.5 times the upper limit of normal": the reference said once
            sentence = _SENTENCE_END.search(text, times.end())
            later = _LATER_REFERENCE.search(text, times.end(), sentence.start() if sentence else len(text))
            if later:
                limit.multiplier_of = _reference(later["ref"])
                limit.unit_text, limit.end = times[0].strip(), times.end()
    return tuple(limits)


def _limit_at(text: str, number: re.Match[str], floor: int) -> Limit | None:
    if listed := _score_list(text, number, floor):
        return listed
    value = 1.0 if number[0].lower() in _ONE_UNIT else parse_number(number[0])
    if value is None:
        return None
    is_word = not number[0][:1].isdigit()
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
    multiple = number[0].lower() in _MULTIPLES
    relative = _relative(text, pos, multiple)
    unit = relative[0] if relative else match_unit(text, pos)
    if multiple and not relative:
        return None  # "twice daily": a frequency, not a limit
    if unit and unit.code == "%" and (percent := _percent_of_reference(text, unit.end)):
        relative = percent  # "25% below the lower limit of normal" is a fraction of the LLN
        unit, value = percent[0], percent[3](value)
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
    if before is None and _YEARS_OLD.match(text, number.end()):
        before = _age_only_before(text, number.start(), floor)  # "prior to 50 years of age"
    hyphened = text.startswith("-", number.end())  # "for 30-day readmission": an adjective, not a length of time
    if before is None and unit and unit.code in TIME_UNITS and not post and not hyphened:
        before = _only_before(_TIME_ONLY, text, number.start(), floor)  # "stable weight for 3 months"
        if before is None and value2 is None and _WINDOW_END.match(text, pos):  # "in the 2 years prior to entry"
            before = _only_before(_WINDOW, text, number.start(), floor, _WINDOW_BEFORE)
    if joiner and not is_word and not relative:
        second = _NUMBER.match(text, joiner.end())
        joined_by_and = joiner[0].strip().lower() == "and"
        ages = second and not before and _YEARS_OLD.match(text, second.end())  # "18 and 65 years old"
        allowed = (
            second and second[0][:1].isdigit() and (not joined_by_and or (before and before[0] == "between") or ages)
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
    if not post and not before and value2 is None and not relative:
        post = _lower_end(text, pos)  # "18 kg/m2 ≤ BMI ≤ 30 kg/m2": BMI >= 18, then BMI <= 30
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
    elif relative and relative[1]:  # "three times higher than the ULN": the comparator follows the number
        operator, op_span = relative[1], relative[2]
    elif relative and relative[4]:  # "25% below the LLN": below it
        operator, op_span = None, relative[2]
    elif unit is None and not is_word and scales.one_step(text, number.start(), number.end(), floor):
        operator, op_span = "=", None  # "ECOG performance status of 2": that score
    else:
        return None
    if relative and relative[4]:  # "more than 25% below": the direction turns the comparator
        operator = relative[4].get(operator, operator)
        op_span = op_span or relative[2]
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


def _score_list(text: str, number: re.Match[str], floor: int) -> Limit | None:
    """ "ECOG performance status 0, 1 or 2", "(ECOG) = 0 or 1": consecutive steps of a score, read
    as "ECOG 0-2" is (``scales``). Tried first: "0,1 or 2" would else be the decimal 0.1."""
    if not scales.lists_at(text, number.start()):
        return None
    before = _before(text, number.start(), floor)
    if before and before[0] != "=":
        return None
    listed = scales.listed_range(text, number.start(), before[1] if before else number.start(), floor)
    if listed is None:
        return None
    return Limit(
        start=before[1] if before else number.start(),
        end=listed.end,
        operator="between",
        value=listed.first,
        value2=listed.last,
        unit=None,
        unit_text=None,
        multiplier_of=None,
        value_span=listed.first_span,
        unit_span=None,
        operator_span=(before[1], before[2]) if before else None,
    )


def _relative(text: str, pos: int, multiple: bool) -> tuple | None:
    """A relative limit in words at ``pos``, right after the number: "times higher than the normal
    upper limit", "X maximum normal value", " fold of normal value", or after "twice" the reference
    alone. (unit, comparator or None, the comparator's span, value map, direction map)."""
    found = (_MULTIPLE_REFERENCE if multiple else _TIMES_REFERENCE).match(text, pos)
    if not found:
        return None
    written = re.sub(r"\s+", " ", found["ref"].lower())
    unit = UnitMatch(None, text[pos : found.end()].strip(), found.end(), _REFERENCES[written])
    comparator = _COMPARATIVE[re.sub(r"\s+", " ", found["cmp"].lower())] if found["cmp"] else None
    return unit, comparator, found.span("cmp") if comparator else None, None, None


def _reference(written: str) -> str:
    return _REFERENCES[re.sub(r"\s+", " ", written.lower())]


def _percent_of_reference(text: str, pos: int) -> tuple | None:
    """ "25% below the lower limit of normal" is below 0.75 x LLN; "20% above the ULN" above 1.2 x ULN.
    A bare "normal" is the limit on the side named: below normal is below the LLN."""
    found = _PERCENT_REFERENCE.match(text, pos)
    if not found:
        return None
    below = _PERCENT_DIRECTION[re.sub(r"\s+", " ", found["dir"].lower())] == "below"
    written = re.sub(r"\s+", " ", found["ref"].lower())
    reference = ("LLN" if below else "ULN") if written in _GENERIC_REFERENCES else _REFERENCES[written]
    unit = UnitMatch(None, text[pos : found.end()].strip(), found.end(), reference)
    fraction = (lambda v: round(1 - v / 100, 6)) if below else (lambda v: round(1 + v / 100, 6))
    return unit, None, found.span("dir"), fraction, _BELOW if below else _ABOVE


def _age_only_before(text: str, pos: int, floor: int) -> tuple[str, int, int] | None:
    """ "prior to" or "after" just before a number of years of age: a bound on the age."""
    found = _AGE_ONLY_BEFORE.search(text, max(floor, pos - 24), pos)
    if not found:
        return None
    return (
        _AGE_ONLY_LOOKUP[re.sub(r"\s+", " ", found[0].strip().lower())],
        found.start(),
        found.start() + len(found[0].rstrip()),
    )


def _only_before(
    lookup: dict[str, str], text: str, pos: int, floor: int, pattern: re.Pattern[str] = _TIME_ONLY_BEFORE
) -> tuple[str, int, int] | None:
    """A comparator of ``lookup`` (``_TIME_ONLY``, ``_WINDOW``; ``pattern`` finds its spellings)
    written just before ``pos``, which counts only before a time unit: "for 3 months" is at least
    3 months, "for 2 patients" nothing."""
    found = pattern.search(text, max(floor, pos - 24), pos)
    if not found:
        return None
    written = re.sub(r"\s+", " ", found[0].strip().lower())
    return lookup[written], found.start(), found.start() + len(found[0].rstrip())


#: "18 ≤ BMI ≤ 30", "40 mL/min <= eGFR < 60": a comparator after the bound, a variable, then a comparator of the
#: same sense and a number; the first bound reads with its comparator turned round, of the variable after it
_LOWER_END = re.compile(
    r"\s*\\?(?P<op><=|=<|≤|⩽|<|>=|=>|≥|⩾|>)\s*(?=[^\W\d][^<>≤≥⩽⩾\d;,]{0,40}?\s*\\?(?P<second>[<>≤≥⩽⩾])=?\s*[-−]?\d)"
)
_TURNED = {
    "<": ">",
    ">": "<",
    **dict.fromkeys(("<=", "=<", "≤", "⩽"), ">="),
    **dict.fromkeys((">=", "=>", "≥", "⩾"), "<="),
}


def _lower_end(text: str, pos: int) -> tuple[str, int, int] | None:
    """The first bound of a double inequality at ``pos`` (right after the number and its unit), as an
    "after" comparator: (turned operator, end, start). Its variable is the one after it, read as a
    named limit's is; the second bound is a limit of its own on the same variable."""
    found = _LOWER_END.match(text, pos)
    if found is None or (found["op"][0] in "<≤⩽=") != (found["second"] in "<≤⩽"):
        return None
    return _TURNED[found["op"]], found.end(), found.start("op")


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
    glossed = _GLOSSED_BEFORE.search(text, window_start, pos) if text[window_start:pos].rstrip().endswith(")") else None
    if glossed:  # "greater than (>) 470"
        written = re.sub(r"\s+", " ", glossed["written"].lower())
        return (
            _BEFORE_LOOKUP[written],
            _escaped(text, glossed.start(), floor),
            glossed.start() + len(glossed[0].rstrip()),
        )
    start = _comparator_start(text, window_start, pos)
    if start is None:
        return None
    found = text[start:pos].rstrip()
    return _BEFORE_LOOKUP[" ".join(found.lower().split())], _escaped(text, start, floor), start + len(found)


def _comparator_start(text: str, window_start: int, pos: int) -> int | None:
    """Where the longest comparator spelling in ``text[window_start:pos]`` that ends at ``pos`` (spaces
    aside) starts, as ``_BEFORE_ANY.search`` finds it, read backwards. The reversed window takes one
    more character, the one a letter-start check looks at; a match reaching into it (a spelling
    starting exactly at ``window_start``) is left to the forward search, which alone knows that case."""
    lo = max(window_start - 1, 0)
    backwards = _BEFORE_REVERSED.match(text[lo:pos][::-1])
    if backwards is None:
        return None
    if backwards.end() <= pos - window_start:
        return pos - backwards.end()
    forwards = _BEFORE_ANY.search(text, window_start, pos)
    return forwards.start() if forwards else None


def _escaped(text: str, start: int, floor: int) -> int:
    """Back over a markdown escape: the registry writes "\\>" for ">"."""
    return start - 1 if start > floor and text[start - 1] == "\\" and text[start : start + 1] in "<>=≤≥" else start


def _after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The comparator written just after ``pos``: (operator, end, start).

    Not before a number: in "below 18 and above 45", "and above" opens the next limit; nor before a
    word joined by "/": in "above/equal 18 and below/equal 32", "below/equal" opens the next limit.
    """
    found = _AFTER_ANY.match(text, pos)
    if not found or _STARTS_NUMBER.match(text, found.end()) or _SLASHED.match(text, found.end()):
        return None
    written = re.sub(r"\s+", " ", found[0].strip().lower())
    return _AFTER[written], found.end(), found.end() - len(found[0].lstrip())


_MALFORMED = [(why, re.compile(p, re.IGNORECASE)) for why, p in _OPS["malformed"].items() if why != "_doc"]
#: a text with no comparator, "than" or "between" is not searched: every ``malformed`` pattern needs one
#: (each writes ``[<>≤≥]``, "than" or "between"), and, opening with a look-behind, each would be tried
#: at every place of every text
_MALFORMED_CUES = ("<", ">", "≤", "≥", "than", "between")
if not all(any(part in p.pattern for part in ("[<>≤≥]", "than", "between")) for _, p in _MALFORMED):
    raise ValueError("operators.json malformed: each pattern needs a comparator ([<>≤≥]), 'than' or 'between'")
_UNIT_LEFT_OVER = re.compile(r"/\s?[^\W\d_]")  # "mg/dL/kg/m2/h", "kilogram/meter squared": more unit than was read
_LONGEST_MEASURE = 15  # significant digits: more is no measurement ("< 1111...1 g/dL", 41 digits)


def unreadable(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` writes a limit that no reading is safe for, and why (``operators.json``
    ``malformed``, a unit read only in part, a number too long to be measured). The caller keeps
    such a clause for review: a guessed limit or a concept named after the broken text would give
    a verdict the criterion does not."""
    lowered = text.lower()
    cued = any(cue in lowered for cue in _MALFORMED_CUES)
    found = [(m.start(), m.end(), why) for why, pattern in _MALFORMED if cued for m in pattern.finditer(text)]
    for limit in find_limits(text):
        if limit.unit_span and _UNIT_LEFT_OVER.match(text, limit.unit_span[1]):
            found.append((limit.start, limit.unit_span[1] + 1, "a unit understood only in part"))
        digits = sum(ch.isdigit() for ch in text[limit.value_span[0] : limit.value_span[1]])
        if digits > _LONGEST_MEASURE or not math.isfinite(limit.value):
            found.append((limit.start, limit.end, "a number too long to be a measurement"))
    return sorted(found)
