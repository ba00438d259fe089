"""Ages at an event: "less than 50 years of age at the time of migraine onset" bounds the age when
the migraine began, not the age today.

A pass over a structured rule. An age leaf whose words name an onset or a diagnosis, before the
limit ("Age at onset of seizures <= 12 years", "Age at diagnosis at least 18 years", "Diagnosed
with type 1 diabetes before the age of 30", "Onset of psoriasis before age 40") or right after
it ("... at the time of migraine onset", "... at diagnosis of multiple myeloma"), gets
``at_event`` (onset or diagnosis) and the ``event`` concept, or none when the criterion names no
condition (the trial's own). The words are data: ``operators.json``, ``event_ages``.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.trees import covered, rebuild
from trialsieve.rules import Concept, Demographic, Entity, Leaf, Rule, leaves

_EVENTS = load("operators")["event_ages"]
_EVENT_OF = {w.lower(): event for event in ("onset", "diagnosis") for w in _EVENTS[event]}
_EVENT = rf"(?P<event>{alternation(list(_EVENT_OF))})"
_ANCHOR = rf"(?:{alternation(_EVENTS['anchors'])})\s+"
_ADJ = rf"(?:(?:{alternation(_EVENTS['adjectives'])})\s+)*"  # "first", "original"
_GENERIC = frozenset(w.lower() for w in _EVENTS["generic"])  # "age at onset of disease": the trial's own
_CONCEPT = r"(?P<concept>(?:[^\s.;:,()]+\s+){0,5}?[^\s.;:,()]+)"  # a few words, in one clause
_OF = r"\s+(?:of|with|for)\s+(?:the\s+|a\s+|an\s+)?"
_END = r"\s*(?=$|[.;:,()]|\b(?:and|or|who|which|that|with|as|by|according|defined|confirmed)\b)"
#: after the limit: "at the time of migraine onset", "at diagnosis", "at onset of symptoms"
_AFTER = [
    re.compile(rf"[\s,]*(?P<cue>{_ANCHOR}{_ADJ}{_EVENT}{_OF}{_CONCEPT}){_END}", re.I),
    re.compile(rf"[\s,]*(?P<cue>{_ANCHOR}{_ADJ}{_EVENT})(?![\w])", re.I),
    re.compile(rf"[\s,]*(?P<cue>{_ANCHOR}{_ADJ}{_CONCEPT}\s+{_EVENT})(?![\w])", re.I),
]
#: the words naming the age: "Age at onset of seizures", "age of migraine onset", "Age at diagnosis"
_NAMED = [
    re.compile(rf"\bage\s+(?:at|of)\s+(?:the\s+)?(?:time\s+of\s+)?{_ADJ}{_EVENT}{_OF}{_CONCEPT}$", re.I),
    re.compile(rf"\bage\s+(?:at|of)\s+(?:the\s+)?(?:time\s+of\s+)?{_ADJ}{_EVENT}$", re.I),
    re.compile(rf"\bage\s+(?:at|of)\s+(?:the\s+)?(?:time\s+of\s+)?{_CONCEPT}\s+{_EVENT}$", re.I),
]
#: the event before the limit: "Diagnosed with type 1 diabetes before the age of 30", "Onset of psoriasis before"
_BEFORE = [
    re.compile(rf"(?:^|(?<=[\s(,;:])){_ADJ}{_EVENT}{_OF}{_CONCEPT}\s*$", re.I),
    re.compile(rf"(?:^|(?<=[\s(,;:])){_CONCEPT}\s+(?:first\s+|initially\s+)?{_EVENT}\s*$", re.I),
]
_WHEN = re.compile(r"(?:before|after|prior\s+to|by|at|earlier\s+than|later\s+than|under|over)\b", re.IGNORECASE)
_AT_AGE = re.compile(r"\bat\s+$", re.IGNORECASE)
_PERSONS = re.compile(rf"^(?:{alternation(load('cues')['persons']['words'])})$", re.IGNORECASE)
_KINDS = ("condition", "procedure", "drug", "observation")
_AGE_WORD = re.compile(r"\b(?:age[ds]?|old)\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:the|a|an|his|her|their|any|first|initial)\s+)+", re.IGNORECASE)


def ages_at_events(text: str, rule: Rule, tagged: list[Entity] | None = None) -> Rule:
    """``rule`` with each age leaf taken at an onset or a diagnosis marked so."""
    found: dict[int, tuple[Demographic, tuple[int, int]]] = {}
    for leaf in leaves(rule):
        if leaf.type != "demographic" or leaf.attribute != "age" or leaf.at_event:
            continue
        read = _named(text, leaf) or _after(text, leaf) or _before(text, leaf)
        if read:
            event, concept, cue = read
            update = {"at_event": event, "event": _concept(text, concept, tagged) if concept else None}
            if cue[1] > leaf.span[1] or cue[0] < leaf.span[0]:
                update["span"] = (min(leaf.span[0], cue[0]), max(leaf.span[1], cue[1]))
            found[id(leaf)] = (leaf.model_copy(update=update), cue)
    if not found:
        return rule
    cues = [cue for _, cue in found.values()]

    def mark(leaf: Leaf) -> Rule | None:
        if id(leaf) in found:
            return found[id(leaf)][0]
        words = getattr(leaf, "concept", None)
        span = words.span if words is not None and words.span else leaf.span
        if leaf.type in ("presence", "unstructured") and covered(span, cues):
            return None  # "Diagnosed with type 1 diabetes" as a leaf of its own: the age leaf asks it now
        return leaf

    return rebuild(rule, mark) or rule


def _named(text: str, leaf: Demographic) -> tuple[str, tuple[int, int] | None, tuple[int, int]] | None:
    """The event in the words that name the age: "Age at onset of seizures"."""
    span = leaf.variable_span or leaf.span
    for pattern in _NAMED:
        found = pattern.search(text, max(0, span[0] - 2), span[1])
        if found:
            return _read(found)
    return None


def _after(text: str, leaf: Demographic) -> tuple[str, tuple[int, int] | None, tuple[int, int]] | None:
    for pattern in _AFTER:
        found = pattern.match(text, leaf.span[1])
        if found:
            event, concept, _ = _read(found)
            return event, concept, found.span("cue")
    return None


def _before(text: str, leaf: Demographic) -> tuple[str, tuple[int, int] | None, tuple[int, int]] | None:
    """ "Diagnosed with type 1 diabetes before the age of 30": the event, then a limit that says when."""
    start = leaf.span[0]
    at = _AT_AGE.search(text, max(0, start - 8), start)
    if not (_WHEN.match(text, start) or at):
        return None  # "Diagnosed with asthma age 18-65" bounds today's age; "... at age 40 or older" the age then
    start = at.start() if at else start
    window = max(0, start - 80)
    clause = max(text.rfind(c, window, start) for c in ".;") + 1
    for pattern in _BEFORE:
        found = pattern.search(text, max(window, clause), start)
        if found and not _AGE_WORD.search(found[0]):
            return _read(found)
    return None


def _read(found: re.Match[str]) -> tuple[str, tuple[int, int] | None, tuple[int, int]]:
    event = _EVENT_OF[re.sub(r"\s+", " ", found["event"].lower())]
    concept = None
    if found.groupdict().get("concept"):
        start, end = found.span("concept")
        lead = _LEAD.match(found["concept"])
        start += lead.end() if lead else 0
        written = found.string[start:end]
        generic = re.sub(r"\s+", " ", written.lower()) in _GENERIC
        named = context.has_content(written) or (written.isupper() and len(written) > 1)  # "ALL" is a leukaemia
        if named and not _PERSONS.match(written) and not generic:
            concept = (start, end)  # "Patients diagnosed before 18": no condition named
    cue = found.span("cue") if "cue" in found.groupdict() else found.span()
    return event, concept, cue


def _concept(text: str, span: tuple[int, int], tagged: list[Entity] | None) -> Concept:
    """The event as written ("type 1 diabetes": its type matters), of the kind the tagger gives it."""
    inside = [e.type for e in tagged or () if span[0] <= e.start and e.end <= span[1] and e.type in _KINDS]
    return Concept(text=text[span[0] : span[1]], kind=inside[0] if inside else "condition", span=span)
