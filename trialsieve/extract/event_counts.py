"""A count of events asks for the events: "suicide attempt > 1" is all(count, event).

Two spellings, one reading:

- ``counted``: the count written after the events. "History of suicide attempt > 1" was read as a
  limit on a value named "History of suicide attempt": no record holds such a value, so a patient
  who never attempted suicide stayed unknown, where "> 2 suicide attempts", its count written
  first, reads all(count, event) and is settled by the absent event. A lower bound on a count of
  events (``lexicons/event_counts.json``: the variable's head noun names counted events, no unit)
  is made the same all(count, event), the words that name no event ("History of", "number of")
  left out of both.
- ``denied``: a count whose denial stands before it, alone ("Did not receive at least 2 cycles of
  chemotherapy"), is not(all(count, thing)): the denial is of the count, and the words that hold
  it name nothing of their own.
- ``joined``: a count whose thing the tagger named comes with a presence leaf for it, which a
  record can answer when it holds no count. In "History of significant psychiatric disease, such
  as schizophrenia, bipolar disorder, greater than one lifetime episode of major depression, or
  current depression", standing as two items, the depression was AND-ed to the whole list before
  it: every example then asked for major depression too. Joined first, all(count, thing) is one
  alternative like the others. An upper bound is met by none of the thing at all: "No more than 2
  prior lines of systemic therapy" is any(not thing, count), so a patient never treated meets it
  where all(count, thing) asked for a therapy the criterion only caps.
- ``worded``: a count written as a word ("Use of multiple anti-hypertensive medications") is
  all(thing >= 2, thing), as "2 or more" reads: read as the thing alone, one antihypertensive met a
  criterion that asks for several.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.logic import Atom
from trialsieve.rules import NO_CONCEPT, All, Any, AtLeast, Comparison, Concept, Not, Presence, Rule, Unstructured

_KEYS = frozenset({"_doc", "events", "leads", "_doc_denied", "denied_lead", "_doc_several", "several", "several_names"})
_LEXICON = load_checked("event_counts", _KEYS)
_EVENTS = frozenset(e.lower() for e in _LEXICON["events"])
_LEAD = re.compile(_LEXICON["leads"], re.IGNORECASE)
_DENIED_LEAD = re.compile(_LEXICON["denied_lead"], re.IGNORECASE)
_SEVERAL = re.compile(_LEXICON["several"], re.IGNORECASE)
_SEVERAL_NAMES = frozenset(n.lower() for n in _LEXICON["several_names"])
_HEAD = re.compile(r"(?<![^\W\d_])([^\W\d_][\w-]*)\W*$")  # the look-behind keeps search out of the inside of words


def counted(atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each lone lower bound on a count of events made all(count, event)."""
    return [Atom(a.start, a.end, made) if (made := _with_event(a.rule)) is not None else a for a in atoms]


def _with_event(rule) -> All | None:
    """all(count, event) for a lower bound on a count of events; None for any other rule."""
    if not isinstance(rule, Comparison) or rule.variable_span is None or not _counts_events(rule):
        return None
    lead = _LEAD.match(rule.variable)
    skip = lead.end() if lead else 0
    words = rule.variable[skip:].strip()
    span = (rule.variable_span[0] + skip, rule.variable_span[1])
    count = rule.model_copy(update={"variable": words, "variable_span": span})
    event = Presence(concept=Concept(text=words, kind=rule.kind, span=span), temporal=rule.temporal, span=span)
    return All(args=[count, event])


def _counts_events(rule: Comparison) -> bool:
    """A lower bound in whole numbers, no unit, on a variable whose head noun names counted events,
    written inside the limit's own span: a variable written after the count ("> 2 suicide attempts")
    is a leaf of its own already."""
    head = _HEAD.search(rule.variable)
    first, last = rule.variable_span or (-1, -1)
    return (
        rule.span[0] <= first
        and last <= rule.span[1]
        and rule.operator in (">", ">=")
        and rule.unit is None
        and rule.multiplier_of is None
        and rule.value.is_integer()
        and rule.kind in ("condition", "procedure", "observation")
        and head is not None
        and head[1].lower() in _EVENTS
    )


def worded(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each presence leaf whose concept follows a count word ("multiple") made
    all(thing >= 2, thing), in lists and examples too."""
    return [Atom(a.start, a.end, _several(text, a.rule)) for a in atoms]


def _several(text: str, rule: Rule) -> Rule:
    if isinstance(rule, (All, Any, Not, AtLeast)):
        return rule.model_copy(update={"args": [_several(text, r) for r in rule.args]})
    counted = isinstance(rule, Presence) and not rule.negated and rule.concept.text.lower() not in _SEVERAL_NAMES
    span = rule.concept.span if counted else None
    word = _SEVERAL.search(text, max(0, span[0] - 40), span[0]) if span is not None else None
    if word is None:
        return rule
    count = Comparison(
        variable=rule.concept.text,
        kind=rule.concept.kind,
        operator=">=",
        value=2,
        span=(word.start(), span[1]),
        variable_span=span,
        source=rule.source,
    )
    return All(args=[count, rule])


def joined(atoms: list[Atom]) -> list[Atom]:
    """``atoms`` (in text order) with each comparison and the presence leaf right after it that
    names what its variable counts made one atom, all(comparison, presence)."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        if prev is not None and _counts_thing(prev.rule, atom.rule):
            out[-1] = Atom(prev.start, max(prev.end, atom.end), _counted(prev.rule, atom.rule))
        else:
            out.append(atom)
    return out


def _counted(count: Comparison, thing: Presence) -> Rule:
    """all(count, thing) for a lower bound; any(not thing, count) for a cap on a count of whole
    things, which none meets ("less than 30 mins of morning stiffness" is a duration: none is no
    answer to it)."""
    if count.operator in ("<", "<=") and count.unit is None and count.value.is_integer() and not thing.negated:
        return Any(args=[Not(args=[thing]), count])
    return All(args=[count, thing])


def _counts_thing(comparison: Rule, thing: Rule) -> bool:
    """Whether ``thing`` is a presence whose concept lies in the variable of ``comparison``."""
    if not isinstance(comparison, Comparison) or comparison.variable_span is None:
        return False
    if not isinstance(thing, Presence) or thing.concept.span is None:
        return False
    (first, last), (start, end) = comparison.variable_span, thing.concept.span
    return first <= start and end <= last


def denied(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` (in text order) with each count right after words that only deny it ("Did not
    receive", "Has not received") made not(count), the words kept out: the thing counted is there
    or not as the count says, not denied on its own (``denied_lead`` in the lexicon)."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        count = _count_of(atom.rule)
        lead = prev is not None and _lead_only(prev) and not text[prev.end : atom.start].strip()
        words = (prev.start if lead else prev.end) if prev is not None else 0  # the denial's words
        if count is None or not _denies(text, words, atom.start):
            out.append(atom)
            continue
        kept = [count] + [_affirmed(r) for r in atom.rule.args[1:]] if isinstance(atom.rule, All) else [count]
        denied = Not(args=[All(args=kept) if len(kept) > 1 else kept[0]])
        if lead:  # "Did not receive" names nothing of its own: it goes into the denial
            out[-1] = Atom(prev.start, atom.end, denied)
        else:  # "In the retrospective cohorts - patients that did not have | at least one PSA test"
            out.append(Atom(atom.start, atom.end, denied))
    return out


def _count_of(rule: Rule) -> Comparison | None:
    """The count of a bare count of whole things, or of all(count, things) as ``joined`` makes it."""
    first = rule.args[0] if isinstance(rule, All) and rule.args else rule
    rest = rule.args[1:] if isinstance(rule, All) else []
    if not isinstance(first, Comparison) or first.unit is not None or not first.value.is_integer():
        return None
    return first if all(isinstance(r, Presence) for r in rest) else None


def _lead_only(atom: Atom) -> bool:
    """Whether ``atom`` is a leaf naming nothing: words that may only lead to what follows."""
    return isinstance(atom.rule, Unstructured) and atom.rule.reason == NO_CONCEPT


def _denies(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, the words right before a count, ends in its only denial."""
    # one denial only: in "will not be randomized if they did not make" the first says who is excluded
    one = len(context.NEGATION_CUES.findall(text, start, end)) == 1
    return one and _DENIED_LEAD.search(text, start, end) is not None


def _affirmed(rule: Rule) -> Rule:
    return rule.model_copy(update={"negated": False}) if isinstance(rule, Presence) else rule
