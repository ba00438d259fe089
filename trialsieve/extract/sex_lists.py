"""A sex list written before a limit says whom the limit is for: "Men, at least 18 years of age".

The sexes that open a criterion name the patients the rest of it is about. Left to the joining of
items, "Male or female ≥ 18 years of age" read any(male, all(female, age ≥ 18)) and "Men, at least
18 years of age" any(male, age ≥ 18): a 10-year-old boy met both. Joined here first, the sexes and
the limit that follows them are one item, all(sexes, limit): all(sex = all, age ≥ 18) and
all(male, age ≥ 18).

A sex-specific limit ("male ≥ 50 kg, female ≥ 45 kg", "QTcF ≤ 450 ms for men and ≤ 470 ms for
women") writes a second sex after the first list, each with its own limit; ``populations`` reads
those, so a criterion that names a sex again after the list is left alone.
"""

from __future__ import annotations

import re

from trialsieve.extract.logic import Atom
from trialsieve.extract.presences import SEX_WORD
from trialsieve.rules import All, Any, Comparison, Demographic, Rule

_SEX_WORD = re.compile(rf"\b{SEX_WORD.pattern}\b", re.IGNORECASE)
_BETWEEN_SEXES = re.compile(r"(?:[\s,/&]|\b(?:and|or|either)\b)*", re.IGNORECASE)  # "Male or female", "Men, women"
#: what stands between an item and the sexes it is for: "Hb ≥ 9 g/dL, male or female", "(men or women)"
_AFTER_ITEM = re.compile(r"[\s,;:(-]*(?:\b(?:in|for|both|either)\b[\s,:-]*)*", re.IGNORECASE)
_BEFORE_LIMIT = re.compile(r"[\s,:-]*(?:\baged?\b)?[\s,:-]*", re.IGNORECASE)  # "Men, at least 18", "Males aged ≥ 18"


def lead_limits(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` (in text order) with the sexes that open them joined to the limit right after."""
    run = 0
    while run < len(atoms) and _sex(atoms[run].rule):
        if run and not _BETWEEN_SEXES.fullmatch(text, atoms[run - 1].end, atoms[run].start):
            break
        run += 1
    if run == 0 or run == len(atoms):
        return atoms
    sexes, limit = atoms[:run], atoms[run]
    if not _limit(limit.rule) or not _BEFORE_LIMIT.fullmatch(text, sexes[-1].end, limit.start):
        return atoms  # "Men, who cannot talk": the sex is asked beside what follows, as written
    if _SEX_WORD.search(text, limit.start):  # "male ≥ 50 kg, female ≥ 45 kg": a limit for each sex
        return atoms
    joined = All(args=[_admitted(sexes), limit.rule])
    return [Atom(sexes[0].start, limit.end, joined), *atoms[run + 1 :]]


def every_sex_after(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with a list of both sexes written after what it is about joined to it: "Hemoglobin
    ≥ 9 g/dL, male or female" says both sexes qualify, so it is all(Hb ≥ 9, sex = all), and "...,
    male or non-pregnant female" all(Hb ≥ 9, any(male, all(female, not pregnant))).
    Left to the joining of items, the "or" between the sexes read any(Hb ≥ 9, male, female), and
    the limit no longer had to hold for anyone."""
    out: list[Atom] = []
    i = 0
    while i < len(atoms):
        run = i
        while run < len(atoms) and _sex(atoms[run].rule):
            if run > i and not _BETWEEN_SEXES.fullmatch(text, atoms[run - 1].end, atoms[run].start):
                break
            run += 1
        sexes = atoms[i:run]
        values = {_value(a.rule) for a in sexes}
        every = bool(sexes) and ({"male", "female"} <= values or "all" in values)
        if not every or not out or not _AFTER_ITEM.fullmatch(text, out[-1].end, sexes[0].start):
            out.append(atoms[i])
            i += 1
            continue
        before = out.pop()
        joined = All(args=[*(before.rule.args if isinstance(before.rule, All) else [before.rule]), _admitted(sexes)])
        out.append(Atom(before.start, sexes[-1].end, joined))
        i = run
    return out


def spliced(rule: Rule) -> Rule:
    """``rule`` with each all(sexes, limit) or all(limit, sexes) inside an "all of" made part of it:
    all(male, age, ED), not all(all(male, age), ED), which ask the same."""
    if not isinstance(rule, (All, Any)):
        return rule
    args = [spliced(a) for a in rule.args]
    if isinstance(rule, All):
        args = [
            b for a in args for b in (a.args if isinstance(a, All) and (_sex(a.args[0]) or _sex(a.args[-1])) else [a])
        ]
    return rule.model_copy(update={"args": args})


def _admitted(sexes: list[Atom]) -> Rule:
    """The sexes the list admits: one, every sex ("Male or female"), or the alternatives written."""
    rules = [a.rule for a in sexes]
    if len(rules) == 1:
        return rules[0]
    values = {r.value_text for r in rules if isinstance(r, Demographic)}
    if all(isinstance(r, Demographic) for r in rules) and ({"male", "female"} <= values or "all" in values):
        return Demographic(attribute="sex", value_text="all", span=(sexes[0].start, sexes[-1].end))
    return Any(args=rules)


def _value(rule: Rule) -> str:
    """The sex a sex leaf admits, with or without the states it must lack."""
    return rule.value_text if isinstance(rule, Demographic) else _value(rule.args[0])


def _sex(rule: Rule) -> bool:
    """A sex leaf, alone or with the states it must lack ("non-pregnant females")."""
    if isinstance(rule, Demographic):
        return rule.attribute == "sex"
    return isinstance(rule, All) and _sex(rule.args[0])


def _limit(rule: Rule) -> bool:
    """An age or a value's limit, no sex named in it."""
    return isinstance(rule, Comparison) or (isinstance(rule, Demographic) and rule.attribute == "age")
