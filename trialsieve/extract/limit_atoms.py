"""Leaves for the limits a criterion writes: ages, measures, windows and times since.

The grammar finds each limit (an operator, a number, a unit); this module decides what it bounds:
the patient's age, a measured variable, a time window for an event ("within 6 months"), a time since
an event ("at least 4 weeks since surgery"), both pressures of "BP > 140/90". A limit no reading is
safe for becomes a review leaf that says why.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    context,
    denied_states,
    disease_free,
    scope,
    undertakings,
    variables,
)
from trialsieve.extract.concepts import concept_tree
from trialsieve.extract.grammar import Limit, find_limits, unreadable
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.extract.logic import open_brackets, with_temporal
from trialsieve.extract.presences import PERSON, PERSON_ONLY, presence_leaf
from trialsieve.extract.relations import clause_start
from trialsieve.extract.spans import Spans, review_atom, span_entity, span_text, trim
from trialsieve.extract.unit_variables import counted_variable, implied_variable
from trialsieve.extract.washouts import washout
from trialsieve.rules import (
    NO_CONCEPT,
    All,
    Any,
    Comparison,
    Demographic,
    Not,
    Rule,
    Temporal,
    Unstructured,
    leaves,
)

if TYPE_CHECKING:
    pass

_AGE_WORD = phrase_regex(load("operators")["age_words"])
_LEAD_TIME = re.compile(r"(?:(?:prior|previous|past|ongoing|continuous|stable)\s+)?", re.IGNORECASE)
_DURATION_OF = re.compile(r"\s+of\s+(?!age\b|old\b)", re.IGNORECASE)
_OF_AGE = re.compile(r"\s*of\s+age\b", re.IGNORECASE)
_AGE_TAIL = re.compile(r"[\s-]*(?:years?[\s-]*)?(?:of\s+age|old)\b", re.IGNORECASE)
_AGE_NOUN = re.compile(r"\b(?:age[ds]?|old|yo|y\.o\.)\b", re.IGNORECASE)  # what names an age, not a bound
_MEASURED_TIME = phrase_regex(load("cues")["measured_times"]["words"])
_CHAINED = re.compile(r"(?:\s*(?:,|or|and)\s*[<>≤≥=]{1,2}\s*[-−]?\d+(?:[.,]\d+)?)+")  # "> 1 or < -1 on the RASS"
_REPORTING = phrase_regex(load("cues")["reporting_verbs"]["words"])
_CALENDAR_UNITS = frozenset({"a", "mo", "wk", "d", "h"})
_LASTING = re.compile(r"\s+(?:lasting|persisting|persistent|ongoing|present)$", re.IGNORECASE)
#: a word after a time that says what the time is and names nothing: "(at least 6 months out)" after an
#: event, "of at least 3 months duration" (not "3 months duration of therapy", which names the therapy)
_AGO = re.compile(r"\s+(?:ago|out\b(?!\s+of)|(?:in\s+)?duration\b(?!\s+of))\b", re.IGNORECASE)
#: a count or a rate, which names no event a window could bound: "more than once in the 3 weeks",
#: "1 cigarette per |day| in the 30 days"
_COUNT_ONLY = re.compile(
    r"(?:\s|\b(?:more|less|fewer|than|once|twice|thrice|times?|per|a|an|each|every|day|days|week|weeks|month|months"
    r"|year|years|or|at|least|most)\b|\d+)+",
    re.IGNORECASE,
)
#: a time since an event: "at least 4 weeks since prior chemotherapy", "at least 42 days must have elapsed
#: after the completion of any type of immunotherapy"; a time that has elapsed is a wash-out whatever
#: the event's words ("elapsed"), one that "must" have elapsed a requirement (``required``), and the
#: completion or end of a treatment is the treatment
_SINCE = re.compile(
    r"\s*(?:(?P<elapsed>(?P<required>(?:must|should|shall|will)\s+)?(?:(?:have|has)\s+)?(?:been\s+)?(?:elapsed|passed)\s+"
    r"(?:since|after|from))|since)\s+(?:the\s+)?(?:(?:completion|end|discontinuation|cessation|last\s+dose)\s+of\s+)?"
    r"(?:the\s+)?(?P<washout>(?:(?:any|prior|previous|last|latest|most\s+recent)\s+)*)(?:(?:type|kind|form)s?\s+of\s+)?",
    re.IGNORECASE,
)
#: where an event named after a time since it stops: what follows is excepted from it
_BUT = re.compile(r"\s+(?:other\s+than|except|excluding|apart\s+from|besides)\b", re.IGNORECASE)
_PRESSURE = re.compile(r"pressure|\b[sd]?bp\b", re.IGNORECASE)
_BOTH_PRESSURES = re.compile(r"^(?:systolic\s*/\s*diastolic|sbp\s*/\s*dbp)\b\s*", re.IGNORECASE)


def without_unreadable_limits(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """``atoms`` with each clause that writes a limit no reading is safe for ("Hemoglobin < < 11
    g/dL", "Platelets > inf", "mg/dL/kg/m2/h") made one review leaf that says what is wrong."""
    for start, end, why in unreadable(text):
        first = max((m.end() for m in _CLAUSE_EDGE.finditer(text, 0, start)), default=0)
        last = next((m.start() for m in _CLAUSE_EDGE.finditer(text, max(start + 1, end - 1))), len(text))
        first, last = trim(text, first, max(last, first + 1))
        kept = [a for a in atoms if a.end <= first or a.start >= last]
        reason = f"a limit no reading is safe for: {why}"
        atoms = [*kept, _Atom(first, last, Unstructured(text=text[first:last], reason=reason, span=(first, last)))]
    return sorted(atoms, key=lambda a: a.start)


#: Where a clause of a list ends: a broken limit takes its clause, not the criterion, out of reading.
_CLAUSE_EDGE = re.compile(r"[;,]|\.(?:\s|$)")


def limit_atoms(text: str, entities: Spans) -> list[_Atom]:
    atoms: list[_Atom] = []
    floor = 0
    previous: tuple[tuple[int, int], bool] | None = None  # last variable span, and whether it was age
    ahead: _Atom | None = None  # a window said before the value it bounds: "Current (within 3 months) HbA1c"
    axes = [m.span() for m in (*context.AXIS_PHRASE.finditer(text), *context.SPINE_LEVELS.finditer(text))]
    axes += [m.span() for m in ASIDE.finditer(text)]  # "(if yes hold for 6 weeks)": what the site does, no limit
    # "glucose >200 mg/dL (once or more times/week during the last month)": how often names no variable
    often = [m.end() for m in context.IGNORE_FREQUENCY.finditer(text)]
    for limit in find_limits(text):
        floor = max([floor, *(end for end in often if end <= limit.start)])
        if any(s <= limit.value_span[0] and limit.value_span[1] <= e for s, e in axes):
            continue  # "stage 4 or more chronic kidney disease", "C3 to C7": a stage or a site, not a limit
        _add_limit_entities(text, limit, entities)
        before, after = text[max(0, limit.start - 60) : limit.start], text[limit.end : limit.end + 40]
        op_text = span_text(text, limit.operator_span) if limit.operator_span else ""
        since = _SINCE.match(text, limit.end) if limit.is_time else None
        event = variables.right(text, since.end()) if since else None
        if event and (but := _BUT.search(text, event[0])) and but.start() < event[1]:
            event = (event[0], but.start()) if but.start() > event[0] else None  # "immunotherapy| other than"
        if event:  # "at least 4 weeks since prior chemotherapy": how long ago the event was
            washout = bool(since["washout"] or since["elapsed"])
            atoms.append(_since(limit, event, washout, bool(since["required"]), text, entities))
            floor, previous = event[1], None
            continue
        var, inherited = _variable(text, limit, floor, previous)
        if var and limit.is_time and (cue := _LASTING.search(text, var[0], var[1])) and cue.start() > var[0]:
            var = (var[0], cue.start())  # "low back pain lasting at least 3 months": the pain lasts
        cued_time = limit.is_time and context.is_temporal(before, after, op_text)
        if not inherited and not _is_age(limit, span_text(text, var) if var else "", text, cued_time):
            var = entities.variable(text, var, limit, floor)  # an age stays one, whatever was tagged before it
        if cued_time and inherited and _windowless(atoms):
            _attach_window(atoms, limit, _temporal(limit, text, before, after, op_text, entities))
            floor = limit.end
            continue  # "LVEF <= 40% within the last 12 months": when the value was measured
        var_text = span_text(text, var) if var else ""
        ages_too = limit.unit in (None, *_CALENDAR_UNITS) and not limit.multiplier_of  # not "≥ 50%" after an age
        if (inherited and previous and previous[1] and ages_too) or _is_age(limit, var_text, text, cued_time):
            atom = _age(limit, var, text, entities, inherited)
            previous = (var or (limit.start, limit.end), True)
        elif _is_temporal(limit, var_text, cued_time):
            temporal = _temporal(limit, text, before, after, op_text, entities)
            if var is None and _windowless(atoms):
                _attach_window(atoms, limit, temporal)
                floor = limit.end
                continue  # "mycophenolate 2-3 g/d for at least 3 months": the dose has lasted
            atom, previous = _temporal_presence(limit, var, text, temporal, entities), None
            if var is not None and context.RECENT_VALUE.fullmatch(var_text + " "):
                ahead, floor = atom, limit.end  # its value comes next
                continue
        elif var is not None:
            atom = _comparisons(limit, var, text, floor, entities, inherited)
            lead = variables.left(text, limit.start, floor) if var[0] >= limit.end else None
            if lead and variables.is_generic(span_text(text, lead)):  # "Subject scores ≥ 26 on the IIEF": the
                atom = _Atom(min(atom.start, lead[0]), atom.end, atom.rule)  # generic words are the limit's own
            previous = (var, False)
            if ahead is not None and atom.rule.type == "comparison" and atom.rule.temporal is None:
                window = ahead.rule.temporal
                atom = _Atom(ahead.start, atom.end, atom.rule.model_copy(update={"temporal": window}))
                ahead = None
        elif (counted := counted_variable(limit.unit)) is not None:  # "<10 WBC per HPF": urine white cells
            span = (limit.start, limit.end)
            bound = Comparison(
                variable=counted, kind="measurement", **_bound_of(limit), unit_text=limit.unit_text, span=span
            )
            atom = _Atom(limit.start, limit.end, bound)
        else:
            floor = limit.end
            continue
        if ahead is not None:  # the window bounds no value after all: it stays a phrase of its own
            atoms.append(ahead)
            ahead = None
        atoms.append(atom)
        floor = limit.end
    if ahead is not None:
        atoms.append(ahead)
    return _share_age_words(text, atoms)


def lend_windows(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """A window that names nothing of its own bounds the phrase before it in the same sentence:
    "steroid use currently or within the past one month", "erythrocyte transfusion, within 8 weeks"."""
    lent: list[_Atom] = []
    for atom in atoms:
        rule = atom.rule
        bare = rule.type == "presence" and rule.temporal is not None and rule.concept.span == rule.temporal.span
        same_sentence = bool(lent) and not re.search(r"[.;]", text[lent[-1].end : atom.start])
        if bare and same_sentence and (both := scope.window_after_duration(lent[-1], atom, rule.temporal)):
            lent[-1] = both  # "corticosteroids for 14 days within the last 3 months": lasted so long, so recently
        elif bare and same_sentence and _has_bare_presence(lent[-1].rule):
            lent[-1] = _Atom(lent[-1].start, atom.end, with_temporal(lent[-1].rule, rule.temporal))
            k = len(lent) - 2  # "Prednisone or steroid use currently or within...": the whole list
            while k >= 0 and _OR_GAP.fullmatch(text[lent[k].end : lent[k + 1].start]):
                if not _has_bare_presence(lent[k].rule):
                    break
                lent[k] = _Atom(lent[k].start, lent[k].end, with_temporal(lent[k].rule, rule.temporal))
                k -= 1
        else:
            lent.append(atom)
    return lent


_OR_GAP = scope.OR_GAP


def _has_bare_presence(rule: Rule) -> bool:
    """Whether a presence leaf in ``rule`` has no window yet."""
    return any(leaf.type == "presence" and leaf.temporal is None for leaf in leaves(rule))


def _windowless(atoms: list[_Atom]) -> bool:
    """Whether the last atom is a comparison or presence with no window yet."""
    return bool(atoms) and getattr(atoms[-1].rule, "temporal", True) is None


def _attach_window(atoms: list[_Atom], limit: Limit, temporal: Temporal) -> None:
    last = atoms[-1]
    atoms[-1] = _Atom(last.start, limit.end, last.rule.model_copy(update={"temporal": temporal}))


def _variable(text: str, limit: Limit, floor: int, previous) -> tuple[tuple[int, int] | None, bool]:
    """The span of the variable ``limit`` bounds, and whether it is the previous limit's.

    The phrase before the limit wins when it names a measurement; else a measurement named just
    after it ("≥ 140 mmHg systolic"), or what is counted ("≥ 2 previous regimens").
    """
    if limit.is_time and (tail := context.DURATION_TAIL.match(text, limit.end)):
        of = _DURATION_OF.match(text, tail.end())  # "1 month's duration of symptoms", "diabetes of 5 years' duration"
        return (of and variables.right(text, of.end())) or variables.left(text, limit.start, floor), False
    if limit.is_time and (of := _DURATION_OF.match(text, limit.end) or scope.lasting_noun(text, limit.end)):
        measured = variables.right(text, of.end())
        if measured and _MEASURED_TIME.search(span_text(text, measured)):
            return measured, False  # "≥ 37 weeks of gestation", "at least 5 years of disease duration"
        lasted = variables.right(text, _LEAD_TIME.match(text, of.end()).end())  # "of prior conservative treatment"
        lasted = scope.what_was_taken(text, lasted) or lasted  # "weeks of treatment with steroids": the steroids
        left = variables.left(text, limit.start, floor)
        lead = left is None or scope.names_nothing(
            span_text(text, left)
        )  # "a history of more than two weeks treatment"
        if lasted and lead and not _OF_AGE.match(text, limit.end):
            return lasted, False  # "At least six weeks of prior conservative treatment": how long it lasted
    # "patients that older than 18 treated for ...": an operator that says age counts nothing after it
    counts = not (limit.operator_span and _AGE_WORD.search(span_text(text, limit.operator_span)))
    counts = counts and limit.unit is None and not limit.multiplier_of
    if counts and limit.value2 is None and limit.operator in (">=", ">"):
        thing = variables.counted_after(text, limit.end)  # "use of one or more of the listed medications"
        if thing and context.has_content(span_text(text, thing)):
            return thing, False
    var = variables.left(text, limit.start, floor)
    if var and variables.is_generic(span_text(text, var)):
        # "a score of 24 on the MMSE", "MMSE with a score of 24"
        var = (
            variables.named_after(text, limit.end)
            or ((chain := _CHAINED.match(text, limit.end)) and variables.named_after(text, chain.end()))
            or variables.named_before(text, var, floor)
            or _adjacent_after(text, limit)  # "Stage 1-3 Parkinson's disease"
            or var
        )
    by_unit = _counted_by_unit(text, limit)
    if by_unit and not (var and re.fullmatch(r"\W*", text[var[1] : limit.start])):
        return by_unit, False  # "symptoms (CNS-2; with <5 WBC per uL)", "CSF with <5 WBC per uL": the cells counted
    if var and variables.measurement_like(span_text(text, var)):
        return var, False
    instrument = variables.instrument_after(text, limit.end)
    if instrument and (var is None or "(" in text[var[1] : limit.start] or _REPORTING.search(span_text(text, var))):
        return instrument, False  # "pain (> 3 on a 0-10 pain scale)", "as indicated by a 5 on the GDS"
    after = _adjacent_after(text, limit)
    if after and var and (variables.is_repetition(text, after) or variables.is_generic(span_text(text, after))):
        return var, False  # "resistance training more than 2 times weekly", "ASA 1 to 3 class"
    labelled = var is not None and text[var[1] : limit.start].strip() == ":"
    if after and limit.unit == "%" and (var is None or labelled):
        return after, False  # "> 10% immature forms", "teratozoospermia: < 4% normal forms": a share of what follows
    counted = counts and (limit.value2 is None or var is None)
    if after and (variables.measurement_like(span_text(text, after)) or counted):
        return after, False
    if var is None and (opened := open_brackets(text, limit.start)):
        var = variables.left(text, opened[-1], min(floor, opened[-1]))  # "weight loss (by report, > 5 lbs)"
    named_after = after is not None and text[after[0]].isalpha()  # "< 2 mm intraarticular stepoff"
    if var is None and not named_after and previous is not None and len(text[floor : limit.start].split()) <= 4:
        return previous[0], True  # "Age >= 21 and <= 60 years", "SBP >= 140 or < 100 mmHg": the same variable
    if var is None and not _is_age(limit, "", text):  # an age names itself: "older than 18 years"
        var = variables.right(text, limit.end) or variables.counted_after(text, limit.end)  # "100 ml of urine"
    return var, False


def _counted_by_unit(text: str, limit: Limit) -> tuple[int, int] | None:
    """The measurement a count unit names ("5 WBC per uL", "10 blasts/mm3"), when it is one: the unit
    says what is counted better than a phrase before it that measures nothing."""
    if not (limit.unit and limit.unit.startswith("{") and limit.unit_span) or implied_variable(limit.unit):
        return None  # a unit the lexicon names a variable for says it better ("WBC per HPF": urine cells)
    word = re.match(r"[A-Za-z]{2,}", text[limit.unit_span[0] : limit.unit_span[1]])
    if word is None or not variables.measurement_like(word[0], strict=True):
        return None
    return limit.unit_span[0], limit.unit_span[0] + word.end()


def _adjacent_after(text: str, limit: Limit) -> tuple[int, int] | None:
    """The phrase right after a limit, with nothing between, when it says something."""
    after = variables.right(text, limit.end)
    if after and not text[limit.end : after[0]].strip() and context.has_content(span_text(text, after)):
        return after
    return None


def _add_limit_entities(text: str, limit: Limit, entities: Spans) -> None:
    spans = [("value", limit.value_span), ("unit", limit.unit_span), ("operator", limit.operator_span)]
    entities.extend(span_entity(t, s, text) for t, s in spans if s)


def _is_age(limit: Limit, var_text: str, text: str, cued_time: bool = False) -> bool:
    """An age limit, said by the words ("aged", "18 years old", "older than 18", "of age"), or, when
    no temporal cue says otherwise, by who it bounds ("adults >= 18 years") or by a bare number of
    years. "Transplants less than one year old" and "sexually active with males in the past 3
    months" are not ages."""
    if limit.unit not in (None, "a", "mo", "wk", "d", "h") or limit.multiplier_of:
        return False
    if limit.unit and _DURATION_OF.match(text, limit.end):
        return False  # "less than 5 years of music training" is how long, not how old
    if var_text and _AGE_WORD.search(var_text) and not re.search(r"gestation|bone|menarche", var_text, re.I):
        return True
    if limit.unit and _OF_AGE.match(text, limit.end):
        return True  # "onset of deafness (< 3 years of age)", "infants > 1 month of age"
    if limit.operator_span and re.search(r"\bage\b", span_text(text, limit.operator_span), re.I):
        return True  # "diagnosed with type 1 diabetes before the age of 30": the comparator names the age
    person = bool(var_text) and bool(PERSON.search(var_text))
    if var_text and not person:
        return False
    if limit.unit and _AGE_TAIL.match(text, limit.end):
        return True  # "a child at least 6 months old"
    bare = limit.unit is None and 1 <= limit.value <= 120 and text[: limit.start].rstrip().endswith(var_text)
    if person and bare and PERSON_ONLY.fullmatch(var_text):
        return True  # "Any patient ≥ 18 who presents for a colonoscopy", not "at least one child"
    op_text = span_text(text, limit.operator_span) if limit.operator_span else ""
    if _AGE_WORD.search(op_text) or (limit.unit == "a" and _AGE_WORD.search(text[limit.start : limit.end + 12])):
        return True  # "under the age of 18", "older than 18", "12 or older", "18 years old"
    return not cued_time and limit.unit == "a"  # "adults (>= 18 years)", "over 18 years"


def _is_temporal(limit: Limit, var_text: str, cued_time: bool) -> bool:
    """A time limit on when something happened, not a measured duration.

    "Life expectancy < 3 months" and "NIKBUT < 10 sec" are measured; "chemotherapy within 3
    months" and "recent (< 1 week) infection" bound an event in time.
    """
    if not limit.is_time or _MEASURED_TIME.search(var_text):
        return False
    if cued_time:
        return True  # "smoking within 60 days prior", "HbA1c less than 12 weeks prior to": when, not how much
    if var_text and variables.measurement_like(var_text, abbreviations=False):
        return False
    return limit.unit in _CALENDAR_UNITS


def _age(limit: Limit, var, text: str, entities: Spans, inherited: bool) -> _Atom:
    word = _AGE_WORD.search(span_text(text, var)) if var else None
    named = (var[0] + word.start(), var[1]) if word else None  # "women aged": "women" is a sex, not the age
    if named is None and not inherited:
        named = _age_noun_before(text, limit.start)  # "Age of both genders from 18 to 75 years"
    span = (limit.start, limit.end) if inherited or not named else named
    tail = _AGE_TAIL.match(text, limit.end)
    if tail and span[1] == limit.end:  # "18 years of age", "45 years-old"
        span = (span[0], tail.end())
    if not inherited:
        entities.append(span_entity("age", span, text))
    start, end = min(span[0], limit.start), max(span[1], limit.end, tail.end() if tail else 0)
    leaf = Demographic(
        attribute="age",
        operator=limit.operator,
        value=limit.value,
        value2=limit.value2,
        unit=limit.unit or "a",
        span=(start, end),
        variable_span=named or span,
    )
    return _Atom(start, end, leaf)


def _age_noun_before(text: str, pos: int) -> tuple[int, int] | None:
    """The last word naming the age in the few words before ``pos``, within the clause."""
    window = text[max(0, pos - 40) : pos]
    window = window[max(window.rfind(c) for c in ";.,:(") + 1 :]
    nouns = list(_AGE_NOUN.finditer(window))
    return (pos - len(window) + nouns[-1].start(), pos - len(window) + nouns[-1].end()) if nouns else None


def _share_age_words(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """Bounds written together share the word that makes them ages: in "≥ 3 and ≤ 18 years of age"
    both bound the "age"; each takes the first such word at or after it in the run, else the last."""
    runs: list[list[int]] = []
    for i, atom in enumerate(atoms):
        is_age = isinstance(atom.rule, Demographic) and atom.rule.attribute == "age"
        gap = text[atoms[i - 1].end : atom.start] if i else ""
        if is_age and runs and runs[-1][-1] == i - 1 and len(gap.split()) <= 3 and not re.search(r"[;.]", gap):
            runs[-1].append(i)
        elif is_age:
            runs.append([i])
    for run in (r for r in runs if len(r) > 1):
        start, end = atoms[run[0]].start, atoms[run[-1]].end
        words = [(m.start(), m.end()) for m in _AGE_NOUN.finditer(text, start, end)]
        for i in run:
            leaf = atoms[i].rule
            word = next((w for w in words if w[0] >= leaf.span[0]), words[-1] if words else (start, end))
            atoms[i] = _Atom(atoms[i].start, atoms[i].end, leaf.model_copy(update={"variable_span": word}))
    return atoms


def _bound_of(limit: Limit) -> dict:
    return {"operator": limit.operator, "value": limit.value, "value2": limit.value2, "unit": limit.unit}


def _temporal(limit: Limit, text: str, before: str, after: str, op_text: str, entities: Spans) -> Temporal:
    measure, direction = context.temporal_direction(before, after, op_text)
    bound = _bound_of(limit)
    if washout(before, after, op_text):  # "for 30 days prior to screening": when, not how long
        measure, direction, bound = "window", "past", bound | {"operator": "<="}
    span = (limit.start, limit.end)
    if free := disease_free.active_bound(text, limit.start, limit.operator, op_text):  # "unless disease free"
        measure, direction, bound, span = "active", "past", bound | {"operator": free[0]}, (free[1], limit.end)
    entities.append(span_entity("temporal", (limit.start, limit.end), text))
    return Temporal(measure=measure, direction=direction, **bound, text=span_text(text, span), span=span)


def _temporal_presence(limit: Limit, var, text: str, temporal: Temporal, entities: Spans) -> _Atom:
    if var is None:
        var = (limit.start, limit.end)
    start, end = min(var[0], limit.start), max(var[1], limit.end)
    if ago := _AGO.match(text, end):
        end = ago.end()  # "diagnosed at least 1 year ago", "of 3 months duration": the word says when
    reason = context.unstructured_reason(span_text(text, var))
    if reason:  # "participation in another trial within 30 days"
        return review_atom(text, start, end, reason)
    if _COUNT_ONLY.fullmatch(text, *var):  # "more than once in the 3 weeks": how often, not what
        first, last = trim(text, start, end)
        return _Atom(first, last, Unstructured(text=text[first:last], reason=NO_CONCEPT, span=(first, last)))
    if lead := undertakings.done_by_person(text, clause_start(text, var[0]), var[0]):  # "unable to sit ... for 2 h"
        return review_atom(text, *trim(text, lead[0], end), lead[1])
    named = (var[0], limit.start) if var[1] <= limit.start else var  # with the brackets between them
    if (listed := concept_tree(text, named, entities)) is not None:  # "cancer (other than skin cancer) in 5 years"
        return _Atom(start, end, with_temporal(listed, temporal))
    if (state := denied_states.lasting(text, start, limit.start)) is not None:
        # "therapy that has not been stable for at least 3 months": the stability is short, not the therapy long
        presence = presence_leaf(text, var, entities)
        qualifiers = list(dict.fromkeys([*presence.qualifiers, state]))
        return _Atom(start, end, presence.model_copy(update={"span": (start, end), "qualifiers": qualifiers}))
    presence = presence_leaf(text, var, entities, temporal=temporal).model_copy(update={"span": (start, end)})
    return _Atom(start, end, presence)


def _since(limit: Limit, event: tuple[int, int], washout: bool, required: bool, text: str, entities: Spans) -> _Atom:
    """ "At least 1 year since last menses" is a wash-out: no menses within the last year. Without
    a wash-out cue ("any", "prior", "last", "elapsed") the event itself is asked for: "more than 6
    months since stroke onset" is a stroke more than 6 months ago. A wash-out the criterion requires
    ("At least 42 days must have elapsed after any immunotherapy") listed among exclusions excludes the
    event within the window: read as the inclusion it is worded as, it excluded everyone who was not
    treated in those days, and everyone treated ever once beside its heading ("IMMUNOTHERAPY:")."""
    entities.append(span_entity("temporal", (limit.start, limit.end), text))
    washout = washout and limit.operator in (">", ">=")
    operator = {">": "<=", ">=": "<"}[limit.operator] if washout else limit.operator
    bound = {**_bound_of(limit), "operator": operator}
    span = (limit.start, limit.end)
    temporal = Temporal(measure="window", direction="past", **bound, text=span_text(text, span), span=span)
    presence = presence_leaf(text, event, entities, temporal=temporal)
    if washout and not (required and entities.section == "exclusion"):
        presence = presence.model_copy(update={"negated": not presence.negated})
    start, end = min(limit.start, event[0]), max(limit.end, event[1])
    return _Atom(start, end, presence.model_copy(update={"span": (start, end)}))


def _comparisons(limit: Limit, var, text: str, floor: int, entities: Spans, inherited: bool) -> _Atom:
    spans = [(var, None)] if inherited else [(var, None), *variables.coordinated(text, var, floor)]
    made: list[Comparison] = []
    denied, said = False, spans[0][0][0]  # said: where the first variable's words begin, its cue included
    for i, (span, _) in enumerate(spans):
        cue = context.NEGATION.match(text, span[0], span[1])
        if i == 0 and cue and cue.end() < span[1] and text[cue.end()].isspace():
            rest = len(text[cue.end() : span[1]]) - len(text[cue.end() : span[1]].lstrip())
            denied, span = True, (cue.end() + rest, span[1])  # "Not drinking more than 2 drinks per day"
            spans[0] = (span, spans[0][1])
        recent = context.RECENT_VALUE.match(text, span[0], span[1])
        if recent and recent.end() < span[1]:  # "Current HbA1c >= 7%": a recent HbA1c
            span = (recent.end(), span[1])
            spans[i] = (span, spans[i][1])
        written = text[span[0] : span[1]]
        kind = entities.kind_at(span) or context.kind_of(written, "measurement", context.COMPARISON_KINDS)
        kind = "measurement" if kind == "demographic" else kind
        entities.append(span_entity(kind, span, text))
        made.append(
            Comparison(
                variable=written,
                kind=kind,
                **_bound_of(limit),
                unit_text=limit.unit_text,
                multiplier_of=limit.multiplier_of,
                span=(limit.start if inherited else min(span[0], limit.start), limit.end),
                variable_span=span,
                qualifiers=["current"] if recent else [],
            )
        )
    made.reverse()
    start = limit.start if inherited else min(made[0].span[0], limit.start, said)
    rules: list[Rule] = made if limit.diastolic is None else [_pressures(c, limit.diastolic) for c in made]
    connective = spans[-1][1]
    rule = rules[0] if len(rules) == 1 else All(args=rules) if connective == "and" else Any(args=rules)
    return _Atom(start, limit.end, Not(args=[rule]) if denied else rule)


def _pressures(comparison: Comparison, diastolic: float) -> Rule:
    """ "BP < 140/90" holds when both pressures are below; "BP > 140/90" when either is above.

    Each comparison names its part before the variable as written ("systolic BP"), or before
    "blood pressure" when the variable is what the pressure defines ("hypertension (> 160/100)").
    """
    written = _BOTH_PRESSURES.sub("", comparison.variable).strip()
    written = written if _PRESSURE.search(written) else "blood pressure"
    parts = [
        comparison.model_copy(update={"variable": f"systolic {written}"}),
        comparison.model_copy(update={"variable": f"diastolic {written}", "value": diastolic}),
    ]
    return All(args=parts) if comparison.operator in ("<", "<=") else Any(args=parts)


ASIDE = re.compile(load("cues")["asides"]["pattern"], re.IGNORECASE)
