"""Small edits on rule trees for the passes that run after structuring: rebuild, drop, replace."""

from __future__ import annotations

from collections.abc import Callable

from trialsieve.rules import LOGIC_TYPES, Leaf, Rule


def rebuild(rule: Rule, leaf: Callable[[Leaf], Rule | None]) -> Rule | None:
    """``rule`` with every leaf replaced by ``leaf(it)``; None drops it. A logic node left with
    no argument goes too, and one that lost arguments down to one is that argument."""
    if rule.type not in LOGIC_TYPES:
        return leaf(rule)
    args = [a for a in (rebuild(arg, leaf) for arg in rule.args) if a is not None]
    if not args:
        return None
    if len(args) < len(rule.args) and len(args) == 1 and rule.type in ("all", "any"):
        return args[0]
    return rule.model_copy(update={"args": args})


def nodes(rule: Rule) -> list[Rule]:
    """Every logic node of ``rule``, parents before children."""
    if rule.type not in LOGIC_TYPES:
        return []
    return [rule, *(n for arg in rule.args for n in nodes(arg))]


def replace_node(rule: Rule, old: Rule, new: Rule) -> Rule:
    """``rule`` with the node ``old`` (the same object) replaced by ``new``."""
    if rule is old:
        return new
    if rule.type not in LOGIC_TYPES:
        return rule
    return rule.model_copy(update={"args": [replace_node(arg, old, new) for arg in rule.args]})


def covered(span: tuple[int, int], by: list[tuple[int, int]]) -> bool:
    """Whether ``span`` lies inside one of the spans ``by``."""
    return any(start <= span[0] and span[1] <= end for start, end in by)
