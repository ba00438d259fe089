"""Find the variable a limit constrains: the phrase just before it, or just after it.

"with an mRss of > 20" -> "mRss"; "forced vital capacity (FVC) < 80%" keeps its abbreviation;
"at least 5 attacks of migraine" reads rightwards because nothing precedes the limit.
"""

from __future__ import annotations

import re

from trialsieve.extract.context import COMPARISON_KINDS, kind_of
from trialsieve.extract.lexicon import load

_CUES = load("cues")
_BOUNDARY_WORDS = frozenset(_CUES["boundaries"]["words"])
_RIGHT_BOUNDARY = _BOUNDARY_WORDS | frozenset(_CUES["boundaries"]["right_only"])
_GENERIC = frozenset(_CUES["generic_variables"]["words"])
_GENERIC_LEADS = frozenset(_CUES["generic_variables"]["leads"])
_NAME_AFTER = re.compile(r"\s*(?:points?\s+)?(?:on|in|of|at|for|using|from)\s+(?:the\s+|a\s+|an\s+)?", re.IGNORECASE)
_INSTRUMENT_AFTER = re.compile(
    r"\s*(?:points?\s+)?(?:on|from)\s+(?:the\s+|a\s+|an\s+)?(?:\d+\s*(?:-|to)\s*\d+\s+|\d+[\s-]*(?:points?|items?|mm)\s+)?",
    re.IGNORECASE,
)
_INSTRUMENTS = frozenset(_CUES["instruments"]["words"])
_REPETITIONS = frozenset(_CUES["repetitions"]["words"])
_NAME_BEFORE = re.compile(r"\s*(?:with|having|has|on|in|:|,)\s*(?:a|an|the)?\s*$", re.IGNORECASE)
_COUNT_OF = re.compile(r"\s+of\s+(?:the\s+|these\s+|those\s+)?", re.IGNORECASE)
_BRIDGES = frozenset(_CUES["bridges"]["words"])
_LEADING = frozenset(_CUES["stopwords"])
_TRAILING = frozenset(_CUES["trailing_stopwords"])
_WORD = re.compile(r"[\w'’+\-/.%^*&]+$")
_WORD_RIGHT = re.compile(r"[\w'’+\-/%^*&]+(?:\.\w+)*")
_STOP_CHARS = ',;:[]•\n\r\t|"“”='
_COORDINATOR = re.compile(r"(?:,|\band/or\b|\bor\b|\band\b|/)\s*$", re.IGNORECASE)
_MAX_WORDS = 8
#: "prior" before a noun, right after a count, says which ones, not when: "≥ 2 prior regimens" (not "prior to")
_TIME_ADJECTIVE = re.compile(r"prior(?=\s+(?!to\b)[^\W\d_])", re.IGNORECASE)
_INLINE_MARKER = re.compile(r"\d{1,2}\.(?=[^\W\d_])")  # "4.ECOG": not "1.5mg", "3.0T"
_SMALL_WORDS = ("and", "of", "for", "the", "in")  # inside a name: not initials, not its end
# a title keeps its small words: "Richmond Agitation and Sedation Scale"
_TITLE = re.compile(rf"[A-Z][\w'’-]*(?:\s+(?:(?:{'|'.join(_SMALL_WORDS)}|&)\s+)*[A-Z][\w'’-]*)+")

Span = tuple[int, int]


def left(text: str, pos: int, floor: int = 0) -> Span | None:
    """The variable ending just before ``pos``, not reaching back past ``floor``."""
    tokens: list[Span] = []
    i = pos
    while i > floor and len(tokens) < _MAX_WORDS:
        while i > floor and text[i - 1] in " \t":
            i -= 1
        if i <= floor:
            break
        ch = text[i - 1]
        if ch in ")]":
            opening = matching_open(text, i - 1, floor)
            if opening is None:
                break
            inner = text[opening + 1 : i - 1]
            if _abbreviation(inner) or _expands(text[max(floor, opening - 12) : opening], inner):
                tokens.append((opening, i))  # "(FVC)", "ISS (Injury Severity Score)"; "(or as tolerated)" not
            i = opening
            continue
        if ch in ":=" and not tokens:  # "Age: 19-45", "CRAFFT = 2"
            i -= 1
            continue
        if ch == ":" and tokens[-1][0] == i and (ratio := _WORD.search(text, floor, i - 1)):
            tokens[-1] = (ratio.start(), tokens[-1][1])  # "PaO2:FiO2 > 150": a ratio is one name
            i = ratio.start()
            continue
        if ch in _STOP_CHARS or ch in "([<>≤≥":
            break
        word = _WORD.search(text, floor, i)
        if not word or not any(c.isalnum() for c in word[0]):
            break  # a list marker or stray punctuation
        if not tokens and word[0].lower() in _BRIDGES:  # "PD was <= 3 mm", "a score of 5"
            i = word.start()
            continue
        token = word[0]
        if token.endswith(".") and len(token) > 1 and not re.fullmatch(r"(?:[a-z]\.)+", token.lower()):
            break  # a sentence ends here
        if token.lower() in _BOUNDARY_WORDS:
            break
        if marker := _INLINE_MARKER.match(token):  # "... 3.Chemotherapy-naive 4.ECOG performance status 0-1"
            tokens.append((word.start() + marker.end(), i))
            break  # an item number glued to its first word: the item, and so the variable, starts after it
        tokens.append((word.start(), i))
        i = word.start()
    return _trim(text, list(reversed(tokens)))


def right(text: str, pos: int, ceiling: int | None = None) -> Span | None:
    """The variable starting just after ``pos`` ("at least 5 attacks of migraine")."""
    end = len(text) if ceiling is None else ceiling
    tokens: list[Span] = []
    i = pos
    while i < end and len(tokens) < 5:
        while i < end and text[i] in " \t":
            i += 1
        word = _WORD_RIGHT.match(text, i, end)
        if not tokens and word and (adjective := _TIME_ADJECTIVE.match(text, i, end)):
            tokens.append((word.start(), word.end()))  # "at least two prior lines of therapy": what kind of lines
            i = adjective.end()
            continue
        if not word or word[0].lower() in _RIGHT_BOUNDARY or word[0][0].isdigit():
            break
        tokens.append((word.start(), word.end()))
        i = word.end()
    return _trim(text, tokens)


def named_after(text: str, pos: int) -> Span | None:
    """The name after a generic variable: "a score of 24 or above on the MMSE" -> "MMSE"; a title
    keeps its inner small words ("the Richmond Agitation and Sedation Scale")."""
    found = _NAME_AFTER.match(text, pos)
    if not found:
        return None
    name = right(text, found.end())
    title = _TITLE.match(text, found.end())
    return (title.start(), title.end()) if title and (name is None or title.end() > name[1]) else name


def instrument_after(text: str, pos: int) -> Span | None:
    """The instrument a value is read on: "> 3 on a 0-10 pain intensity numeric scale" -> "pain
    intensity numeric scale"; only a phrase with an instrument word, so "5 on average" is not one."""
    found = _INSTRUMENT_AFTER.match(text, pos)
    name = right(text, found.end()) if found else None
    if name is None or is_generic(text[name[0] : name[1]]):
        return None
    words = {w.lower().strip("()") for w in text[name[0] : name[1]].split()}
    return name if words & _INSTRUMENTS else None


def is_repetition(text: str, span: Span) -> bool:
    """Whether a phrase after a count says how often ("2 times weekly"), not what is counted."""
    return text[span[0] : span[1]].split()[0].lower() in _REPETITIONS


def counted_after(text: str, pos: int) -> Span | None:
    """What a bare count counts: "one or more of the prohibited medications" -> "prohibited medications"."""
    found = _COUNT_OF.match(text, pos)
    return right(text, found.end()) if found else None


def named_before(text: str, generic: Span, floor: int) -> Span | None:
    """The name before a generic variable: "Short Blessed screening with a score of 13" -> from "Short"."""
    found = _NAME_BEFORE.search(text, floor, generic[0])
    name = left(text, found.start(), floor) if found else None
    return (name[0], generic[1]) if name else None


def is_generic(phrase: str) -> bool:
    """Whether ``phrase`` only says "a score" or "a value", perhaps whose or when ("Baseline score")."""
    words = phrase.lower().split()
    while len(words) > 1 and words[0] in _GENERIC_LEADS:
        words = words[1:]
    return " ".join(words) in _GENERIC


def coordinated(text: str, span: Span, floor: int) -> list[tuple[Span, str]]:
    """Variables that share one limit with ``span``: "DLCO and/or FVC < 80%", "ASAT, ALAT > 3 x ULN".

    Returns (span, connective) pairs, nearest first; only measurement-like phrases qualify, so
    "diabetes and HbA1c > 7%" does not make diabetes a number.
    """
    found: list[tuple[Span, str]] = []
    start = span[0]
    while len(found) < 6:
        conj = _COORDINATOR.search(text, floor, start)
        if not conj:
            break
        candidate = left(text, conj.start(), floor)
        if candidate is None or not measurement_like(text[candidate[0] : candidate[1]], strict=True):
            break
        found.append((candidate, conj[0].strip().lower()))
        start = candidate[0]
    return found


def _abbreviation(inner: str) -> bool:
    words = inner.split()
    has_letter = any(c.isalpha() for c in inner)  # "(1)" is a list marker
    return 0 < len(words) <= 2 and has_letter and any(c.isupper() or c.isdigit() for c in words[0])


def _expands(before: str, inner: str) -> bool:
    """Whether ``inner`` spells out the abbreviation that ends ``before``: "ISS (Injury Severity Score)"."""
    short = re.search(r"([A-Z][A-Za-z]*[A-Z])\s*$", before)
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", inner) if w.lower() not in _SMALL_WORDS]
    initials = "".join(w[0] for w in words)
    return bool(short) and short[1].upper() == initials.upper()


def measurement_like(phrase: str, strict: bool = False, abbreviations: bool = True) -> bool:
    """A phrase that names something measured: a lab, a score, or an abbreviation such as "FEV1".

    ``strict`` leaves out observations (scores, smoking, status) for coordination, where
    "smoker or CO concentration >= 6 ppm" must not give the smoker a value. Without
    ``abbreviations``, "TIA" or "T1D" alone do not count: they name events as often as labs.
    """
    if re.search(r"\d", phrase) and not re.search(r"[A-Za-z]\d", phrase):
        return False
    kinds = ("measurement",) if strict else ("measurement", "observation")
    if kind_of(phrase, "", COMPARISON_KINDS) in kinds:
        return True
    if not abbreviations:
        return False
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9+\-]{1,9}", phrase.strip()) and sum(c.isupper() for c in phrase) >= 2)


def matching_open(text: str, close: int, floor: int) -> int | None:
    """Where the bracket closed at ``close`` opens, or None."""
    opening = {")": "(", "]": "["}[text[close]]
    depth = 0
    for i in range(close, floor - 1, -1):
        if text[i] == text[close]:
            depth += 1
        elif text[i] == opening:
            depth -= 1
            if depth == 0:
                return i
    return None


def _trim(text: str, tokens: list[Span]) -> Span | None:
    def word(t: Span) -> str:
        return text[t[0] : t[1]].lower().strip(".")

    while tokens and word(tokens[0]) in _LEADING:
        tokens.pop(0)
    while tokens and (word(tokens[-1]) in _TRAILING or not any(c.isalnum() for c in word(tokens[-1]))):
        tokens.pop()  # "weeks of amenorrhea + 1 day": a trailing "+" is no part of the name
    if not tokens:
        return None
    return tokens[0][0], tokens[-1][1]
