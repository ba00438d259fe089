"""Two limits on one variable that no value meets together are alternatives.

"Patients under 40 years of age and over 70 years old" joins its two ages with "and", yet no one is both
under 40 and over 70: read as all(age < 40, age > 70) the exclusion turns away no one, where it means either
one. An inclusion's "and" never means that (all of such limits admits no one), so in both sections the pair
is any(...). Limits a value can meet together ("age >= 18 and <= 65") are left as written, and so are limits
that differ in what they measure: another unit, multiple (x ULN), sex or time window.
"""

from __future__ import annotations

import math
from itertools import combinations

from trialsieve.extract.trees import nodes, replace_node
from trialsieve.rules import All, Any, Comparison, Demographic, Rule

#: A limit's values: lowest, whether the lowest counts, highest, whether the highest counts.
_Interval = tuple[float, bool, float, bool]


def alternatives(rule: Rule) -> Rule:
    """``rule`` with each pair of limits under one ``all`` that no value can meet together made ``any``."""
    for node in nodes(rule):
        if node.type != "all":
            continue
        limits = [arg for arg in node.args if _interval(arg) is not None]
        pair = next((p for p in combinations(limits, 2) if _same_measure(*p) and _disjoint(*p)), None)
        if pair is None:
            continue
        either = Any(args=list(pair))
        if len(node.args) == 2:
            return alternatives(replace_node(rule, node, either.model_copy(update={"confidence": node.confidence})))
        args = [either if arg is pair[0] else arg for arg in node.args if arg is not pair[1]]
        return alternatives(replace_node(rule, node, All(args=args, confidence=node.confidence)))
    return rule


def _interval(rule: Rule) -> _Interval | None:
    """The values a limit admits; None for anything else (a sex, an age at an event, a concept)."""
    if isinstance(rule, Demographic) and (rule.attribute != "age" or rule.at_event or rule.value is None):
        return None
    if not isinstance(rule, Comparison | Demographic) or rule.value is None:
        return None
    value, top = rule.value, rule.value2
    return {
        "<": (-math.inf, False, value, False),
        "<=": (-math.inf, False, value, True),
        ">": (value, False, math.inf, False),
        ">=": (value, True, math.inf, False),
        "=": (value, True, value, True),
        "between": (value, True, top if top is not None else value, True),
    }[rule.operator]


def _same_measure(a: Comparison | Demographic, b: Comparison | Demographic) -> bool:
    """Whether the two limits bound one quantity, in one unit, for the same people at the same time."""
    if a.type != b.type or a.unit != b.unit:
        return False
    if isinstance(a, Demographic) or isinstance(b, Demographic):
        return True  # two ages, in one unit
    named = a.variable.strip().lower() == b.variable.strip().lower()
    return named and (a.multiplier_of, a.population, a.temporal) == (b.multiplier_of, b.population, b.temporal)


def _disjoint(a: Comparison | Demographic, b: Comparison | Demographic) -> bool:
    """Whether no value lies in both limits' intervals."""
    (lo1, lo1_in, hi1, hi1_in), (lo2, lo2_in, hi2, hi2_in) = _interval(a), _interval(b)
    below = hi1 < lo2 or (hi1 == lo2 and not (hi1_in and lo2_in))
    above = hi2 < lo1 or (hi2 == lo1 and not (hi2_in and lo1_in))
    return below or above
