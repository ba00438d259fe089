"""A rule tree as indented text a coordinator can read next to the criterion it came from.

any
├─ all
│  ├─ disease duration <= 2 a
│  └─ mRss > 20
└─ NOT: pregnancy
"""

from __future__ import annotations

import textwrap

from trialsieve.rules import (
    NOTHING_ASKED,
    PERMISSION,
    Comparison,
    Demographic,
    Presence,
    Rule,
    Temporal,
    Unstructured,
    leaves,
)


def tree(rule: Rule, width: int | None = None) -> str:
    """``rule`` as an indented tree; with ``width``, a leaf longer than the line goes on below itself, under the
    tree's guides, so that a panel of that width shows all of it with the branches still readable."""
    return "\n".join(_lines(rule, "", "", width))


def _lines(rule: Rule, lead: str, indent: str, width: int | None) -> list[str]:
    args = getattr(rule, "args", None)
    if args is None:
        return _wrapped(lead, leaf_text(rule), indent + "  ", width)
    if rule.type == "not" and all(getattr(leaf, "role", None) for leaf in leaves(rule)):
        return _lines(args[0], lead, indent, width)  # "(excepted: PDA)": what the sibling leaves out, said once
    head = {"all": "all of", "any": "any of", "not": "not", "at_least": f"at least {getattr(rule, 'n', 1)} of"}
    lines = [lead + head[rule.type]]
    for number, arg in enumerate(args):
        last = number == len(args) - 1
        lines += _lines(arg, indent + ("└─ " if last else "├─ "), indent + ("   " if last else "│  "), width)
    return lines


def _wrapped(lead: str, text: str, below: str, width: int | None) -> list[str]:
    """``lead + text``, cut at spaces into lines of ``width``; the lines after the first start with ``below``."""
    if width is None or len(lead) + len(text) <= width:
        return [lead + text]
    room = max(width - len(below), 20)  # a deep branch still gets some words a line
    first, *rest = textwrap.wrap(text, max(width - len(lead), 20), break_long_words=False, break_on_hyphens=False)
    rest = textwrap.wrap(" ".join(rest), room, break_long_words=False, break_on_hyphens=False) if rest else []
    return [lead + first, *(below + line for line in rest)]


def leaf_text(leaf: Rule) -> str:
    """One leaf in words: "hemoglobin < 11 g/dL", "NOT: pregnancy", "age >= 18 a"."""
    if isinstance(leaf, Comparison):
        value = f"{leaf.value:g}" + (f"-{leaf.value2:g}" if leaf.value2 is not None else "")
        unit = f" x {leaf.multiplier_of}" if leaf.multiplier_of else f" {leaf.unit or leaf.unit_text or ''}"
        return f"{leaf.variable} {leaf.operator} {value}{unit.rstrip()}{_when(leaf.temporal)}"
    if isinstance(leaf, Presence):
        said = leaf.concept.text.lower()  # a qualifier the concept's words already hold is not said twice
        words = " ".join([*(q for q in leaf.qualifiers if q.lower() not in said), leaf.concept.text])
        if leaf.role is not None:  # what the leaf says of its neighbour; it asks nothing itself
            prevented = leaf.role == "effect" and leaf.negated  # "disability that would preclude exercise"
            return f"({_ROLE[leaf.role]}: {'prevents ' if prevented else ''}{words})"
        excepted = f" except {', '.join(c.text for c in leaf.excepted)}" if leaf.excepted else ""
        return f"{'NOT: ' if leaf.negated else ''}{words} [{leaf.concept.kind}]{excepted}{_when(leaf.temporal)}"
    if isinstance(leaf, Demographic):
        if leaf.attribute == "sex":
            return f"sex = {leaf.value_text}"
        value = f"{leaf.value:g}" + (f"-{leaf.value2:g}" if leaf.value2 is not None else "")
        return f"age {leaf.operator} {value} {leaf.unit or 'a'}"
    if isinstance(leaf, Unstructured) and leaf.reason == PERMISSION:
        return f"allows, asks nothing: {leaf.text}"
    if isinstance(leaf, Unstructured) and leaf.reason == NOTHING_ASKED:  # "None", "N/A"
        return f"asks nothing: {leaf.text}"
    if isinstance(leaf, Unstructured):
        return f"needs review: {leaf.text} ({leaf.reason})"
    return str(leaf)


_ROLE = {
    "exception": "excepted",
    "defined": "defined by the limits beside it",
    "method": "found by",
    "effect": "what it does",
    "optional": "with or without",
    "risk": "at risk of",
    "contraindicated": "contraindicated",
}


def _when(temporal: Temporal | None) -> str:
    if temporal is not None and temporal.measure == "active":  # "unless disease free for 3 years"
        return f" (last present {temporal.operator} {temporal.value:g} {temporal.unit} ago: {temporal.text})"
    return f" ({temporal.text})" if temporal else ""
