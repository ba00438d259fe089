"""Statements about patients with a TNM stage: "Participants with T4 N1 M0 breast carcinoma are eligible for the
primary trial", "Patients with Clinical stage II (T2 N2) invasive mammary carcinoma are not eligible".

Neither the note reader nor the rule tree reads TNM stages, yet breast-cancer trials set them in a few plain
forms: an inclusion that asks for some ("Patients should have T1N1-3M0 or T2-4 N0-3M0", "Clinical stage I or II
(T1 or T2, N0 or N1)"), an inclusion, or a criterion under no inclusion or exclusion heading (the PDQ style's
"DISEASE CHARACTERISTICS:"), that rules some out ("No evidence of T4, N2-3, or M1 disease"), an exclusion that
names them ("Fixed axillary lymph node metastases (N2)"). Each TNM component a criterion names is read here
(``lexicons/tnm_statements.json``): an inclusion's values of a component are the values it takes (several
inclusions: any of theirs, so the set is never too small), a negated inclusion's or an exclusion's are values it
rules out. A criterion with a permission, a condition or an exception ("... (T3) ... are eligible") makes the
values it names unsure, one that defines a term ("Locally advanced disease includes any of the following:")
rules nothing out, and an inclusion of options ("one of the following") or one such inclusion naming a stage
leaves the trial unjudged on stages.

Only the one direction is safe, for a stage is rarely all a trial asks: patients whose stage the trial rules
out (a component whose every stated value is ruled out, or outside what an inclusion takes) are not eligible
whatever else is said of them. So "admitted" fails when one stated stage is ruled out, and "excluded" holds
when every stated stage is; anything else is "cannot tell", as is a statement with a negation of its own
("without T4 disease").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.app.citations import criterion_label
from trialsieve.app.requirements import Judgement, Part
from trialsieve.extract.lexicon import load

if TYPE_CHECKING:
    from trialsieve.trial import StructuredTrial

Claim = Literal["excluded", "admitted"]
_KEYS = {"_doc", "components", "unsettled", "negated", "options", "definition"}
_CANNOT = Judgement("cannot tell", [])
_TOKEN = re.compile(
    r"(?:(?<![A-Za-z0-9])|(?<=[TNM][0-4xX])|(?<=[TNM][0-4][a-d])|(?<=-[0-4])|(?<=Tis))"  # "T1N1-3M0", not "H1N1"
    r"(?:y?[cp])?(?P<letter>[TNM])(?P<value>[0-4]|x|X|is)(?:[a-d](?![a-z]))?"
    r"(?:\s*-\s*(?:[a-d]\b)?(?P<to>[0-4]))?(?![0-9])"
)
_NEGATION = re.compile(r"\b(?:no|not|non|without|never|except|unless|other\s+than)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Lexicon:
    highest: dict[str, int]
    unsettled: re.Pattern[str]
    negated: re.Pattern[str]
    options: re.Pattern[str]
    definition: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    data = load("tnm_statements", package="trialsieve.app")
    components = {k: v for k, v in data["components"].items() if k != "_doc"}
    if set(data) != _KEYS or set(components) != {"T", "N", "M"}:
        raise ValueError(f"lexicons/tnm_statements.json: keys {sorted(_KEYS)}, components T, N and M")
    return _Lexicon(
        {k: int(v) for k, v in components.items()},
        re.compile(data["unsettled"]["pattern"], re.IGNORECASE),
        re.compile(data["negated"]["pattern"], re.IGNORECASE),
        re.compile(data["options"]["pattern"], re.IGNORECASE),
        re.compile(data["definition"]["pattern"], re.IGNORECASE),
    )


Stage = dict[str, frozenset[int] | None]  # component -> the values stated; None: unknown ("Tx")


def _tokens(text: str) -> list[tuple[str, frozenset[int] | None]]:
    """The TNM components ``text`` names, in order, each with its values (a range "N0-3" is all of them)."""
    found = []
    for match in _TOKEN.finditer(text):
        letter, value = match["letter"], match["value"].lower()
        if value in ("x", "is"):
            found.append((letter, None))
            continue
        low = int(value)
        high = int(match["to"]) if match["to"] else low
        if high < low or high > _lexicon().highest[letter]:
            continue
        found.append((letter, frozenset(range(low, high + 1))))
    return found


def stated_stages(text: str) -> list[Stage]:
    """The TNM stages a statement names ("T1N2M0, T2N1M0 and TxN1M0" is three): a component named again begins
    the next stage."""
    stages: list[Stage] = []
    for letter, values in _tokens(text):
        if not stages or letter in stages[-1]:
            stages.append({})
        stages[-1][letter] = values
    return stages


@dataclass
class _TrialStages:
    """What a trial's criteria do with each component: values inclusions take, values ruled out (with the
    criteria), values unsure."""

    taken: dict[str, set[int]] = field(default_factory=dict)
    taken_by: dict[str, list[str]] = field(default_factory=dict)
    ruled_out: dict[tuple[str, int], str] = field(default_factory=dict)
    unsure: set[tuple[str, int]] = field(default_factory=set)


def _trial_stages(structured: StructuredTrial) -> _TrialStages | None:
    """The trial's TNM rules (see the module docstring), or None when they cannot be read safely."""
    lexicon, stages = _lexicon(), _TrialStages()
    by_id = {c.id: c for c in structured.criteria}
    for criterion in structured.criteria:
        named = [(letter, values) for letter, values in _tokens(criterion.text)]
        if not named:
            continue
        if any(values is None for _, values in named):
            return None  # "Tx", "Tis": a value not on the scale
        parent = by_id.get(criterion.parent) if criterion.parent else None
        qualified = lexicon.unsettled.search(criterion.text) or (parent and lexicon.unsettled.search(parent.text))
        negated = bool(lexicon.negated.match(criterion.text))
        defined = any(lexicon.definition.search(c.text) for c in (criterion, parent) if c is not None)
        if criterion.section not in ("inclusion", "exclusion") and not negated:
            return None  # a stage under no heading that says which way it runs
        if criterion.section == "inclusion" and not negated:
            if qualified or defined or (parent is not None and lexicon.options.search(parent.text)):
                return None  # what the trial takes is not settled: a permission, an option, a definition
            for letter, values in named:
                stages.taken.setdefault(letter, set()).update(values or ())
                stages.taken_by.setdefault(letter, []).append(criterion.id)
            continue
        if criterion.section == "exclusion" and negated:
            return None  # "No ..." under exclusions: which way it runs is not settled
        if defined and not qualified:
            continue  # "Locally advanced disease includes ...": a term defined, nothing ruled out
        for letter, values in named:
            for value in values or ():
                if qualified:
                    stages.unsure.add((letter, value))
                else:
                    stages.ruled_out.setdefault((letter, value), criterion.id)
    return stages


def _why_out(stage: Stage, stages: _TrialStages) -> tuple[str, ...] | None:
    """The criteria that rule ``stage`` out, on one of its components; None when none does."""
    for letter, values in stage.items():
        if not values or any((letter, v) in stages.unsure for v in values):
            continue
        if all((letter, v) in stages.ruled_out for v in values):
            return tuple(dict.fromkeys(stages.ruled_out[letter, v] for v in values))
        if letter in stages.taken and not values & stages.taken[letter]:
            return tuple(dict.fromkeys(stages.taken_by[letter]))
    return None


def judge_tnm(text: str, claim: Claim, structured: StructuredTrial) -> Judgement:
    """Yes, no or cannot tell: whether the TNM stages ``text`` names rule its patients out as ``claim`` says (see
    the module docstring)."""
    stated = stated_stages(text)
    if not stated or _NEGATION.search(text) or any(None in s.values() and len(s) == 1 for s in stated):
        return _CANNOT
    stages = _trial_stages(structured)
    if stages is None:
        return _CANNOT
    out = [(stage, why) for stage in stated if (why := _why_out(stage, stages))]
    if claim == "admitted" and out:
        holds = False
    elif claim == "excluded" and len(out) == len(stated):
        holds = True
    else:
        return _CANNOT
    by_id = {c.id: c for c in structured.criteria}
    parts = [
        Part(
            _written(stage),
            "holds" if holds else "fails",
            why,
            "; ".join(f"{criterion_label(c)} rules it out: {by_id[c].text.strip().rstrip('.')}" for c in why),
        )
        for stage, why in out
    ]
    return Judgement("yes" if holds else "no", parts)


def _written(stage: Stage) -> str:
    def value(values: frozenset[int] | None) -> str:
        if not values:
            return "x"
        low, high = min(values), max(values)
        return str(low) if low == high else f"{low}-{high}"

    return " ".join(f"{letter}{value(values)}" for letter, values in stage.items())
