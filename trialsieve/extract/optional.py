"""What is named after "with or without" may be there or not: it is allowed, not asked.

"Inadequately controlled hypertension with or without current antihypertensive medications" asks
about the hypertension. Read word by word, "without" denied the medications, and the exclusion
became any(hypertension, NOT antihypertensive medications): the treated hypertensive patient, the
one the criterion is mostly about, was let through on the second leaf's account, and an inclusion
"severe NPDR with/without macular edema" turned away the patients with the edema. "regardless of",
"irrespective of" and "whether or not" say the same.

Each presence after such a cue, up to the end of its phrase (``lexicons/optional.json``), is kept
as a leaf with ``role: optional``: the tree still shows it ("(with or without: ...)"), and like every
leaf with a role it asks nothing of its own, so the verdict is its neighbour's. It joins the item
written before it (a list's alternatives keep their number), no "not" is left above it, and an
exception it was read into no longer leaves it out ("other than non-syndromic CP with or without
cleft lip"). A criterion that is nothing but such a phrase ("With or without contained disc
herniations") only allows: it asks nothing.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.trees import rebuild
from trialsieve.rules import LOGIC_TYPES, PERMISSION, All, Concept, Leaf, Rule, Unstructured, leaves

_LEXICON = load("optional")
_CUES = phrase_regex(_LEXICON["cues"])
_ENDS = re.compile(_LEXICON["ends"], re.IGNORECASE)

Span = tuple[int, int]


def scopes(text: str) -> list[Span]:
    """The stretches of ``text`` whose concepts are optional: from the end of each cue to the end of
    its phrase."""
    found = []
    for cue in _CUES.finditer(text):
        end = _ENDS.search(text, cue.end())
        found.append((cue.end(), end.start() if end else len(text)))
    return found


def settle(text: str, rule: Rule) -> Rule:
    """``rule`` (whose spans index ``text``) with each presence after an optional cue made
    ``role: optional`` and set beside the item it qualifies."""
    spans = scopes(text)
    if not spans or not any(_inside(_words(leaf), spans) for leaf in leaves(rule) if leaf.type == "presence"):
        return rule
    if all(_inside(_words(leaf), spans) for leaf in leaves(rule)):  # "With or without contained disc herniations"
        first = len(text) - len(text.lstrip())
        last = max(first, len(text.rstrip(" \t\r\n;.,")))
        return Unstructured(text=text[first:last], reason=PERMISSION, span=(first, last))

    def mark(leaf: Leaf) -> Rule:
        if leaf.type != "presence":
            return leaf
        if _inside(_words(leaf), spans) and leaf.role in (None, "exception"):
            return leaf.model_copy(update={"role": "optional", "negated": False, "excepted": []})
        kept = [c for c in leaf.excepted if not _named_inside(c, spans)]
        return leaf.model_copy(update={"excepted": kept}) if len(kept) < len(leaf.excepted) else leaf

    shaped = _shaped(rebuild(rule, mark))
    confidence = getattr(rule, "confidence", None)
    if shaped.type in ("all", "any") and confidence is not None:
        shaped = shaped.model_copy(update={"confidence": confidence})
    return shaped


def _shaped(rule: Rule) -> Rule:
    """No `not` above optional leaves only, and each optional part of a list of alternatives joined
    to the item before it (the item after it when it comes first): "soft tissue abnormalities ...
    or architectural distortion with or without calcifications" is any(..., all(architectural
    distortion, (with or without: calcifications)))."""
    if rule.type not in LOGIC_TYPES:
        return rule
    args = [_shaped(arg) for arg in rule.args]
    if rule.type == "not" and _optional(args[0]):
        return args[0]
    if rule.type != "any" or all(_optional(arg) for arg in args):  # at_least keeps its count of items
        return rule.model_copy(update={"args": args})
    grouped: list[Rule] = []
    waiting: list[Rule] = []
    for arg in args:
        if not _optional(arg):
            grouped.append(_joined([*waiting, arg]))
            waiting = []
        elif grouped:
            grouped[-1] = _joined([grouped[-1], arg])
        else:
            waiting.append(arg)
    if len(grouped) == 1:
        return grouped[0]
    return rule.model_copy(update={"args": grouped})


def _joined(parts: list[Rule]) -> Rule:
    """all(parts), an `all` among them opened into it; one part is itself."""
    if len(parts) == 1:
        return parts[0]
    return All(args=[inner for part in parts for inner in (part.args if part.type == "all" else [part])])


def _optional(rule: Rule) -> bool:
    return all(leaf.type == "presence" and leaf.role == "optional" for leaf in leaves(rule))


def _words(leaf: Leaf) -> Span:
    """Where the words a leaf is about are: a presence's concept, a limit's variable."""
    if leaf.type == "presence" and leaf.concept.span is not None:
        return leaf.concept.span
    return getattr(leaf, "variable_span", None) or leaf.span


def _inside(span: Span, spans: list[Span]) -> bool:
    return any(start <= span[0] < end for start, end in spans)


def _named_inside(concept: Concept, spans: list[Span]) -> bool:
    return concept.span is not None and _inside(concept.span, spans)
