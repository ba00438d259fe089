"""Disease durations: "type 2 diabetes of duration < 6 years" is diabetes that began under 6 years
ago, not an age and not a value to look up.

A pass over a structured rule, in two parts.

- A comparison whose variable is the duration of a concept ("Duration of diabetes >= 10 years",
  "type 2 diabetes of duration < 6 years", "psoriasis duration > 1 year") in calendar units is a
  presence of that concept with a ``duration`` bound, as "diabetes for more than 3 years" is.
- A second bound chained onto a duration or window ("erectile dysfunction for more than 6 months
  and no more than three years") bounds the same time: an age leaf or a bare window right after
  it, with no age word of its own, becomes a copy of the presence with the second bound.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.grammar import find_limits
from trialsieve.extract.trees import covered, rebuild
from trialsieve.rules import Comparison, Concept, Leaf, Presence, Rule, Temporal, leaves

_CALENDAR = frozenset({"d", "wk", "mo", "a"})
_DURATION_OF = [  # the concept whose duration a variable names
    re.compile(
        r"^(?:the\s+|a\s+)?(?:disease\s+|illness\s+)?duration\s+of\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+)?(?P<c>.+)$",
        re.I,
    ),
    re.compile(r"^(?P<c>.+?)\s+(?:of|with)\s+(?:a\s+|an\s+)?(?:disease\s+|illness\s+)?duration(?:\s+of)?$", re.I),
    re.compile(r"^(?P<c>.+?)\s+duration(?:\s+of)?$", re.I),
]
#: words that name no concept of their own: "disease duration" in a trial of one disease, "episode duration"
_NOT_A_CONCEPT = frozenset(
    {
        "disease",
        "illness",
        "condition",
        "episode",
        "episodes",
        "study",
        "trial",
        "treatment",
        "therapy",
        "stay",
        "follow-up",
        "followup",
        "hospitalization",
        "hospitalisation",
        "infusion",
        "exposure",
        "session",
        "sessions",
        "symptom",
        "symptoms",
        "qrs",
        "qt",
        "pr",
        "use",
        "usage",
    }
)
_GENERIC_DURATION = re.compile(r"(?:(?:disease|illness|symptom|symptoms)\s+)?duration(?:\s+of)?", re.IGNORECASE)
_JOINED = re.compile(r"\s*,?\s*(?:(?:with|having|of|and)\s+)?(?:(?:a|an|the)\s+)?", re.IGNORECASE)
_DANGLING = re.compile(r"\b(?:for|a|an|the|of|with|in|during|and|or|to)$", re.IGNORECASE)
_MAX_WORDS = 6
_TRAILING_WORDS = re.compile(r"(?:\s+(?:with|having|of|and|a|an|the))+\s*$", re.IGNORECASE)
_TYPE_BEFORE = re.compile(r"\b(?:type|grade|stage)\s*(?:[0-9]{1,2}[a-c]?|i{1,3}v?|iv|v)\s+$", re.IGNORECASE)
_CHAIN = re.compile(r"\s*(?:,\s*)?(?:and|but|,)\s*$", re.IGNORECASE)  # "for more than 6 months and"
_AGE_WORDS = re.compile(r"\b(?:age[ds]?|old|older|younger|yo|y\.o\.)\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:patients?|subjects?|with|having|a|an|the)\s+)+", re.IGNORECASE)


def durations(text: str, rule: Rule) -> Rule:
    """``rule`` with durations of concepts read as such, and chained bounds on one duration joined."""
    presences = [leaf for leaf in leaves(rule) if leaf.type == "presence" and not leaf.negated]
    starts = {limit.end: limit.start for limit in find_limits(text)}
    rule = rebuild(rule, lambda leaf: _as_duration(text, leaf, presences, starts)) or rule
    absorbed: list[tuple[int, int]] = []
    rule = rebuild(rule, lambda leaf: _typed(text, leaf, absorbed)) or rule
    if absorbed:  # "Type 2" read as a leaf of its own: it is the timed concept's type now
        rule = rebuild(rule, lambda leaf: None if _only_words_of(leaf, absorbed) else leaf) or rule
    return _chained(text, rule)


def _only_words_of(leaf: Leaf, spans: list[tuple[int, int]]) -> bool:
    concept = leaf.concept.span if leaf.type == "presence" else None
    return leaf.type == "presence" and leaf.temporal is None and concept is not None and covered(concept, spans)


def _typed(text: str, leaf: Leaf, absorbed: list[tuple[int, int]]) -> Leaf:
    """ "type 1 diabetes for more than 5 years" lasts as type 1 diabetes: a type written right before
    a timed concept belongs to it (a type 2 diabetes of 6 years does not meet it)."""
    if leaf.type != "presence" or leaf.temporal is None or leaf.concept.span is None:
        return leaf
    start, end = leaf.concept.span
    found = _TYPE_BEFORE.search(text, max(0, start - 12), start)
    if not found:
        return leaf
    absorbed.append((found.start(), found.end()))
    concept = leaf.concept.model_copy(update={"text": text[found.start() : end], "span": (found.start(), end)})
    return leaf.model_copy(update={"concept": concept, "span": (min(leaf.span[0], found.start()), leaf.span[1])})


def _as_duration(text: str, leaf: Leaf, presences: list[Presence], starts: dict[int, int]) -> Rule:
    """ "Duration of diabetes >= 10 years" -> diabetes with duration >= 10 a; "type 2 diabetes with a
    disease duration of less than 10 years" -> the diabetes named just before, with that duration."""
    if leaf.type != "comparison" or leaf.unit not in _CALENDAR or leaf.variable_span is None or leaf.multiplier_of:
        return leaf
    concept = _concept_of(text, leaf.variable_span)
    before = None
    if concept is None and _GENERIC_DURATION.fullmatch(text, *leaf.variable_span):
        before = next((p for p in presences if _JOINED.fullmatch(text, p.span[1], leaf.variable_span[0])), None)
    if concept is None and before is None:
        return leaf
    limit = (starts[leaf.span[1]], leaf.span[1]) if leaf.span[1] in starts else _limit_span(text, leaf)
    temporal = Temporal(
        measure="duration",
        direction="current",
        operator=leaf.operator,
        value=leaf.value,
        value2=leaf.value2,
        unit=leaf.unit,
        text=text[limit[0] : limit[1]],
        span=limit,
    )
    if before is not None:
        words = before.concept.span or before.span
        trimmed = _TRAILING_WORDS.sub("", text[words[0] : words[1]])  # "Type 2 diabetes with a"
        concept = before.concept.model_copy(update={"text": trimmed, "span": (words[0], words[0] + len(trimmed))})
        return before.model_copy(update={"concept": concept, "temporal": temporal, "span": leaf.span})
    kind = leaf.kind if leaf.kind in ("condition", "drug", "procedure", "observation", "device") else "condition"
    if kind == "observation" and context.kind_of(text[concept[0] : concept[1]], "condition") == "condition":
        kind = "condition"
    return Presence(
        concept=Concept(text=text[concept[0] : concept[1]], kind=kind, span=concept),
        temporal=temporal,
        span=leaf.span,
        source=leaf.source,
    )


def _concept_of(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    written = text[span[0] : span[1]]
    for pattern in _DURATION_OF:
        found = pattern.match(written)
        if not found:
            continue
        start, end = span[0] + found.start("c"), span[0] + found.end("c")
        lead = _LEAD.match(text, start, end)
        start = lead.end() if lead else start
        written = re.findall(r"[\w'-]+", text[start:end].lower())
        if _DANGLING.search(text, start, end) or len(written) > _MAX_WORDS:
            return None  # "contraception ... for a duration": no concept ends on "a"
        if written and not set(written) <= _NOT_A_CONCEPT and context.has_content(text[start:end]):
            return start, end
        return None
    return None


def _limit_span(text: str, leaf: Comparison) -> tuple[int, int]:
    """Where the limit itself is written: after the variable, or the whole leaf."""
    var = leaf.variable_span
    if var and var[1] < leaf.span[1] and var[0] <= leaf.span[0]:
        written = text[var[1] : leaf.span[1]]
        return var[1] + len(written) - len(written.lstrip()), leaf.span[1]
    return leaf.span


def _chained(text: str, rule: Rule) -> Rule:
    """ "for more than 6 months and no more than three years": the second bound is on the same time."""
    timed = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.temporal is not None]
    second: dict[int, Presence] = {}
    for leaf in leaves(rule):
        bound = _bare_bound(text, leaf)
        if bound is None:
            continue
        first = next((p for p in reversed(timed) if p.temporal.span[1] <= leaf.span[0]), None)
        if first is None or first is leaf or not _CHAIN.fullmatch(text, first.temporal.span[1], leaf.span[0]):
            continue
        operator, value, value2, unit = bound
        temporal = first.temporal.model_copy(
            update={
                "operator": operator,
                "value": value,
                "value2": value2,
                "unit": unit,
                "text": text[leaf.span[0] : leaf.span[1]],
                "span": leaf.span,
            }
        )
        second[id(leaf)] = first.model_copy(update={"temporal": temporal, "span": leaf.span})
    if not second:
        return rule
    return rebuild(rule, lambda leaf: second.get(id(leaf), leaf)) or rule


def _bare_bound(text: str, leaf: Leaf) -> tuple | None:
    """The bound of a leaf that is only a time limit: an age with no age word ("no more than three
    years"), or a window that names nothing ("less than 36 months")."""
    written = text[leaf.span[0] : leaf.span[1]]
    if leaf.type == "demographic" and leaf.attribute == "age" and not leaf.at_event:
        if _AGE_WORDS.search(written) or _AGE_WORDS.match(text[leaf.span[1] :].lstrip()):
            return None
        if leaf.variable_span not in (None, leaf.span):
            return None
        return leaf.operator, leaf.value, leaf.value2, leaf.unit or "a"
    if leaf.type == "presence" and leaf.temporal is not None and leaf.concept.span == leaf.temporal.span:
        t = leaf.temporal
        return t.operator, t.value, t.value2, t.unit
    return None
