"""A state written once before a list holds of every item of it.

"Known active hepatitis B and/or hepatitis C infection" asks about active hepatitis C too: read with
"active" on hepatitis B alone, the exclusion caught a patient whose hepatitis C was cured years ago.
Only a state a disease can be in travels (active, known, uncontrolled, severe, history of:
``scope.json`` ``shared_qualifiers``), written before the first item or as its first word
("untreated hypogonadism or thyroid disease" is untreated thyroid disease too); words that make
another concept of the first item stay where they are written, so in "Type 1 diabetes or
hypertension" hypertension keeps any type. The state must open the list (no item before it), the
items must be of one kind with nothing but list words between them, and a connective ("or",
"and/or") must join them: an item with words of its own ("active infection, uncontrolled
hypertension") keeps what it says, and in a bare comma list of examples ("(e.g. severe asthma,
cancer)") each item is as written.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.logic import Atom
from trialsieve.rules import All, Any, Presence, Rule, leaves

_LEXICON = load("scope")["shared_qualifiers"]
_TRAVEL = frozenset(_LEXICON["qualifiers"])
_NAMED = frozenset(_LEXICON["named"])
_GAP = re.compile(_LEXICON["gap"], re.IGNORECASE)
#: a state written as the first word of the concept: "|untreated |hypogonadism or thyroid disease"
_CONCEPT_STATE = re.compile(rf"(?:{alternation(_LEXICON['concept_states'])})(?=\s)", re.IGNORECASE)
_CONNECTIVE = re.compile(r"\b(?:and|or|nor)\b|/", re.IGNORECASE)


def distribute(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with the leading state of each list's first item lent to the items after it."""
    return [Atom(a.start, a.end, _within(text, a.rule)) for a in _lent(text, [a.rule for a in atoms], atoms)]


def _within(text: str, rule: Rule) -> Rule:
    """A list the no-model path reads as one ``any`` atom lends inside it."""
    if isinstance(rule, Any) and all(isinstance(a, Presence) for a in rule.args):
        return rule.model_copy(update={"args": _lent(text, list(rule.args), list(rule.args))})
    return rule


def _lent(text: str, rules: list[Rule], items: list) -> list:
    """``items`` (atoms or rules, one per rule) with each run's lead lent along it. An item read with
    a clause of its own ("viral infection not controlled by anti-viral treatment": all(infection,
    treatment)) is its first concept; a connective right after the run's last item ("serious
    neurological, psychological or psychiatric disorders which may ...") makes a list too."""
    wrapped = [_first_presence(r) for r in rules]
    rules = [w if w is not None else r for w, r in zip(wrapped, rules, strict=True)]
    out = list(items)
    for i, rule in enumerate(rules):
        cues = _lead(text, rule)
        if not cues or (i > 0 and _next_item(text, rules[i - 1], rule, rule.concept.kind, cues[0].start())):
            continue  # "uncontrolled hypertension, unstable angina, and CHF": a later item's own words
        k = i + 1
        while k < len(rules) and _next_item(text, rules[k - 1], rules[k], rule.concept.kind):
            k += 1
        gaps = [text[rules[j - 1].concept.span[1] : rules[j].concept.span[0]] for j in range(i + 1, k)]
        if k > i + 1 and k < len(rules) and (after := _start(rules[k])) is not None:
            gaps.append(text[rules[k - 1].concept.span[1] : after])
        if not any(_CONNECTIVE.search(gap) and _GAP.fullmatch(gap) for gap in gaps):
            continue  # "(e.g. severe asthma, cancer)": examples listed, each with its own words
        for j in range(i + 1, k):
            rules[j] = _with_state(rules[j], cues)
            made = rules[j] if wrapped[j] is None else _replace_first(items[j], rules[j])
            out[j] = (
                Atom(out[j].start, out[j].end, made.rule if isinstance(made, Atom) else made)
                if isinstance(out[j], Atom)
                else made
            )
    return out


def _first_presence(rule: Rule) -> Presence | None:
    """The first concept of an item read with a clause of its own: all(X, what the clause names)."""
    if isinstance(rule, All) and rule.args and isinstance(rule.args[0], Presence) and rule.args[0].role is None:
        return rule.args[0]
    return None


def _replace_first(item, leaf: Presence):
    """``item`` (an atom or a rule) whose all(...) has ``leaf`` as its first argument."""
    rule = item.rule if isinstance(item, Atom) else item
    return rule.model_copy(update={"args": [leaf, *rule.args[1:]]})


def _start(rule: Rule) -> int | None:
    """Where ``rule``'s text starts."""
    spans = [leaf.span for leaf in leaves(rule) if getattr(leaf, "span", None) is not None]
    return min(s[0] for s in spans) if spans else None


def _lead(text: str, rule: Rule) -> list[re.Match[str]]:
    """The travelling qualifier cues written before ``rule``'s concept, within its leaf, and a state the
    concept's own words open with ("untreated hypogonadism": the matcher reads it there)."""
    if not isinstance(rule, Presence) or rule.concept.span is None or rule.role is not None:
        return []
    start = rule.concept.span[0]
    found = context.QUALIFIERS.finditer(text, rule.span[0], start)
    written = _CONCEPT_STATE.match(text, start)
    return [m for m in found if context.qualifier(m[0]) in _TRAVEL and m[0].lower() not in _NAMED] + (
        [written] if written else []
    )


def _next_item(text: str, prev: Rule, cur: Rule, kind: str, start: int | None = None) -> bool:
    """Whether ``cur`` is the next item of ``prev``'s list: a presence of the same kind with only a
    connective between ``prev``'s concept and ``start`` (default: ``cur``'s concept, so a bare one)."""
    if not isinstance(prev, Presence) or not isinstance(cur, Presence) or cur.concept.kind != kind:
        return False
    if prev.concept.span is None or cur.concept.span is None or cur.role is not None:
        return False
    if context.CONCEPT_MODIFIER.match(text, cur.concept.span[0]):
        return False  # "uncontrolled hypertension or untreated hypertension": a state of its own
    return _GAP.fullmatch(text, prev.concept.span[1], cur.concept.span[0] if start is None else start) is not None


def _with_state(rule: Presence, cues: list[re.Match[str]]) -> Presence:
    """``rule`` with the lent qualifiers. The concept's words stay as written: the matcher reads
    them, and "serious kidney disease" would miss the chronic kidney disease "kidney disease" finds."""
    lent = [m[0].lower() if m.re is _CONCEPT_STATE else context.qualifier(m[0]) for m in cues]
    qualifiers = list(dict.fromkeys([*rule.qualifiers, *lent]))
    return rule.model_copy(update={"qualifiers": qualifiers})
