"""Statements about what a trial requires: "Patients must have an ECOG score below 3 to participate in the
primary trial", "A minimum bodyweight of 50kg is required to participate", "Males are not eligible".

Such a statement describes no patient, so the patient check (``patient_questions``) cannot read it; it
states the trial's rules, and is true when they are the trial's rules. It is read here part by part: the
requirement the statement states ("must be older than 18, have an ECOG<2 and a life expectancy exceeding 6
months") is structured by the criterion grammar, the same reader the trial's own criteria went through, so
each part is a limit on a measure (``Comparison``) or an age (``Demographic``) named as the trial's criteria
name it. Each part is then compared with the limits the trial sets outright on the same measure (an
inclusion's, or an exclusion's turned round: "ECOG >= 3" excludes, so "ECOG < 3" is required):

- the same bound on each side the statement states, after unit conversion, holds ("below 3" is "0-2" on
  a whole-number scale such as ECOG, whose lowest value a limit without a lower bound admits; "over 6
  months" is "at least 6 months" on a continuous one, the way people write limits; a conversion that
  rounds, 110 lb for 50 kg, is the same within 1%, 12 weeks for 3 months within 10%);
- a different bound on a side the statement states, or a range that cannot meet the trial's, does not;
  nor does a limit on a measure the trial's criteria never speak of (by the names and words the lexicon
  gives it: no "life expectancy", "survival" or "expectancy" anywhere);
- anything else, a measure the trial does not limit outright, or limits twice or only under a condition
  or at a time, is not settled.

Measures are named by ``lexicons/requirements.json`` ("ECOG score" is Zubrod's "performance status", not
Karnofsky's), else by the variable's own words.

The statement is "yes" only when every part holds and every word of the requirement was read as one of
them; "no" when a part is contradicted exactly, for then the conjunction is false whatever the other
parts say. A statement with an option ("or", "either"), a negation or a condition of its own is not
judged at all: its parts are not a plain conjunction, and a wrong verdict is worse than none.

Statements about which sexes a trial takes ("Only men can be eligible", "All genders are eligible") are
answered from the sexes its criteria admit, which the caller reads (``Answerer._criteria_sexes``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.app.patient_questions import plain_words, repaired
from trialsieve.extract.lexicon import inverse, load
from trialsieve.extract.quantities import UnitMismatch, convert
from trialsieve.extract.structure import structure_text
from trialsieve.rules import ADMITTED, LOGIC_TYPES, Comparison, Demographic, Leaf, Rule, leaves

if TYPE_CHECKING:
    from collections.abc import Iterator

    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.rules import Criterion
    from trialsieve.trial import StructuredTrial

Verdict = Literal["yes", "no", "cannot tell"]
Sex = Literal["female", "male"]
_AGE = "age"
_CONVERTED_TOLERANCE = 0.01  # 110 lb is 49.9 kg: a bound written in another unit is the same within 1%
#: 3 months is 13 weeks by the calendar's average month, but "12 weeks" is how people write it: a time written in
#: another calendar unit (weeks for months, months for years) is the same within 10%
_CALENDAR_TOLERANCE = 0.1
_CALENDAR = frozenset({"d", "wk", "mo", "a"})


@dataclass(frozen=True)
class StatedRequirement:
    """What a statement says the trial requires: ``text`` to structure, or a ``sex`` claim."""

    text: str | None = None
    sex_claim: Literal["only", "not", "all"] | None = None
    sex: Sex | None = None


@dataclass(frozen=True)
class Part:
    """One part of the judgement: what the statement says, whether it holds, and the criteria it rests on."""

    said: str
    verdict: Literal["holds", "fails"]
    criteria: tuple[str, ...]  # criterion ids of the trial
    trial_says: str


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    parts: list[Part]


@cache
def _lexicon() -> dict:
    return load("requirements", package="trialsieve.app")


@cache
def _patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    data = _lexicon()
    patterns = [re.compile(p, re.IGNORECASE) for p in data["patterns"]]
    return patterns, re.compile(data["tail"]["pattern"], re.IGNORECASE), re.compile(data["unsure"]["pattern"], re.I)


@cache
def _sex_patterns() -> list[tuple[str, re.Pattern[str]]]:
    data = _lexicon()["sex"]
    return [(claim, re.compile(p, re.IGNORECASE)) for claim in ("only", "not", "all") for p in data[claim]]


@cache
def _sex_words() -> dict[str, str]:
    return inverse(load("questions", package="trialsieve.app")["sex_words"])


def requirement_statement(question: str) -> StatedRequirement | None:
    """What ``question`` states the trial requires, when it is such a statement; else None."""
    sentence = " ".join(question.split()).rstrip(" .")
    for claim, pattern in _sex_patterns():
        if found := pattern.fullmatch(sentence):
            named = found.groupdict().get("sex")
            sex = _sex_words().get(named.split()[0].lower()) if named else None  # "female patients": female
            return StatedRequirement(sex_claim=claim, sex=sex)  # type: ignore[arg-type]
    patterns, tail, _ = _patterns()
    for pattern in patterns:
        if found := pattern.fullmatch(sentence):
            text = tail.sub("", found["req"]).strip(" ,;")
            return StatedRequirement(text=_rewritten(repaired(text))) if text else None
    return None


def _rewritten(text: str) -> str:
    """``text`` with the limits the grammar does not read written as it does ("a minimum bodyweight of 50kg" as
    "a bodyweight of at least 50kg")."""
    for pattern, replacement in _lexicon()["rewrites"]["pairs"]:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


# --- limits as ranges ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bound:
    value: float
    closed: bool


@dataclass(frozen=True)
class _Range:
    """The values a limit admits, on one measure, in ``unit``."""

    measure: str
    integer: bool
    lower: _Bound | None
    upper: _Bound | None
    unit: str | None
    multiplier_of: str | None
    written: str


def _bounds(operator: str, value: float, value2: float | None) -> tuple[_Bound | None, _Bound | None] | None:
    if operator in (">", ">="):
        return _Bound(value, operator == ">="), None
    if operator in ("<", "<="):
        return None, _Bound(value, operator == "<=")
    if operator == "=":
        return _Bound(value, True), _Bound(value, True)
    if operator == "between" and value2 is not None:
        return _Bound(min(value, value2), True), _Bound(max(value, value2), True)
    return None


def _stems(text: str) -> set[str]:
    """The words of ``text`` less a plural's final "s", so "target lesions" names what "target lesion" does."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in plain_words(text)}


@dataclass(frozen=True)
class _Group:
    """A measure of the lexicon: its names' words, the words that make a limit one on another scale, the words
    by which a criterion may speak of it, and whether it takes whole numbers only."""

    name: str
    names: list[frozenset[str]]
    not_with: frozenset[str]
    mentions: frozenset[str]
    integer: bool
    floor: float | None  # the scale's lowest value: "ECOG <= 1" is "ECOG 0-1"


@cache
def _measures() -> tuple[frozenset[str], frozenset[str], list[_Group]]:
    """(words a variable's name ignores, words that name no measure alone, the lexicon's measures)."""
    data = _lexicon()["measures"]
    ignored = frozenset(_stems(" ".join(data["ignored"])))
    groups = [
        _Group(
            g["name"],
            [frozenset(_stems(n) - ignored) for n in g["names"]],
            frozenset(_stems(" ".join(g.get("not_with", [])))),
            frozenset(_stems(" ".join(g.get("mentions", [])))),
            bool(g.get("integer", False)),
            g.get("floor"),
        )
        for g in data["groups"]
    ]
    return ignored, frozenset(_stems(" ".join(data["vague"]))), groups


def _measure(variable: str, context: str) -> tuple[str, bool] | None:
    """The measure a limit's variable names, and whether it takes whole numbers only: a group of the lexicon
    when the variable holds one of its names and no word outside them ("Eastern Cooperative Oncology Group (ECOG)
    performance status") and its context names no other scale; else its own words; None
    for a variable that names no measure ("Patients" in "at least 1 prior treatment")."""
    ignored, vague, groups = _measures()
    mine = frozenset(_stems(variable.strip("*")) - ignored)
    if not mine - vague:
        return None
    for group in groups:
        vocabulary = frozenset().union(*group.names)
        named = any(name <= mine for name in group.names) and mine <= vocabulary  # "ECOG performance status (PS)"
        if named and not (group.not_with & _stems(context)):
            return group.name, group.integer
    return " ".join(sorted(mine)), False


def _range(leaf: Leaf, context: str, exclusion: bool = False) -> _Range | None:
    """The values ``leaf`` admits (an exclusion's limit turned round), or None when it is not a plain limit: one
    at a time or in a population ("within 6 months", "in women"), qualified, or an exclusion's range."""
    if isinstance(leaf, Comparison):
        if leaf.temporal or leaf.qualifiers or leaf.population:
            return None
        measure = _measure(leaf.variable, context)
        unit, multiplier = leaf.unit, leaf.multiplier_of
    elif isinstance(leaf, Demographic) and leaf.attribute == "age" and leaf.value is not None:
        if leaf.at_event or leaf.event:
            return None
        measure, unit, multiplier = (_AGE, False), leaf.unit or "a", None
    else:
        return None
    if measure is None:
        return None
    operator = leaf.operator
    if exclusion:
        if operator not in ADMITTED:
            return None
        operator = ADMITTED[operator]
    ends = _bounds(operator, leaf.value, getattr(leaf, "value2", None))
    if ends is None:
        return None
    return _Range(measure[0], measure[1], *ends, unit, multiplier, context[leaf.span[0] : leaf.span[1]])


def _outright(rule: Rule, exclusion: bool) -> list[Leaf]:
    """The leaves a criterion decides on alone: an inclusion's required leaves (the rule, or the parts of an
    "all"); an exclusion's leaves that exclude on their own (the rule, or the options of an "any")."""
    joined = "any" if exclusion else "all"
    if rule.type == joined:
        return [leaf for arg in rule.args for leaf in _outright(arg, exclusion)]
    return [] if rule.type in LOGIC_TYPES else [rule]


@dataclass(frozen=True)
class _TrialLimits:
    ranges: dict[str, list[tuple[_Range, str]]]  # measure -> (range, id of the criterion that sets it)
    unsure: frozenset[str]  # measures the trial limits otherwise: under a condition, at a time, as an option


@dataclass(frozen=True)
class WrittenLeaf:
    """A leaf of a trial's top-level criterion, with whether the trial asks it outright (``_outright``) and
    the (sub-)criterion that writes it, by id and text: what a judge of a statement cites and reads."""

    criterion: Criterion
    leaf: Leaf
    outright: bool
    source: str
    text: str


def trial_leaves(structured: StructuredTrial, kinds: tuple[type, ...] = (object,)) -> Iterator[WrittenLeaf]:
    """Every leaf of ``kinds`` in the top-level criteria of ``structured`` (a heading's rule holds its
    sub-criteria's), in order."""
    for criterion in structured.criteria:
        if criterion.parent is not None:
            continue
        alone = {id(leaf) for leaf in _outright(criterion.rule, criterion.section == "exclusion")}
        for leaf in leaves(criterion.rule):
            if isinstance(leaf, kinds):
                source = _source(structured, criterion.id, leaf)
                text = next((c.text for c in structured.criteria if c.id == source), criterion.text)
                yield WrittenLeaf(criterion, leaf, id(leaf) in alone, source, text)


def trial_limits(structured: StructuredTrial) -> _TrialLimits:
    """The limits ``structured`` sets outright, by measure, from its top-level criteria (a heading's rule holds
    its sub-criteria's) and its registry ages. A measure that is also limited in any other way is unsure."""
    ranges: dict[str, list[tuple[_Range, str]]] = {}
    unsure: set[str] = set()
    for written in trial_leaves(structured, (Comparison, Demographic)):
        leaf, context = written.leaf, written.text
        found = _range(leaf, context, written.criterion.section == "exclusion")
        measure = found.measure if found else _named(leaf, context)
        if measure is None:
            continue
        if found is None or not written.outright:
            unsure.add(measure)
            continue
        ranges.setdefault(measure, []).append((replace(found, written=context), written.source))
    trial = structured.trial
    for age, lower in ((trial.minimum_age, True), (trial.maximum_age, False)):
        if age is not None:
            bound = _Bound(age.value, True)
            found = _Range(_AGE, False, bound if lower else None, None if lower else bound, age.unit, None, age.text)
            ranges.setdefault(_AGE, []).append((found, f"Registry: {'minimum' if lower else 'maximum'} age"))
    return _TrialLimits(ranges, frozenset(unsure))


def _named(leaf: Leaf, context: str) -> str | None:
    if isinstance(leaf, Demographic):
        return _AGE if leaf.attribute == "age" else None
    found = _measure(leaf.variable, context) if isinstance(leaf, Comparison) else None
    return found[0] if found else None


def _family(structured: StructuredTrial, root: str) -> list:
    return [c for c in structured.criteria if c.id == root or c.id.startswith(root + ".")]


def _source(structured: StructuredTrial, root: str, leaf: Leaf) -> str:
    """The criterion of ``root``'s family that writes ``leaf``: the deepest whose own rule holds it."""
    holding = [c.id for c in _family(structured, root) if any(_same_leaf(leaf, other) for other in leaves(c.rule))]
    return max(holding, key=lambda cid: cid.count("."), default=root)


def _same_leaf(one: Leaf, other: Leaf) -> bool:
    return one.model_dump(exclude={"span", "variable_span"}) == other.model_dump(exclude={"span", "variable_span"})


# --- comparing --------------------------------------------------------------------------------------


def _whole(bound: _Bound, lower: bool) -> int:
    """A bound on a whole-number scale as the closed whole number it admits: "< 3" is "<= 2"."""
    if lower:
        return math.ceil(bound.value) if bound.closed else math.floor(bound.value) + 1
    return math.floor(bound.value) if bound.closed else math.ceil(bound.value) - 1


def _equal(one: _Bound, other: _Bound, lower: bool, integer: bool, tolerance: float) -> bool:
    if integer:
        return _whole(one, lower) == _whole(other, lower)
    return abs(one.value - other.value) <= tolerance * max(abs(one.value), abs(other.value))


def _beyond(low: _Bound, high: _Bound, integer: bool) -> bool:
    """Whether no value is both at or over ``low`` and at or under ``high``."""
    if integer:
        return _whole(low, True) > _whole(high, False)
    return low.value > high.value or (low.value == high.value and not (low.closed and high.closed))


def _in_unit(found: _Range, unit: str | None) -> _Range:
    def moved(bound: _Bound | None) -> _Bound | None:
        return None if bound is None else _Bound(convert(bound.value, found.unit, unit), bound.closed)

    lower, upper = moved(found.lower), moved(found.upper)
    return _Range(found.measure, found.integer, lower, upper, unit, found.multiplier_of, found.written)


def _compare(stated: _Range, limits: _TrialLimits) -> tuple[Literal["holds", "fails"], list[str], str] | None:
    """Whether the trial's limits on ``stated``'s measure are the stated ones, with the criteria they come from
    and how the trial writes them; None when that is not settled."""
    if stated.measure in limits.unsure or stated.measure not in limits.ranges:
        return None
    found = limits.ranges[stated.measure]
    if any(r.multiplier_of != stated.multiplier_of for r, _ in found):
        return None
    try:
        mine = _in_unit(stated, found[0][0].unit)
        theirs = [(_in_unit(r, found[0][0].unit), source) for r, source in found]
    except UnitMismatch:
        return None
    units = {stated.unit or None, found[0][0].unit or None}
    tolerance = 1e-9 if len(units) == 1 else _CALENDAR_TOLERANCE if units <= _CALENDAR else _CONVERTED_TOLERANCE
    integer, floor = stated.integer, _floor(stated.measure)
    mine = replace(mine, lower=_floored(mine.lower, floor))
    theirs = [(replace(r, lower=_floored(r.lower, floor)), s) for r, s in theirs]
    lowers = _distinct([(r.lower, s) for r, s in theirs if r.lower], True, integer, tolerance)
    uppers = _distinct([(r.upper, s) for r, s in theirs if r.upper], False, integer, tolerance)
    if len(lowers) > 1 or len(uppers) > 1:
        return None  # two limits on one side: which the statement means is not settled
    written = "; ".join(dict.fromkeys(r.written for r, _ in found))
    sources: list[str] = []
    for side, lower, theirs_side, other in ((mine.lower, True, lowers, uppers), (mine.upper, False, uppers, lowers)):
        if side is None:
            continue
        if theirs_side:
            (bound, source), *_ = theirs_side
            sources.append(source)
            if not _equal(side, bound, lower, integer, tolerance):
                return "fails", [source], written
            continue
        if other:  # the trial bounds only the other side: the stated range may not meet it at all
            (bound, source), *_ = other
            if _beyond(side, bound, integer) if lower else _beyond(bound, side, integer):
                return "fails", [source], written
        return None  # the trial sets no bound on the side the statement states
    return "holds", list(dict.fromkeys(sources)), written


def _floor(measure: str) -> float | None:
    return next((g.floor for g in _measures()[2] if g.name == measure), None)


def _floored(lower: _Bound | None, floor: float | None) -> _Bound | None:
    """A lower bound; on a scale with a lowest value (``floor``), no lower bound is that value ("ECOG <= 1" is
    "ECOG 0-1"), so "ECOG > 1" is seen to differ from "ECOG <= 2" at the lower end too."""
    return _Bound(floor, True) if lower is None and floor is not None else lower


def _unlimited(stated: _Range, structured: StructuredTrial) -> tuple[Literal["fails"], list[str], str] | None:
    """A "fails" when the statement states a limit on a measure of the lexicon that lists the words by which a
    criterion may speak of it, and no criterion of the trial names it or says one of them ("must have a life
    expectancy over 6 months" for a trial whose criteria never mention life expectancy or survival): the trial
    does not require it. So too when every criterion that names it says it is not specified (the PDQ style's "Life
    expectancy: Not specified", or a heading "Life expectancy" with "Not specified" under or after it): the trial
    says it sets no limit. A criterion that names it and says anything else leaves it unsettled."""
    ignored, _, groups = _measures()
    group = next((g for g in groups if g.name == stated.measure), None)
    if group is None or not group.mentions or not structured.criteria:
        return None
    naming = []
    for criterion in structured.criteria:
        said = _stems(criterion.text) - ignored
        if said & group.mentions or any(name <= said for name in group.names):
            naming.append(criterion)
    if not naming:
        return "fails", [], f"no criterion names {stated.measure}"
    if all(_not_specified(c, structured) for c in naming):
        return "fails", [c.id for c in naming], f"{naming[0].text.strip(' :')}: not specified"
    return None


_NOT_SPECIFIED = re.compile(r"\bnot\s+specified\b", re.IGNORECASE)


def _not_specified(criterion: Criterion, structured: StructuredTrial) -> bool:
    """Whether ``criterion`` says the trial sets nothing on what it names: "Life expectancy: Not specified", or a
    bare heading ("Life expectancy", no number) whose sub-criteria, or else whose next criterion under the same
    heading (NLI4CT's lines lost the indent), is "Not specified" and nothing more."""
    if _NOT_SPECIFIED.search(criterion.text):
        return bool(re.fullmatch(r"[^\d.;]*:?\s*not\s+specified\W*", criterion.text.strip(), re.IGNORECASE))
    if re.search(r"\d", criterion.text):
        return False
    children = [c for c in structured.criteria if c.parent == criterion.id]
    if not children:
        siblings = [c for c in structured.criteria if c.parent == criterion.parent and c.section == criterion.section]
        at = siblings.index(criterion)
        children = siblings[at + 1 : at + 2]
    return bool(children) and all(re.fullmatch(r"\W*not\s+specified\W*", c.text, re.IGNORECASE) for c in children)


def _distinct(
    bounds: list[tuple[_Bound, str]], lower: bool, integer: bool, tolerance: float
) -> list[tuple[_Bound, str]]:
    kept: list[tuple[_Bound, str]] = []
    for bound, source in bounds:
        if not any(_equal(bound, other, lower, integer, tolerance) for other, _ in kept):
            kept.append((bound, source))
    return kept


def judge(stated: StatedRequirement, structured: StructuredTrial, tagger: EntityTagger | None) -> Judgement:
    """Yes, no or cannot tell: does ``structured`` require what ``stated`` says (see the module docstring)."""
    text = stated.text
    if not text or _patterns()[2].search(text):
        return Judgement("cannot tell", [])
    extraction = structure_text(text, "inclusion", tagger.tag([text])[0] if tagger else None)
    limits = trial_limits(structured)
    parts, read = [], []
    for leaf in leaves(extraction.rule):
        stated_range = _range(leaf, text)
        if stated_range is None:
            continue
        compared = _compare(stated_range, limits) or _unlimited(stated_range, structured)
        if compared is None:
            continue
        verdict, sources, written = compared
        parts.append(Part(stated_range.written, verdict, tuple(sources), written))
        read.append(leaf.span)
        if verdict == "fails":
            return Judgement("no", [parts[-1]])
    unread = plain_words(_blanked(text, read)) - frozenset(_lexicon()["filler"]["words"])
    if parts and not unread:
        return Judgement("yes", parts)
    return Judgement("cannot tell", parts)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def judge_sex(stated: StatedRequirement, sexes: set[str]) -> Verdict:
    """Whether the trial takes the sexes the statement says, given the sexes its criteria admit (``{"female"}``,
    ``{"male"}``, ``{"all"}``, or nothing when they name none: then it cannot be told)."""
    if not sexes or stated.sex_claim is None:
        return "cannot tell"
    taken = {"female", "male"} if "all" in sexes else sexes
    if stated.sex_claim == "all":
        return "yes" if taken == {"female", "male"} else "no"
    if stated.sex_claim == "only":
        return "yes" if taken == {stated.sex} else "no"
    return "no" if stated.sex in taken else "yes"
