"""The flat view of a rule for evaluation: every numeric bound as one record.

Comparisons, ages and temporal windows become ``{"kind", "variable", "operator", "value",
"value2", "unit", "start", "end", "limit_start", "limit_end"}``, the shape that
``--criteria-jsonl`` writes and the LCT benchmark scores.
"""

from __future__ import annotations

from trialsieve.rules import Presence, Rule, leaves


def constraints(rule: Rule) -> list[dict]:
    """Every numeric bound in a rule, flat: comparisons, ages and temporal windows.

    Each has ``kind`` (comparison, age, temporal), ``variable``, ``operator``, ``value``,
    ``value2``, ``unit``, the variable's ``start`` and ``end`` in the criterion text, and
    ``limit_start``/``limit_end``, where the limit itself is written.
    """
    flat = []
    for leaf in leaves(rule):
        if leaf.type == "comparison":
            flat.append(_bound("comparison", leaf.variable, leaf.variable_span or leaf.span, leaf.span, leaf))
        elif leaf.type == "demographic" and leaf.attribute == "age":
            flat.append(_bound("age", "age", leaf.variable_span or leaf.span, leaf.span, leaf))
        temporal = getattr(leaf, "temporal", None)
        if temporal is not None:
            if leaf.type == "comparison":
                name, span = leaf.variable, leaf.variable_span or leaf.span
            else:  # the presence's words beside the window: "Prior chemotherapy" in "... within 6 months"
                name, span = leaf.concept.text, _beside(leaf, temporal.span)
            flat.append(_bound("temporal", name, span, temporal.span, temporal))
    return flat


def _beside(leaf: Presence, window: tuple[int, int]) -> tuple[int, int]:
    """From the leaf's start to its concept's end when the window follows, else the reverse."""
    concept = leaf.concept.span or leaf.span
    if concept[1] <= window[0]:  # a concept the window shares with an earlier leaf may lie before this leaf
        return (min(leaf.span[0], concept[0]), concept[1])
    return (concept[0], max(leaf.span[1], concept[1]))


def _bound(kind: str, variable: str, span: tuple[int, int], written: tuple[int, int], limit) -> dict:
    """One flat bound; the limit is where ``written`` is not the variable."""
    limit_start = span[1] if span[0] <= written[0] < span[1] < written[1] else written[0]
    return {
        "kind": kind,
        "variable": variable,
        "operator": limit.operator,
        "value": limit.value,
        "value2": limit.value2,
        "unit": limit.unit,
        "start": span[0],
        "end": span[1],
        "limit_start": limit_start,
        "limit_end": written[1],
    }
