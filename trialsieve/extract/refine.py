"""Passes over a criterion's structured rule that read what its numbers mean.

``refine`` runs after the limits and phrases are combined: sex-specific limits
(``populations``), ages at an event (``onsets``), disease durations (``durations``), limits no value
meets together (``disjoint``: "under 40 years of age and over 70"), negative tests (``tested``: not
pregnant), requirements set on a group (``subgroups``: "Women of childbearing potential must ..."), or on
the patients an "If" clause names (``if_clauses``: "If diabetic, HbA1c 7.5 or higher"),
and lists of limits in an exclusion, any one of which excludes.
"""

from __future__ import annotations

import re
from itertools import pairwise

from trialsieve.extract.disjoint import alternatives
from trialsieve.extract.durations import durations
from trialsieve.extract.if_clauses import if_clauses
from trialsieve.extract.onsets import ages_at_events
from trialsieve.extract.populations import sex_specific
from trialsieve.extract.subgroups import conditional
from trialsieve.extract.tested import negative_tests
from trialsieve.extract.trees import nodes, replace_node
from trialsieve.rules import Any, Entity, Rule, leaves

_LIST_GAP = re.compile(r"[\s,;]*[,;][\s,;]*")  # "AST > 3 x ULN, creatinine > 2 mg/dL"


def refine(text: str, rule: Rule, tagged: list[Entity] | None = None, section: str = "unknown") -> Rule:
    """``rule`` (whose spans index ``text``) with the numeric readings of this module applied."""
    rule = sex_specific(text, rule)
    rule = ages_at_events(text, rule, tagged)
    rule = durations(text, rule)
    rule = alternatives(rule)  # "under 40 years of age and over 70": no one is both
    rule = negative_tests(text, rule, section)  # "a negative pregnancy test": not pregnant
    rule = conditional(text, rule, section)  # "Women of childbearing potential must ...": asked of them only
    rule = if_clauses(text, rule, section)  # "If diabetic, HbA1c 7.5 or higher": asked of a diabetic only
    if section == "exclusion":
        rule = exclusion_lists(text, rule)
    return rule


def exclusion_lists(text: str, rule: Rule) -> Rule:
    """In an exclusion, limits listed with commas or semicolons are alternatives: "AST, ALT
    elevation greater than three times the upper limit of normal, creatinine greater than 2 mg/dL"
    excludes with any one of them, so all(...) of such limits becomes any(...)."""
    for node in nodes(rule):
        if node.type != "all" or len(node.args) < 2 or not all(_limits_only(a) for a in node.args):
            continue
        spans = [_extent(a) for a in node.args]
        if all(_LIST_GAP.fullmatch(text, a[1], b[0]) for a, b in pairwise(spans)):
            return exclusion_lists(text, replace_node(rule, node, Any(args=node.args)))
    return rule


def _limits_only(rule: Rule) -> bool:
    """A comparison, or a logic node of comparisons (a pair of pressures, a list sharing a limit, a
    limit for each sex)."""
    found = leaves(rule)
    sex = [leaf for leaf in found if leaf.type == "demographic" and leaf.attribute == "sex"]
    return bool(found) and all(leaf.type == "comparison" or leaf in sex for leaf in found) and len(sex) < len(found)


def _extent(rule: Rule) -> tuple[int, int]:
    spans = [leaf.span for leaf in leaves(rule)]
    return min(s[0] for s in spans), max(s[1] for s in spans)
