"""Turn criteria into rule trees: text -> limits and phrases -> leaves -> logic.

``structure_text`` reads one criterion's own text. ``structure_criteria`` puts a trial's criteria
together: a parent's rule combines its children as its text says ("defined as:", "at least one
of", a trailing "or"), so CARE-SSc inclusion 2 becomes any(i, all(mRss > 15, at_least 1 of a, b, c)).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from trialsieve.extract import (
    agents,
    categories,
    context,
    denied_states,
    despite,
    distributed,
    event_counts,
    example_states,
    examples,
    fixed_names,
    methods,
    optional,
    post_modifiers,
    predicated,
    prefixes,
    relatives,
    scope,
    sex_lists,
    sites,
    undertakings,
    variables,
)
from trialsieve.extract.definitions import glosses, split_label, yardstick
from trialsieve.extract.grammar import Limit, find_limits, unreadable
from trialsieve.extract.lexicon import inverse, load, phrase_regex
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.extract.logic import combine, open_brackets, with_temporal
from trialsieve.extract.minors import minor_age
from trialsieve.extract.purposes import link_spans, purpose_end
from trialsieve.extract.refine import refine
from trialsieve.extract.relations import clause_start, default_model, logic_enabled
from trialsieve.extract.segment import is_cohort, is_heading, readable, segment, unmarked
from trialsieve.extract.titles import without_titles
from trialsieve.extract.trees import rebuild
from trialsieve.extract.undertakings import undertaking
from trialsieve.extract.units import ucum
from trialsieve.extract.vacuous import nothing_asked
from trialsieve.extract.washouts import periods, washout
from trialsieve.rules import (
    NO_CONCEPT,
    NOTHING_ASKED,
    All,
    Any,
    AtLeast,
    Comparison,
    Concept,
    Criterion,
    Demographic,
    Entity,
    Not,
    Presence,
    Rule,
    StructuredCriterion,
    Temporal,
    Unstructured,
    leaves,
    shifted,
    status_of,
)
from trialsieve.trial import StructuredTrial, Trial

if TYPE_CHECKING:
    from trialsieve.extract.relations import LogicModel
    from trialsieve.extract.tagger import EntityTagger

_AGE_WORD = phrase_regex(load("operators")["age_words"])
_PERSON = phrase_regex(load("cues")["persons"]["words"])
_LEAD_VERB = phrase_regex(load("cues")["lead_verbs"]["words"])  # "Is currently treated with": names nothing
_LEAD_TIME = re.compile(r"(?:(?:prior|previous|past|ongoing|continuous|stable)\s+)?", re.IGNORECASE)
_DURATION_OF = re.compile(r"\s+of\s+(?!age\b|old\b)", re.IGNORECASE)
_OF_AGE = re.compile(r"\s*of\s+age\b", re.IGNORECASE)
_AGE_TAIL = re.compile(r"[\s-]*(?:years?[\s-]*)?(?:of\s+age|old)\b", re.IGNORECASE)
_AGE_NOUN = re.compile(r"\b(?:age[ds]?|old|yo|y\.o\.)\b", re.IGNORECASE)  # what names an age, not a bound
_PERSON_ONLY = re.compile(
    rf"(?:(?:{_PERSON.pattern}|\b(?:all|the|only|healthy|adult|male|female|and|or|of|both|either|any|"
    r"sex|sexes|gender|genders)\b)[\s,/]*)+",
    re.IGNORECASE,
)
_MEASURED_TIME = phrase_regex(load("cues")["measured_times"]["words"])
_CHAINED = re.compile(r"(?:\s*(?:,|or|and)\s*[<>≤≥=]{1,2}\s*[-−]?\d+(?:[.,]\d+)?)+")  # "> 1 or < -1 on the RASS"
_REPORTING = phrase_regex(load("cues")["reporting_verbs"]["words"])
_CALENDAR_UNITS = frozenset({"a", "mo", "wk", "d", "h"})
_SEX_VALUE = inverse(load("cues")["sex"])  # "women" -> "female"
_SEX_WORD = phrase_regex(list(_SEX_VALUE))
_STATES = phrase_regex(load("cues")["sex_states"]).pattern
_SEX_STATE = re.compile(rf"\bnon-?\s?(?P<state>{_STATES})", re.IGNORECASE)
_SEX_PHRASE = rf"(?:\bnon-?\s?{_STATES}[\s,/]*(?:(?:and|or)\s+)?)*\b{_SEX_WORD.pattern}\b"
_SEX = re.compile(  # "Women only", "Male and non-pregnant female volunteers"
    r"^(?:(?:patients|subjects|participants|volunteers)\s+(?:of\s+)?)?(?:(?:only|healthy|adult)\s+)*"
    rf"(?P<first>{_SEX_PHRASE})(?:\s+only)?"
    rf"(?:\s*(?:,|and/or|and|or|&)\s*(?:(?:healthy|adult)\s+)*(?P<second>{_SEX_PHRASE}))?"
    r"(?:\s+(?:patients|subjects|participants|volunteers|adults))?$",
    re.IGNORECASE,
)
_LASTING = re.compile(r"\s+(?:lasting|persisting|persistent|ongoing|present)$", re.IGNORECASE)
_AGO = re.compile(r"\s+ago\b", re.IGNORECASE)
_SINCE = re.compile(
    r"\s*since\s+(?:the\s+)?(?P<washout>(?:(?:any|prior|previous|last|latest|most\s+recent)\s+)*)", re.IGNORECASE
)
_PRESSURE = re.compile(r"pressure|\b[sd]?bp\b", re.IGNORECASE)
_BOTH_PRESSURES = re.compile(r"^(?:systolic\s*/\s*diastolic|sbp\s*/\s*dbp)\b\s*", re.IGNORECASE)
_SPLIT_OR = re.compile(r"\s+(?:and/or|or)\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(r";|\.\s+(?=[A-Z])")
_LIST_SEPARATOR = re.compile(r",\s*(?:(?:and/or|or|and)\s+)?", re.IGNORECASE)
_FINAL_CONNECTIVE = re.compile(r",\s*(and/or|or|and)\s*$", re.IGNORECASE)
#: a list's "or" at the end of a piece whose last item a limit took: "A, B or |C within 6 months"
_DANGLING_OR = re.compile(r"[\s,]\s*(?:and/or|or|nor)\s*$", re.IGNORECASE)
_LEAD = re.compile(
    rf"\s*(?:{context.QUALIFIERS.pattern}(?!\s+to\b)|\b(?:any|an?|the|of|with|patients?|subjects?|participants?|individuals?|persons?|people|women|men|adults?|children|who|that|has|have|had|is|are|was|were|being)\b|[\s,:;(\-])",
    re.IGNORECASE,
)
_EDGE_JUNK = " \t\r\n,;:.-–—*•()[]"
_NON_SPLIT_BEFORE_OR = frozenset(load("cues")["or_joins_words"]["words"])
_FINDING_HEAD = re.compile(rf"\s+(?:{phrase_regex(load('cues')['finding_heads']['words']).pattern})", re.IGNORECASE)
_DRUG_HEAD = re.compile(rf"\s+(?:{phrase_regex(load('cues')['drug_heads']['words']).pattern})", re.IGNORECASE)


#: Longer than any tagged name: how far before a span to look for a name that overlaps it.
_LONGEST_NAME = 300
#: Entity types that name a clinical concept: what a presence leaf asks about.
_CONCEPT_TYPES = ("condition", "drug", "procedure", "observation")


@dataclass
class Extraction:
    """One criterion's own rule and the entity spans found in its text."""

    rule: Rule
    entities: list[Entity] = field(default_factory=list)


@dataclass
class _Spans:
    """The entity spans the grammar finds, beside the tagger's (``tagged``, None without a model).

    The grammar stays authoritative for numbers, operators and units; tagged spans give
    variables their kind, presence leaves their concept, and negation cues the grammar missed.
    """

    tagged: list[Entity] | None
    found: list[Entity] = field(default_factory=list)
    logic: LogicModel | None = None  # reads negation and how leaves relate; None: the cue lexicons do
    section: str = "unknown"
    given: list[Entity] | None = None  # the tagger's spans as it gave them, before ``_concept_spans`` mends them

    def append(self, entity: Entity) -> None:
        self.found.append(entity)

    def extend(self, entities) -> None:
        self.found.extend(entities)

    def inside(self, start: int, end: int, types=_CONCEPT_TYPES) -> list[Entity]:
        """Tagged entities of ``types`` that lie within ``start:end``."""
        return [e for e in self.starting(start, end) if e.type in types and e.end <= end]

    def starting(self, start: int, end: int) -> list[Entity]:
        """Tagged entities that start within ``start:end``: a bisection, so that asking once per leaf
        stays linear in a long criterion."""
        tagged = self._by_start
        return tagged[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    @cached_property
    def _by_start(self) -> list[Entity]:
        return sorted(self.tagged or (), key=lambda e: e.start)

    @cached_property
    def _starts(self) -> list[int]:
        return [e.start for e in self._by_start]

    def denied(self, text: str, start: int, end: int) -> bool:
        """Whether a tagged negation cue lies within ``start:end``; "non" in a name ("non-melanoma")
        is none, nor is a failure ("Failure to control seizures": the seizures are there), nor what
        the criterion does ("Will be excluded from study subjects with history of cancer")."""
        return any(
            not context.name_prefix(text, cue.start)
            and not context.NOT_DENYING.match(text, cue.start)
            and not context.EXCLUSION_WORDS.match(text, cue.start)
            for cue in self.inside(start, end, ("negation",))
        )

    def kind_at(self, span: tuple[int, int]) -> str | None:
        """The type of the first tagged concept overlapping ``span``."""
        near = self.starting(span[0] - _LONGEST_NAME, span[1])
        hits = (e for e in near if e.type in _CONCEPT_TYPES and span[0] < e.end)
        return next((e.type for e in hits), None)

    def variable(self, text: str, var: tuple[int, int] | None, limit: Limit, floor: int) -> tuple[int, int] | None:
        """The grammar's variable, unless it names no tagged concept and one sits just before the
        limit (same clause) or right after it: "Smokers (> 20 cigarettes per week)" bounds smokers.
        A definition cue starts the clause: in "Mild TBI as defined by a GCS of 13-15" the GCS is bounded."""
        if self.tagged is None:
            return var
        if var is not None and (var[0] >= limit.end or self.kind_at(var) is not None):
            return var  # named, or named after the limit on purpose: "a score of >= 3 on PANSS item P1"
        if var is not None and (cue := context.DEFINITION.search(text, floor, limit.start)) and cue.end() <= var[0]:
            floor = cue.end()
        clause = self.inside(floor, limit.start)
        before = [e for e in clause if ";" not in text[e.end : limit.start]]
        following = self.starting(limit.end, limit.end + _LONGEST_NAME)
        after = [e for e in following if e.type in _CONCEPT_TYPES and not text[limit.end : e.start].strip(" ,:-")]
        chosen = before[-1] if before else after[0] if after else None
        if chosen is None:
            return var
        glossing = [e for e in clause if _GLOSSED.fullmatch(text, e.end, chosen.start)]
        return ((glossing[-1] if glossing else chosen).start, chosen.end)  # "CHF (NYHA" is one concept

    def output(self) -> list[Entity]:
        """The tagger's entities, as it gave them, when there is a model, else the grammar's. The mends
        (a list item's modifier, a hyphenated adjective, a substance's use) serve the rule's concepts; as
        entity spans they part from LCT's convention (core strict F1 0.724 -> 0.703 on the test part)."""
        chosen = self.found if self.tagged is None else self.given if self.given is not None else self.tagged
        return sorted(chosen, key=lambda e: (e.start, e.end))


_DEFAULT = object()


def structure_text(
    text: str, section: str = "unknown", tagged: list[Entity] | None = None, logic: LogicModel | None = _DEFAULT
) -> Extraction:
    """The rule for one criterion's own text (children not included).

    ``tagged`` are the entity tagger's spans in ``text`` (``EntityTagger.tag``); without them the
    grammar and the kind lexicon work alone. ``logic`` is the logic model (default: the shipped
    one unless ``TRIALSIEVE_LOGIC=0``; None: connective words and cue lexicons decide).
    """
    if logic is _DEFAULT:
        logic = default_model() if logic_enabled() else None
    text = unmarked(text)  # "  -  Non-smoker": the raw line's marker is not its first word
    tagged = without_titles(text, tagged)  # "the "Value of Health" application" names an app
    tagged = denied_states.without_states(text, tagged)  # "not in remission": a state, not a concept
    mended = _concept_spans(text, _with_allergy_names(text, tagged))
    entities = _Spans(mended, logic=logic, section=section, given=tagged)
    if nothing_asked(text):  # "None", "N/A": the registry's field is filled, nothing is asked
        first, last = _strip(text, 0, len(text))
        rule = Unstructured(text=text[first:last], reason=NOTHING_ASKED, span=(first, last))
        return Extraction(rule, entities.output())
    if (minor := minor_age(text)) is not None:  # "Minor": under the age of majority
        return Extraction(minor, entities.output())
    if allowed := context.permission(text):  # "Prior neoadjuvant chemotherapy allowed" requires nothing
        first, last = _whole(text)
        return Extraction(Unstructured(text=text[first:last], reason=allowed, span=(first, last)), entities.output())
    if undertaking(text):  # "Agree to attempt intercourse at least 4 times per month": what is promised
        reason = context.unstructured_reason(text) or "willingness"
        return Extraction(_review(text, *_strip(text, 0, len(text)), reason).rule, entities.output())
    atoms = _limit_atoms(text, entities)
    atoms += _phrase_atoms(text, [(a.start, a.end) for a in atoms], entities)
    atoms = scope.lend_to_list(text, _lend_windows(text, sorted(atoms, key=lambda a: a.start)))
    atoms = prefixes.shared(text, atoms, section)  # "Pre or postoperative radiation": one concept per prefix
    atoms = event_counts.joined(atoms)  # "greater than one episode of major depression": the count and what it counts
    atoms = event_counts.counted(atoms)  # "History of suicide attempt > 1": the count and the attempt
    atoms = predicated.named(text, atoms)  # "Tumor (including size) must be measurable": a measurable tumour
    atoms = relatives.qualify(text, atoms)  # "sleep disorder which is not treated (OSA)": a state, not a denial
    atoms = despite.received(text, atoms)  # "not cured by surgery": the surgery was received, not denied
    atoms = distributed.distribute(text, atoms)  # "active hepatitis B and/or hepatitis C": both active
    atoms = methods.mark(text, atoms, entities.tagged)  # "Imaging (CT or MRI) shows that": how it is found
    atoms = methods.listed(text, atoms)  # "deficit confirmed by CT, MRI, or X-ray": all found by tests
    atoms = periods(text, atoms, section)  # "Washout period of 4 weeks for antidepressants": when last taken
    atoms = _without_unreadable_limits(text, atoms)
    atoms = sex_lists.lead_limits(text, atoms)  # "Men, at least 18 years of age": the men's age
    atoms = sex_lists.every_sex_after(text, atoms)  # "Hb ≥ 9 g/dL, male or female": both sexes, the limit stands
    if not atoms:
        first, last = _whole(text)
        rule: Rule = Unstructured(text=text[first:last], reason="no computable content found", span=(first, last))
        return Extraction(rule, entities.output())
    atoms, label = split_label(text, atoms)  # "Mild TBI as defined by a GCS of 13-15": the label over its definition
    rule, _ = combine(text, atoms, section, logic)
    rule = sex_lists.spliced(rule)  # all(male, age, ED), not all(all(male, age), ED)
    if label is not None:
        rule = All(args=[label, rule], confidence=getattr(rule, "confidence", None))
    rule = optional.settle(text, rule)  # "with or without antihypertensive medications": allowed, not asked
    rule = sites.lend(text, rule)  # "surgery or radiotherapy in pelvic region": both in the pelvic region
    rule = _allergens(text, _prohibited(text, section, rule))
    rule = refine(text, rule, tagged, section)  # sex-specific limits, ages at onset, durations
    return Extraction(rule, entities.output())


def _without_unreadable_limits(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """``atoms`` with each clause that writes a limit no reading is safe for ("Hemoglobin < < 11
    g/dL", "Platelets > inf", "mg/dL/kg/m2/h") made one review leaf that says what is wrong."""
    for start, end, why in unreadable(text):
        first = max((m.end() for m in _CLAUSE_EDGE.finditer(text, 0, start)), default=0)
        last = next((m.start() for m in _CLAUSE_EDGE.finditer(text, max(start + 1, end - 1))), len(text))
        first, last = _strip(text, first, max(last, first + 1))
        kept = [a for a in atoms if a.end <= first or a.start >= last]
        reason = f"a limit no reading is safe for: {why}"
        atoms = [*kept, _Atom(first, last, Unstructured(text=text[first:last], reason=reason, span=(first, last)))]
    return sorted(atoms, key=lambda a: a.start)


#: Where a clause of a list ends: a broken limit takes its clause, not the criterion, out of reading.
_CLAUSE_EDGE = re.compile(r"[;,]|\.(?:\s|$)")


def _with_allergy_names(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """The tagger's spans, with an allergy written allergen first ("Nut allergy", "penicillin
    allergy") as one condition: the allergen alone would be a drug the patient takes."""
    if tagged is None:
        return None
    named = [
        _entity("condition", found.span(), text)
        for found in _ALLERGY_NAME.finditer(text)
        if found[0].split()[0].lower() not in _NOT_ALLERGENS
    ]
    if not named:
        return tagged
    kept = [e for e in tagged if not any(a.start < e.end and e.start < a.end for a in named)]
    return sorted([*kept, *named], key=lambda e: (e.start, e.end))


def _prohibited(text: str, section: str, rule: Rule) -> Rule:
    """An exclusion written as the rule it enforces ("Subjects could not be on androgens or alpha
    blockers", "Patients must not have received ...") excludes those who are on them: the "not" says
    what is forbidden, not what excludes. Only a prohibition (a modal and a verb of having or taking)
    reads so; "cannot walk" is a state that excludes."""
    if section != "exclusion" or not _PROHIBITION.search(text):
        return rule
    if rule.type == "not":
        return rule.args[0]
    if rule.type == "presence" and rule.negated:
        return rule.model_copy(update={"negated": False})
    return rule


_PROHIBITION = re.compile(
    r"\b(?:must|should|could|may|shall|will)\s+not\s+(?:be|have|take|receive|use|undergo|participate|get)\b"
    r"|\b(?:is|are)\s+not\s+(?:allowed|permitted)\b",
    re.IGNORECASE,
)


def _concept_spans(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """The tagger's spans, mended where it often errs on real criteria: a substance's use it left
    untagged is named ("nicotine and/or tobacco user"), a spine level is no concept ("C3 to C7"), nor is
    the "therapy" that links a drug to its purpose ("PDE5 inhibitors for therapy of ED"), a
    hyphenated adjective built on a tagged word joins the concept after it ("Robot-assisted radical
    prostatectomy"), and a list item takes back the modifier the tagger cut off ("atrial or
    ventricular rhythm disturbances": the item is "ventricular rhythm disturbances")."""
    if not tagged:
        return tagged
    used = [
        _entity("observation", m.span(), text)
        for m in context.SUBSTANCE_USE.finditer(text)
        if not any(e.start < m.end() and m.start() < e.end for e in tagged)
    ]
    levels = [m.span() for m in context.SPINE_LEVELS.finditer(text)]
    levels += link_spans(text)  # "for therapy of ED": the therapy links the drug to its purpose
    spans = [
        e
        for e in sorted([*tagged, *used], key=lambda e: (e.start, e.end))
        if not any(s <= e.start and e.end <= end for s, end in levels)
    ]
    spans = post_modifiers.widened(text, agents.with_prefix(text, spans))  # "anti-tumor therapy", "carcinoma in situ"
    joined: list[Entity] = []
    for e in spans:
        hyphened = joined and joined[-1].type in _CONCEPT_TYPES
        if hyphened and context.HYPHEN_MODIFIER.fullmatch(text, joined[-1].end, e.start):
            e = _entity(e.type, (joined.pop().start, e.end), text)
        elif hyphened and (non := _non_kind_start(text, joined[-1], e)) is not None:
            joined.pop()
            e = _entity(e.type, (non, e.end), text)
        joined.append(e)
    listed = _with_states([_with_list_modifier(text, e, joined) for e in joined], text)
    # "and neck cancer" is "head and neck cancer": a fixed name is one concept's words
    return [
        e if e.type not in _CONCEPT_TYPES else _entity(e.type, fixed_names.widened(text, e.start, e.end), text)
        for e in listed
    ]


#: the words between a "non-X" and the noun it qualifies: "non-melanoma| skin |cancer"
_BARE_NON = re.compile(r"(?<![\w-])non[-\s]?$", re.IGNORECASE)
_NON_KIND_GAP = re.compile(r"[ \t]+(?:[^\W\d_][\w-]*[ \t]+){0,2}")


def _non_kind_start(text: str, prev: Entity, e: Entity) -> int | None:
    """Where the "non-" starts when ``prev`` is the "X" of a "non-X" that names a kind of ``e``
    ("non-melanoma skin cancer": a skin cancer that is no melanoma), so the two are one concept from
    the "non-" on; apart, the tree would deny melanoma and ask for any skin cancer."""
    bare = _BARE_NON.search(text, max(0, prev.start - 4), prev.start)
    if bare is None or not _NON_KIND_GAP.fullmatch(text, prev.end, e.start):
        return None
    return bare.start() if context.name_non_before(text, bare.start(), e.start) == bare.start() else None


def _with_states(spans: list[Entity], text: str) -> list[Entity]:
    """``spans`` with a span that names only a state a disease is in ("Relapsed", "metastatic": words
    of ``concept_modifiers``) made part of the concept right after it when only words of a name stand
    between: "Relapsed non Hodgkin's lymphoma" is one concept, not a relapse beside a lymphoma; in
    "relapsed after chemotherapy" the state is the patient's."""
    out: list[Entity] = []
    for i, e in enumerate(spans):
        if out and out[-1].start < e.start < out[-1].end and out[-1] not in spans:  # within a state's concept
            continue
        state = e.type in _CONCEPT_TYPES and context.CONCEPT_MODIFIER.fullmatch(e.text)
        after = next((n for n in spans[i + 1 :] if n.type in _CONCEPT_TYPES), None) if state else None
        gap = text[e.end : after.start] if after is not None else ""
        words = re.findall(r"[^\W\d_][\w'’-]*", gap)
        if after is None or not _STATE_GAP.fullmatch(gap) or not all(_NAME_WORD.fullmatch(w) for w in words):
            out.append(e)
            continue
        # "impaired blood glucose": a finding in a state is a condition, though the tagger named an observation
        kind = e.type if (e.type, after.type) == ("condition", "observation") else after.type
        out.append(_entity(kind, (e.start, after.end), text))
    return out


#: what may stand between a state and its concept: "Relapsed| non Hodgkin's |lymphoma"
_STATE_GAP = re.compile(r"[ \t-]+(?:[^\W\d_][\w'’-]*[ \t-]+){0,3}")
#: a word of a disease's name between a state and the concept: "non", "Hodgkin's", "B-cell", "myeloid"
_NAME_WORD = re.compile(rf"non|[A-Z][\w'’-]*|[\w'’]+-[\w'’-]+|(?i:{context.SHARES_HEAD.pattern})")


def _with_list_modifier(text: str, e: Entity, spans: list[Entity]) -> Entity:
    """``e`` with the one modifier right after a list connective before it ("or ventricular"); a
    qualifier ("or severe") stays a qualifier, and a word another span holds stays its own."""
    near = max(0, e.start - 60)  # a connective and one word: searching further back only costs time
    found = _LISTED_MODIFIER.search(text, near, e.start) if e.type in _CONCEPT_TYPES else None
    if found is None or not context.SHARES_HEAD.match(found[2]) or context.QUALIFIERS.fullmatch(found[2]):
        return e
    if any(o.start < e.start and found.start(2) < o.end for o in spans):
        return e
    return _entity(e.type, (found.start(2), e.end), text)


_CONCEPT_TYPES = frozenset({"condition", "drug", "procedure", "observation"})
#: a list connective, then one word right before a tagged span: "... or ventricular |rhythm disturbances"
_LISTED_MODIFIER = re.compile(r"(,|\b(?:or|and|and/or|nor))\s+([^\W\d_][\w-]*)\s+$", re.IGNORECASE)


def _allergens(text: str, rule: Rule) -> Rule:
    """Each thing listed after "hypersensitivity to" or "allergy to" is an allergy to it: "Known
    hypersensitivity to lecithin (soya) or peanuts" asks for an allergy to peanuts, not for peanuts."""
    cues = list(_ALLERGY_HEAD.finditer(text))
    if not cues:
        return rule

    starts = [leaf.concept.span[0] for leaf in leaves(rule) if leaf.type == "presence" and leaf.concept.span]

    def allergen(leaf: Rule) -> Rule | None:
        if (head := _allergy_head(text, leaf, cues)) is not None:
            # the list's head noun: "Known hypersensitivity to" asks nothing beside its items; with no
            # item read after it ("to any component of the study drug") it is an allergy to those words
            items = [s for s in starts if head.end() <= s and _one_sentence(text, head.end(), s)]
            rest = examples.category_before(text, head.end(), items[0]) if items else None
            if items and rest is None:
                return None
            rest = rest or re.split(r"[;.]\s|,\s*(?:or|and)\s|\s(?:or|and)\s", text[head.end() :])[0].strip(" ,")
            concept = leaf.concept.model_copy(update={"text": f"allergy to {rest}" if rest else leaf.concept.text})
            return leaf.model_copy(update={"concept": concept})
        start = leaf.concept.span[0] if leaf.type == "presence" and leaf.concept.span else leaf.span[0]
        cue = next((c for c in reversed(cues) if c.end() <= start and _one_sentence(text, c.end(), start)), None)
        if cue is None or leaf.type not in ("presence", "unstructured"):
            return leaf
        if leaf.type == "unstructured" and leaf.reason != NO_CONCEPT:
            return leaf
        words = leaf.concept.text if leaf.type == "presence" else _text(text, _strip(text, *leaf.span))
        if context.EXAMPLES.fullmatch(words.strip(" ,.;:()")):
            return None  # "(eg, tazobactam, ...)": the cue of the examples names no allergen
        if _ALLERGIC.search(words):
            return leaf  # "intolerance", "drug allergy": its own head
        concept = Concept(text=f"allergy to {words}", kind="condition", span=(start, start + len(words)))
        if leaf.type == "presence":
            return leaf.model_copy(update={"concept": concept})
        return Presence(concept=concept, span=leaf.span)

    return rebuild(rule, allergen) or rule


def _one_sentence(text: str, start: int, end: int) -> bool:
    """Whether no sentence or clause ends between ``start`` and ``end``."""
    return _SENTENCE_END.search(text, start, end) is None


_SENTENCE_END = re.compile(r"[;.]\s")


def _allergy_head(text: str, leaf: Rule, cues: list[re.Match]) -> re.Match | None:
    """The allergy cue a presence leaf is the head noun of ("hypersensitivity" in "hypersensitivity to")."""
    if leaf.type != "presence" or not leaf.concept.span:
        return None
    start, end = leaf.concept.span
    return next((c for c in cues if start <= c.start() < end + 2 and c.end() > end), None)


def structure_texts(texts: list[str], sections: list[str], tagger: EntityTagger | None = None) -> list[Extraction]:
    """``structure_text`` for many criterion texts, tagged in one batched call."""
    tagged = tagger.tag(texts) if tagger else [None] * len(texts)
    return [structure_text(t, s, e) for t, s, e in zip(texts, sections, tagged, strict=True)]


def structure_trial(trial: Trial, tagger: EntityTagger | None = None) -> StructuredTrial:
    """Segment a trial's criteria text and structure every criterion."""
    criteria = structure_criteria(segment(trial.criteria_text), tagger, intervention_types(trial))
    return StructuredTrial(trial=trial, criteria=criteria)


def intervention_types(trial: Trial) -> dict[str, str]:
    """The trial's intervention names (lower case) and the entity type the registry gives them."""
    types = load("interventions")["types"]
    named = (i.partition(": ") for i in trial.interventions)
    return {name.lower(): types[kind] for kind, _, name in named if kind in types and name}


def structure_criteria(
    criteria: list[Criterion], tagger: EntityTagger | None = None, known: dict[str, str] | None = None
) -> list[StructuredCriterion]:
    """Rules for a trial's criteria; a parent's rule embeds its children's as its text says.

    ``known`` maps names to entity types the trial's registry record vouches for; they override
    the tagger's type for a tagged concept of that exact name.
    """
    texts = {c.id: readable(c.text) for c in criteria}  # "\\>" read as ">", offsets unchanged
    tagged = tagger.tag([texts[c.id] for c in criteria]) if tagger else [None] * len(criteria)
    if known:
        tagged = [t and [_retyped(e, known) for e in t] for t in tagged]
    own = {c.id: structure_text(texts[c.id], c.section, t) for c, t in zip(criteria, tagged, strict=True)}
    tagged_of = {c.id: t for c, t in zip(criteria, tagged, strict=True)}
    children: dict[str | None, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        children[criterion.parent].append(criterion)
    rules: dict[str, Rule] = {}

    def rule_of(criterion: Criterion, inherited: Temporal | None) -> Rule:
        """The criterion's rule; a window in a parent's text ("any of the following within 12 weeks")
        reaches its children."""
        kids = children.get(criterion.id)
        heading = is_heading(criterion.text)  # "DISEASE CHARACTERISTICS:", "Group 1:": a label asks nothing
        if heading and not kids:
            rules[criterion.id] = All(args=[]) if criterion.section != "exclusion" else Any(args=[])
            return rules[criterion.id]
        if not kids:
            rule = with_temporal(own[criterion.id].rule, inherited) if inherited else own[criterion.id].rule
            rules[criterion.id] = rule
            return rule
        cue = context.group_cue(criterion.text)
        head = criterion.text[: cue[2]] if cue else criterion.text
        window = next(
            (leaf.temporal for leaf in leaves(own[criterion.id].rule) if getattr(leaf, "temporal", None)), None
        )
        kid_rules = [shifted(rule_of(k, window or inherited), k.start - criterion.start) for k in kids]
        group = _group(criterion, cue, kids, kid_rules)
        own_tags = tagged_of[criterion.id]
        if heading:
            kept = []
        elif cue or criterion.text.rstrip().endswith(":"):
            kept = [
                leaf
                for leaf in leaves(structure_text(readable(head), criterion.section, _within(own_tags, head)).rule)
                if leaf.type in ("comparison", "demographic")
            ]  # the rest is the label being defined
        else:
            kept = [own[criterion.id].rule]
        rules[criterion.id] = All(args=[*kept, group]) if kept else group
        return rules[criterion.id]

    for root in children.get(None, []):
        rule_of(root, None)
    return [StructuredCriterion(**c.model_dump(), rule=rules[c.id], status=status_of(rules[c.id])) for c in criteria]


def _retyped(entity: Entity, known: dict[str, str]) -> Entity:
    kind = known.get(entity.text.lower()) if entity.type in _CONCEPT_TYPES else None
    return entity.model_copy(update={"type": kind}) if kind else entity


def _within(tagged: list[Entity] | None, head: str) -> list[Entity] | None:
    return None if tagged is None else [e for e in tagged if e.end <= len(head)]


def _group(parent: Criterion, cue: tuple[str, int, int] | None, kids: list[Criterion], kid_rules: list[Rule]) -> Rule:
    """How the children combine: the parent's cue, else the connective between them, else the section's default."""
    if cue and cue[0] == "at_least":
        return AtLeast(n=cue[1], args=kid_rules)
    cohorts = [r for k, r in zip(kids, kid_rules, strict=True) if is_cohort(k.text)]
    if len(cohorts) > 1:  # "Group 1: ...", "Group 2: ...": a patient belongs to one of the groups
        common = [r for k, r in zip(kids, kid_rules, strict=True) if not is_cohort(k.text)]
        return All(args=[*common, Any(args=cohorts)]) if common else Any(args=cohorts)
    op = cue[0] if cue and cue[0] in ("any", "all") else None
    if op is None and is_heading(parent.text):
        op = "any" if parent.section == "exclusion" else "all"  # a label's items: the section's default
    if op is None:
        tails = " ".join(k.text[-12:] for k in kids[:-1]).lower()
        if re.search(r"\b(?:and/or|or)\W*(?:\s|$)", tails):
            op = "any"
        elif re.search(r"\band\W*(?:\s|$)", tails):
            op = "all"
        elif cue and cue[0] == "definition":
            op = "any"
        else:
            op = "any" if parent.section == "exclusion" else "all"
    if len(kid_rules) == 1:
        return kid_rules[0]
    return Any(args=kid_rules) if op == "any" else All(args=kid_rules)


# --- limits ---------------------------------------------------------------------------------


def _limit_atoms(text: str, entities: _Spans) -> list[_Atom]:
    atoms: list[_Atom] = []
    floor = 0
    previous: tuple[tuple[int, int], bool] | None = None  # last variable span, and whether it was age
    ahead: _Atom | None = None  # a window said before the value it bounds: "Current (within 3 months) HbA1c"
    axes = [m.span() for m in (*context.AXIS_PHRASE.finditer(text), *context.SPINE_LEVELS.finditer(text))]
    axes += [m.span() for m in _ASIDE.finditer(text)]  # "(if yes hold for 6 weeks)": what the site does, no limit
    for limit in find_limits(text):
        if any(s <= limit.value_span[0] and limit.value_span[1] <= e for s, e in axes):
            continue  # "stage 4 or more chronic kidney disease", "C3 to C7": a stage or a site, not a limit
        _add_limit_entities(text, limit, entities)
        before, after = text[max(0, limit.start - 60) : limit.start], text[limit.end : limit.end + 40]
        op_text = _text(text, limit.operator_span) if limit.operator_span else ""
        since = _SINCE.match(text, limit.end) if limit.is_time else None
        event = variables.right(text, since.end()) if since else None
        if event:  # "at least 4 weeks since prior chemotherapy": how long ago the event was
            atoms.append(_since(limit, event, bool(since["washout"]), text, entities))
            floor, previous = event[1], None
            continue
        var, inherited = _variable(text, limit, floor, previous)
        if var and limit.is_time and (cue := _LASTING.search(text, var[0], var[1])) and cue.start() > var[0]:
            var = (var[0], cue.start())  # "low back pain lasting at least 3 months": the pain lasts
        cued_time = limit.is_time and context.is_temporal(before, after, op_text)
        if not inherited and not _is_age(limit, _text(text, var) if var else "", text, cued_time):
            var = entities.variable(text, var, limit, floor)  # an age stays one, whatever was tagged before it
        if cued_time and inherited and _windowless(atoms):
            _attach_window(atoms, limit, _temporal(limit, text, before, after, op_text, entities))
            floor = limit.end
            continue  # "LVEF <= 40% within the last 12 months": when the value was measured
        var_text = _text(text, var) if var else ""
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
            previous = (var, False)
            if ahead is not None and atom.rule.type == "comparison" and atom.rule.temporal is None:
                window = ahead.rule.temporal
                atom = _Atom(ahead.start, atom.end, atom.rule.model_copy(update={"temporal": window}))
                ahead = None
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


def _lend_windows(text: str, atoms: list[_Atom]) -> list[_Atom]:
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


_ITEM_END = re.compile(r"\s*(?:[,;]|\b(?:and/or|or|and)\b)", re.IGNORECASE)
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
        if measured and _MEASURED_TIME.search(_text(text, measured)):
            return measured, False  # "≥ 37 weeks of gestation", "at least 5 years of disease duration"
        lasted = variables.right(text, _LEAD_TIME.match(text, of.end()).end())  # "of prior conservative treatment"
        lasted = scope.what_was_taken(text, lasted) or lasted  # "weeks of treatment with steroids": the steroids
        left = variables.left(text, limit.start, floor)
        lead = left is None or scope.names_nothing(_text(text, left))  # "a history of more than two weeks treatment"
        if lasted and lead and not _OF_AGE.match(text, limit.end):
            return lasted, False  # "At least six weeks of prior conservative treatment": how long it lasted
    # "patients that older than 18 treated for ...": an operator that says age counts nothing after it
    counts = not (limit.operator_span and _AGE_WORD.search(_text(text, limit.operator_span)))
    counts = counts and limit.unit is None and not limit.multiplier_of
    if counts and limit.value2 is None and limit.operator in (">=", ">"):
        thing = variables.counted_after(text, limit.end)  # "use of one or more of the listed medications"
        if thing and context.has_content(_text(text, thing)):
            return thing, False
    var = variables.left(text, limit.start, floor)
    if var and variables.is_generic(_text(text, var)):
        # "a score of 24 on the MMSE", "MMSE with a score of 24"
        var = (
            variables.named_after(text, limit.end)
            or ((chain := _CHAINED.match(text, limit.end)) and variables.named_after(text, chain.end()))
            or variables.named_before(text, var, floor)
            or _adjacent_after(text, limit)  # "Stage 1-3 Parkinson's disease"
            or var
        )
    if var and variables.measurement_like(_text(text, var)):
        return var, False
    instrument = variables.instrument_after(text, limit.end)
    if instrument and (var is None or "(" in text[var[1] : limit.start] or _REPORTING.search(_text(text, var))):
        return instrument, False  # "pain (> 3 on a 0-10 pain scale)", "as indicated by a 5 on the GDS"
    after = _adjacent_after(text, limit)
    if after and var and (variables.is_repetition(text, after) or variables.is_generic(_text(text, after))):
        return var, False  # "resistance training more than 2 times weekly", "ASA 1 to 3 class"
    labelled = var is not None and text[var[1] : limit.start].strip() == ":"
    if after and limit.unit == "%" and (var is None or labelled):
        return after, False  # "> 10% immature forms", "teratozoospermia: < 4% normal forms": a share of what follows
    counted = counts and (limit.value2 is None or var is None)
    if after and (variables.measurement_like(_text(text, after)) or counted):
        return after, False
    if var is None and (opened := open_brackets(text, limit.start)):
        var = variables.left(text, opened[-1], min(floor, opened[-1]))  # "weight loss (by report, > 5 lbs)"
    named_after = after is not None and text[after[0]].isalpha()  # "< 2 mm intraarticular stepoff"
    if var is None and not named_after and previous is not None and len(text[floor : limit.start].split()) <= 4:
        return previous[0], True  # "Age >= 21 and <= 60 years", "SBP >= 140 or < 100 mmHg": the same variable
    if var is None and not _is_age(limit, "", text):  # an age names itself: "older than 18 years"
        var = variables.right(text, limit.end) or variables.counted_after(text, limit.end)  # "100 ml of urine"
    return var, False


def _adjacent_after(text: str, limit: Limit) -> tuple[int, int] | None:
    """The phrase right after a limit, with nothing between, when it says something."""
    after = variables.right(text, limit.end)
    if after and not text[limit.end : after[0]].strip() and context.has_content(_text(text, after)):
        return after
    return None


def _add_limit_entities(text: str, limit: Limit, entities: _Spans) -> None:
    spans = [("value", limit.value_span), ("unit", limit.unit_span), ("operator", limit.operator_span)]
    entities.extend(_entity(t, s, text) for t, s in spans if s)


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
    if limit.operator_span and re.search(r"\bage\b", _text(text, limit.operator_span), re.I):
        return True  # "diagnosed with type 1 diabetes before the age of 30": the comparator names the age
    person = bool(var_text) and bool(_PERSON.search(var_text))
    if var_text and not person:
        return False
    if limit.unit and _AGE_TAIL.match(text, limit.end):
        return True  # "a child at least 6 months old"
    bare = limit.unit is None and 1 <= limit.value <= 120 and text[: limit.start].rstrip().endswith(var_text)
    if person and bare and _PERSON_ONLY.fullmatch(var_text):
        return True  # "Any patient ≥ 18 who presents for a colonoscopy", not "at least one child"
    op_text = _text(text, limit.operator_span) if limit.operator_span else ""
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


def _age(limit: Limit, var, text: str, entities: _Spans, inherited: bool) -> _Atom:
    word = _AGE_WORD.search(_text(text, var)) if var else None
    named = (var[0] + word.start(), var[1]) if word else None  # "women aged": "women" is a sex, not the age
    if named is None and not inherited:
        named = _age_noun_before(text, limit.start)  # "Age of both genders from 18 to 75 years"
    span = (limit.start, limit.end) if inherited or not named else named
    tail = _AGE_TAIL.match(text, limit.end)
    if tail and span[1] == limit.end:  # "18 years of age", "45 years-old"
        span = (span[0], tail.end())
    if not inherited:
        entities.append(_entity("age", span, text))
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


def _temporal(limit: Limit, text: str, before: str, after: str, op_text: str, entities: _Spans) -> Temporal:
    measure, direction = context.temporal_direction(before, after, op_text)
    bound = _bound_of(limit)
    if washout(before, after, op_text):  # "for 30 days prior to screening": when, not how long
        measure, direction, bound = "window", "past", bound | {"operator": "<="}
    entities.append(_entity("temporal", (limit.start, limit.end), text))
    span = (limit.start, limit.end)
    return Temporal(measure=measure, direction=direction, **bound, text=_text(text, span), span=span)


def _temporal_presence(limit: Limit, var, text: str, temporal: Temporal, entities: _Spans) -> _Atom:
    if var is None:
        var = (limit.start, limit.end)
    start, end = min(var[0], limit.start), max(var[1], limit.end)
    if ago := _AGO.match(text, end):
        end = ago.end()  # "diagnosed at least 1 year ago": the word says when, it names nothing
    reason = context.unstructured_reason(_text(text, var))
    if reason:  # "participation in another trial within 30 days"
        return _review(text, start, end, reason)
    if lead := undertakings.done_by_person(text, clause_start(text, var[0]), var[0]):  # "unable to sit ... for 2 h"
        return _review(text, *_strip(text, lead[0], end), lead[1])
    named = (var[0], limit.start) if var[1] <= limit.start else var  # with the brackets between them
    if (listed := _concept_tree(text, named, entities)) is not None:  # "cancer (other than skin cancer) in 5 years"
        return _Atom(start, end, with_temporal(listed, temporal))
    if (state := denied_states.lasting(text, start, limit.start)) is not None:
        # "therapy that has not been stable for at least 3 months": the stability is short, not the therapy long
        presence = _presence(text, var, entities)
        qualifiers = list(dict.fromkeys([*presence.qualifiers, state]))
        return _Atom(start, end, presence.model_copy(update={"span": (start, end), "qualifiers": qualifiers}))
    presence = _presence(text, var, entities, temporal=temporal).model_copy(update={"span": (start, end)})
    return _Atom(start, end, presence)


def _review(text: str, start: int, end: int, reason: str) -> _Atom:
    """A leaf for a person to read, with the polarity its words give it ("unable to swallow")."""
    words = text[start:end]
    negated = context.denies_review(words, reason)
    return _Atom(start, end, Unstructured(text=words, reason=reason, negated=negated, span=(start, end)))


def _concept_tree(text: str, span: tuple[int, int], entities: _Spans) -> Rule | None:
    """The tree over the several concepts a limit's phrase names, as the phrase path builds it, or
    None for one concept: a window bounds the list, its exceptions and examples, not one fused leaf."""
    if entities.logic is None or len(entities.inside(*span)) < 2:
        return None
    pieces = _top_level_cuts(text, span[0], span[1], context.EXCEPTIONS)
    made = [a for s, e in pieces for a in _concept_atoms(text, s, e, [], entities)]
    if len(made) < 2:
        return made[0].rule if made else None  # one concept in several spans: "CHF (NYHA) class III"
    rule, _ = combine(text, made, entities.section, entities.logic)
    return rule


def _since(limit: Limit, event: tuple[int, int], washout: bool, text: str, entities: _Spans) -> _Atom:
    """ "At least 1 year since last menses" is a wash-out: no menses within the last year. Without
    a wash-out cue ("any", "prior", "last") the event itself is asked for: "more than 6 months
    since stroke onset" is a stroke more than 6 months ago."""
    entities.append(_entity("temporal", (limit.start, limit.end), text))
    washout = washout and limit.operator in (">", ">=")
    operator = {">": "<=", ">=": "<"}[limit.operator] if washout else limit.operator
    bound = {**_bound_of(limit), "operator": operator}
    span = (limit.start, limit.end)
    temporal = Temporal(measure="window", direction="past", **bound, text=_text(text, span), span=span)
    presence = _presence(text, event, entities, temporal=temporal)
    if washout:
        presence = presence.model_copy(update={"negated": not presence.negated})
    start, end = min(limit.start, event[0]), max(limit.end, event[1])
    return _Atom(start, end, presence.model_copy(update={"span": (start, end)}))


def _comparisons(limit: Limit, var, text: str, floor: int, entities: _Spans, inherited: bool) -> _Atom:
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
        entities.append(_entity(kind, span, text))
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


# --- phrases --------------------------------------------------------------------------------


def _phrase_atoms(text: str, covered: list[tuple[int, int]], entities: _Spans) -> list[_Atom]:
    """Presence and unstructured leaves for the text no limit accounts for."""
    mask = list(covered)
    for found in context.IGNORE.finditer(text):
        stop = re.search(r"[,;()]|\b(?:and|or|plus|with)\b", text[found.end() :])
        mask.append((found.start(), found.end() + (stop.start() if stop else len(text) - found.end())))
    mask += [found.span() for found in _STUDY_EVENT.finditer(text)]  # "prior to study injection" says when
    mask += [found.span() for found in _ASIDE.finditer(text)]  # "(prometrium contains peanut oil)" explains
    mask += glosses(text, entities.tagged)  # "Erectile dysfunction, defined as inability to achieve ..."
    for found in context.IGNORE_SENTENCE.finditer(text):  # a caveat sentence, from its start to its end
        begin = max((m.end() for m in re.finditer(r"[.;]\s", text[: found.start()])), default=0)
        stop = re.search(r"[.;](?:\s|$)", text[found.end() :])
        mask.append((begin, found.end() + (stop.start() if stop else len(text) - found.end())))
    clauses = [c for start, end in _uncovered(len(text), mask) for c in _clauses(text, start, end)]
    atoms = []
    for op, whole in clauses:
        if entities.logic is not None:  # the model joins every leaf; an exception cue ends a piece
            pieces = [piece for s, e in whole for piece in _top_level_cuts(text, s, e, context.EXCEPTIONS)]
            pieces = [piece for s, e in pieces for piece in _head_sharing_and(text, s, e, entities)]
            heads = _list_heads(text, pieces, entities)
            atoms += [
                a for s, e in pieces for a in (heads[s] if s in heads else _phrase_atom(text, s, e, covered, entities))
            ]
            continue
        made = [_excepted_piece(text, s, e, covered, entities) for s, e in whole]
        made = [a for a in made if a is not None]
        if len(made) > 1 and op == "any":
            atoms.append(_Atom(made[0].start, made[-1].end, Any(args=[a.rule for a in made])))
        else:
            atoms.extend(made)
    return atoms


def _excepted_piece(text: str, start: int, end: int, covered, entities: _Spans) -> _Atom | None:
    """Without a model: a piece's leaf, or all(base, not exception) when an exception cue splits it."""
    made = [
        a
        for s, e in _top_level_cuts(text, start, end, context.EXCEPTIONS)
        for a in _phrase_atom(text, s, e, covered, entities)
    ]
    if len(made) < 2:
        return made[0] if made else None
    rule, _ = combine(text, made, entities.section, None)
    return _Atom(made[0].start, made[-1].end, rule)


def _list_heads(text: str, pieces: list[tuple[int, int]], entities: _Spans) -> dict[int, list[_Atom]]:
    """Leaves for the bare modifiers of a list that share the head noun of the item they run into: in
    "No serious heart, lung, liver, or kidney disease", "heart" is heart disease; in "Active bacterial,
    fungal or viral infection not controlled by anti-microbial or anti-viral treatment" the list ends
    at the infection, not at the last piece. Keyed by the piece's start."""
    found: dict[int, list[_Atom]] = {}
    waiting: list[tuple[int, int, re.Match[str], list[Entity]]] = []  # bare modifiers before their head
    for start, end in pieces:
        word = re.search(r"([^\W\d_][\w-]*)\W*$", text[start:end])
        tagged = entities.inside(start, end)
        # an item with a name of its own is none; modifiers alone tagged ("Hypertrophic obstructive") are;
        # the last piece ends the list ("Hepatic or renal impairment": "impairment" is the head)
        bare = (start, end) != pieces[-1] and all(
            all(context.SHARES_HEAD.match(w) for w in e.text.split()) for e in tagged
        )
        if word is not None and _bare_word(word[1]) and bare and _only_modifiers(text, start, end):
            waiting += _bare_items(text, start, end, word, tagged)  # "serious neurological, psychological"
            continue
        head = _head_noun(text, start, tagged[0]) if waiting and tagged and _runs_into(text, start, tagged[0]) else None
        if head is None:
            waiting = []
            continue
        # the head's own state holds of the list: "bacterial, fungal or viral infection not controlled by ..."
        stop = re.search(r"[,;(]", text[tagged[0].end : end])  # its own phrase: not "..., moderate or severe X"
        after = context.QUALIFIERS.finditer(text, tagged[0].end, tagged[0].end + stop.start() if stop else end)
        states = [context.qualifier(m[0]) for m in after]
        for first, last, bare_word, named in waiting:
            concept = (
                (named[0].start, named[0].end) if named else (first + bare_word.start(1), first + bare_word.end(1))
            )
            words_of = f"{text[concept[0] : concept[1]]} {head}"  # "heart disease", "Hypertrophic obstructive ..."
            leaf = _presence(text, (first, last), entities, concept=concept, words=words_of)
            typed = leaf.concept.model_copy(update={"kind": tagged[0].type})
            lent = list(dict.fromkeys([*leaf.qualifiers, *(q for q in states if q in _TRAVELLING_STATES)]))
            made = _Atom(concept[0], concept[1], leaf.model_copy(update={"concept": typed, "qualifiers": lent}))
            found.setdefault(_piece_of(pieces, first), []).append(made)
        waiting = []
    return found


def _head_sharing_and(text: str, start: int, end: int, entities: _Spans) -> list[tuple[int, int]]:
    """The piece cut at each "and" that joins two modifiers of one head noun: "History of alcohol and
    drug abuse" lists alcohol abuse and drug abuse (in an exclusion, either excludes), as "alcohol or
    drug abuse" does; read whole, the tagger's "drug abuse" was all it asked. A kind (an organ, a
    substance, "autoimmune") lists; a state ("Symptomatic and untreated spinal cord compression")
    says two things of one concept, and is no list, but a slash between states gives alternatives
    ("Relapsed/refractory DLBCL"). The cut stands only where ``_list_heads`` gives every item before
    the last the head it shares."""

    def shares(text: str, pos: int, cut: int) -> bool:
        before = re.search(r"([^\W\d_][\w-]*)\s*$", text[pos:cut])
        after = _MODIFIER_AFTER_AND.match(text, cut, end)
        if before is None or after is None or "," in text[pos:cut]:  # a comma list is the list reading's to cut
            return False
        states = [bool(context.CONCEPT_MODIFIER.fullmatch(w)) for w in (before[1], after[1])]
        listed = all(states) if text[cut:].lstrip().startswith("/") else not states[0]
        return (
            listed
            and _bare_word(before[1])
            and _bare_word(after[1])
            and not any(  # one name across the "and", or a name of its own before it: "penile implant"
                e.start < cut < e.end or (e.end == pos + before.end(1) and len(e.text.split()) > 1)
                for e in entities.starting(cut - _LONGEST_NAME, cut)
            )
        )

    pieces = _top_level_cuts(text, start, end, _AND, shares)
    if len(pieces) < 2:
        return [(start, end)]
    heads = _list_heads(text, pieces, entities)
    return pieces if all(s in heads for s, _ in pieces[:-1]) else [(start, end)]


_AND = re.compile(r"\s+and\s+|\s*/\s*", re.IGNORECASE)
#: "and" (or a slash), a modifier, then the head noun it shares: " and |drug| abuse", "/|refractory| DLBCL"
_MODIFIER_AFTER_AND = re.compile(r"(?:\s+and\s+|\s*/\s*)([^\W\d_][\w-]*)[ \t-]+[^\W\d_]", re.IGNORECASE)


def _bare_items(text: str, start: int, end: int, word: re.Match[str], tagged: list[Entity]) -> list:
    """The bare modifiers of one piece: itself, or each of a comma list in it that a sentence for a
    person left unsplit ("serious neurological, psychological or psychiatric disorders which may ...")."""
    parts = _top_level_cuts(text, start, end, _LIST_SEPARATOR)
    words = [re.fullmatch(r"(?:.*\W)?([^\W\d_][\w-]*)\W*", text[s:e], re.DOTALL) for s, e in parts]
    if (
        tagged
        or len(parts) < 2
        or not all(w and _bare_word(w[1]) and _only_modifiers(text, *p) for w, p in zip(words, parts, strict=True))
    ):
        return [(start, end, word, tagged)]
    return [(s, e, w, []) for (s, e), w in zip(parts, words, strict=True)]


def _bare_word(word: str) -> bool:
    """A word that shares the next item's head ("neurological"), not a state of it ("serious")."""
    return bool(context.SHARES_HEAD.match(word)) and not context.QUALIFIERS.fullmatch(word)


def _runs_into(text: str, start: int, named: Entity) -> bool:
    """Whether the piece at ``start`` opens with ``named`` or only modifiers before it: the bare items
    run into its head ("..., or viral infection"), not into a clause ("..., if it relates to the area
    of reconstructive breast surgery")."""
    modifiers = context.CONCEPT_MODIFIER.sub(" ", text[start : named.start])  # "refractory B cell |Leukemia"
    words = re.findall(r"[^\W\d_][\w-]*", context.QUALIFIERS.sub(" ", modifiers))
    return all(w.lower() in ("or", "and", "nor", "other") or context.SHARES_HEAD.match(w) for w in words)


def _only_modifiers(text: str, start: int, end: int) -> bool:
    """Whether the piece ``text[start:end]`` ends in a modifier, not in a verb: "Has either not
    tolerated", "has failed" (a past participle after "has") share no head."""
    words = re.findall(r"[^\W\d_][\w-]*", text[start:end])
    return bool(words) and not (_PERFECT.search(text, start, end) and words[-1].lower().endswith("ed"))


_PERFECT = re.compile(r"\b(?:has|have|had|been)\b", re.IGNORECASE)


def _piece_of(pieces: list[tuple[int, int]], pos: int) -> int:
    """The start of the piece ``pos`` lies in."""
    return max(s for s, _ in pieces if s <= pos)


_TRAVELLING_STATES = frozenset(load("scope")["shared_qualifiers"]["qualifiers"])


_DISEASE_STATE = phrase_regex(load("cues")["concept_modifiers"]["states"])
_DISEASE_STATES_BEFORE = re.compile(rf"(?:(?:{_DISEASE_STATE.pattern})\s+)*", re.IGNORECASE)
#: the first word of the list's last item, before its concept: "or |refractory| acute myeloid leukemia"
_STATE_FIRST = re.compile(r"[\s,/]*(?:(?:and/or|or|and|nor)\s+)?([^\W\d_][\w-]*)\s+", re.IGNORECASE)


def _head_noun(text: str, start: int, named: Entity) -> str | None:
    """The head noun the list's bare modifiers share, from the first concept of the item they run
    into: "disease" of "kidney disease", "infection" of "viral infection" (the tagger named the
    infection alone); None when that concept is one word with no modifier of its own before it
    ("..., or kidney disease": the head is what follows the last item's modifier)."""
    words = text[named.start : named.end].split()
    if not words:
        return None
    state = _STATE_FIRST.match(text, start, named.start)
    if state is not None and _DISEASE_STATE.fullmatch(state[1]):
        # "Relapsed or |refractory acute myeloid leukemia": the states share all the words after theirs,
        # but a state of the last item's own stays its own ("or recurrent |metastatic| NSCLC")
        first = _DISEASE_STATES_BEFORE.match(text, state.end(), named.start).end()
        return text[first : named.end]
    before = re.search(r"(\w+)\s+$", text[start : named.start])
    modified = before and (context.SHARES_HEAD.match(before[1]) or context.QUALIFIERS.fullmatch(before[1]))
    if (fixed := fixed_names.leading(text, named.start, named.end)) is not None:  # "head and neck" is one word
        rest = text[fixed : named.end].strip()  # "Recurrent or metastatic |head and neck cancer": all of it
        return text[named.start : named.end] if modified or not rest else rest
    if len(words) == 1 and not modified:
        return None
    return " ".join(words[1:]) if len(words) > 1 else words[0]


def _phrase_atom(text: str, start: int, end: int, covered, entities) -> list[_Atom]:
    """The leaves for one piece of text no limit accounts for (none when it asks nothing)."""
    return (
        [a for a in [_phrase_leaf(text, start, end, covered, entities)] if a is not None]
        if (entities.logic is None or entities.tagged is None)
        else _concept_atoms(text, start, end, covered, entities)
    )


def _concept_atoms(text: str, start: int, end: int, covered, entities: _Spans) -> list[_Atom]:
    """One presence leaf per tagged concept in the piece, the logic model to join them: "No prior
    treatment with bevacizumab or other VEGF inhibitors" is two concepts, each negated. A concept
    the model reads as the same thing as the one before ("progressive disease (PD)") joins it."""
    leaf = _phrase_leaf(text, start, end, covered, entities)
    if leaf is not None and leaf.rule.type == "unstructured" and leaf.rule.reason == "risk":
        return _risk_atoms(text, leaf, covered, entities)
    if leaf is not None:  # what the leaf reads: after a defined label ("cardiac involvement consisting of")
        start = max(start, leaf.start)
    named = [e for e in entities.inside(start, end) if not text[e.start - 1 : e.start].isdigit()]  # not "2nd"
    kept = _before_modifier(text, named, start)
    methods: list[Entity] = []
    if len(kept) < len(named) and leaf is not None and leaf.rule.type == "presence":
        if not kept:
            return []  # "of evolution diagnosed by MRI": how its neighbour is found, nothing of its own
        cut = _JUDGED_BY.search(text, kept[-1].end, named[len(kept)].start).start()
        leaf = _Atom(leaf.start, leaf.end, _ending_before(text, leaf.rule, cut))
        methods = named[len(kept) :] if _FOUND_BY.match(text, cut) else []  # "thrombi diagnosed by echocardiography"
    named = kept
    if leaf is not None and leaf.rule.type == "unstructured" and named:
        return [_review_with_parts(text, leaf, named, entities)]
    opened = categories.before_examples(text, start, named) if named and leaf is not None else None
    if opened is not None and _ALLERGIC.search(text, 0, opened[0]):
        opened = None  # "hypersensitivity to ... excipients, including polysorbate": ``_allergens`` reads it
    if opened is not None and leaf.rule.type == "presence":  # "Any unstable systemic disease (eg, ...)": kept
        return _category_and_examples(text, start, end, opened, covered, entities)
    if leaf is None or leaf.rule.type != "presence" or len(named) < 2:
        if leaf is not None and not named and leaf.rule.type == "presence":  # "enrollment", "Patients with a"
            words = _text(text, leaf.rule.span)
            if not context.has_content(_LEAD_VERB.sub(" ", context.QUALIFIERS.sub(" ", _PERSON.sub(" ", words)))):
                return []  # "The patient is", "Have a history of": who and when, not what
            # the review keeps the polarity its words state ("No systemic disease", "Free of chronic
            # disease"): a reader, and anything built on the tree, sees that the lack is asked for
            review = Unstructured(text=words, reason=NO_CONCEPT, negated=leaf.rule.negated, span=leaf.rule.span)
            leaf = _Atom(leaf.start, leaf.end, review)
        return [_found_by(text, leaf, methods, entities)] if leaf is not None else []
    merged: list[list[Entity]] = [[named[0]]]
    for prev, cur in itertools.pairwise(named):
        kinds = (prev.type, cur.type)
        label, _ = entities.logic.pair(text, (prev.start, prev.end), (cur.start, cur.end), kinds, entities.section)
        glossed = re.fullmatch(r"\s*\(\s*", text[prev.end : cur.start]) and re.match(r"\s*\)", text[cur.end :])
        short = _ABBREVIATION.fullmatch(cur.text) or _ABBREVIATION.fullmatch(prev.text)
        # "progressive disease (PD)", "CHF (NYHA)"; "precancerous lesions", "NYHA class III or IV heart failure"
        if (short and (label == "same" or glossed)) or _one_phrase(text, prev, cur) or _site_of(text, prev, cur):
            merged[-1].append(cur)
        else:
            merged.append([cur])
    atoms = []
    for i, group in enumerate(merged):
        lo = start if i == 0 else merged[i - 1][-1].end
        hi = end if i == len(merged) - 1 else merged[i + 1][0].start
        concept = (group[0].start, _balanced_end(text, group[0].start, group[-1].end))
        if (gap := _ITEM_END.search(text, concept[1], hi)) is not None:
            hi = gap.start()  # "MI, unstable angina": a word after the comma qualifies the next item
        head = _shared_head(text, group, merged[i + 1] if i + 1 < len(merged) else None)
        phrase = len(group) > 1 and _one_phrase(text, group[-2], group[-1])
        leaf = _presence(
            text, (lo, hi), entities, concept=concept, words=head, kind=_head_kind(group) if phrase else None
        )
        atoms.append(_Atom(concept[0], concept[1], leaf))
    return [*atoms[:-1], _found_by(text, atoms[-1], methods, entities)]


#: what joins a risk to what is named before it: "History of stroke or | high risk of stroke"
_RISK_JOIN = re.compile(r"(?:[\s,;:]+|\b(?:or|and|with)\b)*", re.IGNORECASE)


def _risk_atoms(text: str, leaf: _Atom, covered, entities: _Spans) -> list[_Atom]:
    """A risk of something is not the thing ("Patients at high risk for cardiovascular disease" may
    have none): a review leaf from the cue to the piece's end, every concept after the cue the risk's
    ("at risk of hypokalemia or hyponatremia"), kept beside it with role ``risk``, which asks nothing;
    what an example cue names is an alternative to it ("a risk of GI bleeding such as peptic
    ulceration"), not a bracketed abbreviation. What is named before the cue is read as its own
    piece ("Caesarean section with a high risk of bleeding", "Hepatitis C as they may be more at
    risk of toxicity"), the logic model to join them."""
    found = context.review_cue(text[leaf.start : leaf.end], "risk")  # on the piece: its "^" is the piece's start
    if found is None:  # a limit's review, cut before its cue
        return [leaf]
    cue = range(leaf.start + found.start(), leaf.start + found.end())
    begin = _RISK_JOIN.match(text, cue.start).end()
    negated = leaf.rule.negated  # "No high risk of bleeding": the denial before the cue is the risk's
    review = Unstructured(text=text[begin : leaf.end], reason="risk", negated=negated, span=(begin, leaf.end))
    named = entities.inside(leaf.start, cue.start)  # "Patients screened at risk of": who, nothing named
    before = _concept_atoms(text, leaf.start, cue.start, covered, entities) if named else []
    example = context.EXAMPLES.search(text, cue.stop, leaf.end)  # "such as peptic ulceration"
    stop = leaf.end if example is None else example.start()
    named = entities.inside(cue.stop, stop)
    at_risk = _concept_tree(text, (cue.stop, stop), entities) if named else None  # the logic model joins them
    if named and at_risk is None:
        at_risk = _presence(text, (named[0].start, named[0].end), entities, concept=(named[0].start, named[0].end))

    def of_risk(found: Rule) -> Rule:  # what the risk is of asks nothing: "at risk of |hypokalemia or |hyponatremia"
        return found.model_copy(update={"role": "risk", "negated": False}) if found.type == "presence" else found

    risk: Rule = review if at_risk is None else All(args=[rebuild(at_risk, of_risk) or at_risk, review])
    if example is not None:
        listed = entities.inside(example.end(), leaf.end)
        lows = [example.end(), *(e.end for e in listed)]  # with the words before it: "low systolic blood pressure"
        made = [
            _presence(text, (lo, e.end), entities, concept=(e.start, e.end))
            for lo, e in zip(lows, listed, strict=False)
        ]
        risk = Any(args=[*made, risk]) if made else risk
    return [*before, _Atom(begin, leaf.end, risk)]


def _category_and_examples(text: str, start: int, end: int, opened, covered, entities: _Spans) -> list[_Atom]:
    """The atoms of a piece whose category the tagger left untagged before its examples: the category
    a leaf of its own, and any(category, examples), since an example satisfies its category; what
    follows the examples' bracket is read as before."""
    category = _presence_atom(text, *_strip(text, start, opened[0]), entities)
    rest = _concept_atoms(text, opened[1], end, covered, entities)
    stop = end if opened[2] is None else opened[2]
    listed = [a for a in rest if a.end <= stop]
    if not listed:
        return [category, *rest]
    if getattr(category.rule, "negated", False):  # "No other serious diseases (autoimmune disease, ...)": none
        rules = _rules(category, listed)
        plain = [r.model_copy(update={"negated": False}) if r.type == "presence" else r for r in rules]
        return [_Atom(category.start, listed[-1].end, Not(args=[Any(args=plain)])), *rest[len(listed) :]]
    lent = [_Atom(a.start, a.end, example_states.lend(text, category.rule, a.rule)) for a in listed]  # "severe"
    alternatives = Any(args=_rules(category, lent))
    return [_Atom(category.start, listed[-1].end, alternatives), *rest[len(listed) :]]


def _rules(first: _Atom, more: list[_Atom]) -> list[Rule]:
    return [first.rule, *(a.rule for a in more)]


def _review_with_parts(text: str, leaf: _Atom, named: list[Entity], entities: _Spans) -> _Atom:
    """A phrase for a person with the concepts that can be read in it. Examples given in brackets or
    after "such as" are alternatives to it: a patient with one of them has what it asks ("any
    condition that, in the opinion of the investigator, would place the subject at risk (e.g.,
    uterine fibroids)"; "condition that would increase the risk of neuromuscular blockade
    (myasthenia gravis, ...)"). A thing named by what it does ("medications that affect appetite")
    keeps what it does beside it, each a presence with role ``effect``, which asks nothing of its own.
    What a lack is put down to ("Inability to provide consent because of severe mental disorders")
    must be there beside it: all(cause, review), the lack's negation not reaching the cause.
    What is named before the lack ("Mental condition rendering the patients unable to understand",
    "Women of child-bearing age not willing to use ...") is who or what lacks: it is there beside it,
    all(holder, review), or any() when the lack is one more item of a list with them ("blind, deaf,
    unable to speak English", "altered mental status/inability to provide informed consent").
    The parts come first, so each names its own words."""
    rule = leaf.rule
    lack = context.lack_start(text, rule.reason, leaf.start, leaf.end) if rule.negated else None
    holders = [e for e in named if lack is not None and e.end <= lack]
    named = [e for e in named if e not in holders]
    if rule.reason in _UNDERTAKINGS or not named:  # "agree not to use ED drugs (including herbal ...)": promised
        return _held(text, leaf, holders, lack, entities)
    example_cue = context.EXAMPLES.search(text, leaf.start, leaf.end)
    depth = _bracket_depths(text, leaf.start, leaf.end)
    examples = [e for e in named if depth[e.start - leaf.start] > 0 or (example_cue and e.start >= example_cue.end())]
    cue = context.review_cue(text, "effect", leaf.start, leaf.end) if rule.reason == "effect" else None
    objects = [e for e in named if cue is not None and e.start >= cue.end() and e not in examples]

    def presences(found: list[Entity], role: str | None) -> list[Rule]:
        made = [_presence(text, (e.start, e.end), entities, concept=(e.start, e.end)) for e in found]
        if role is None:
            return made
        # what a thing does asks nothing of its own; its polarity says whether it is done or prevented
        # ("disability that would preclude exercise": the exercise is what cannot be done, not the
        # childbirth in "barriers that prevent normal communication before childbirth")
        starts = [leaf.start, *(e.end for e in found)]  # each object's words start after the one before
        prevented = [context.prevented(text, start, e.start) for start, e in zip(starts, found, strict=False)]
        return [p.model_copy(update={"role": role, "negated": n}) for p, n in zip(made, prevented, strict=True)]

    effects = presences(objects, "effect")
    core = rule if not effects else All(args=[effects[0] if len(effects) == 1 else Any(args=effects), rule])
    because = context.CAUSE.search(text, leaf.start, leaf.end) if rule.negated else None
    causes = [e for e in named if because and e.start >= because.end() and e not in examples and e not in objects]
    if causes:  # "Unable to answer the questions due to a cognitive impairment": the impairment is there
        made = [p.model_copy(update={"negated": False}) for p in presences(causes, None)]
        core = All(args=[made[0] if len(made) == 1 else Any(args=made), core])
    alternatives = presences(examples, None)
    made = _Atom(leaf.start, leaf.end, Any(args=[*alternatives, core]) if alternatives else core)
    return _held(text, made, holders, lack, entities)


#: what parts the items of a list: "blind, deaf, unable to speak English", "altered mental status/inability"
_ITEM_GAP = re.compile(r"\s*(?:/|,|,?\s*(?:or|and/or)\s)\s*", re.IGNORECASE)


def _held(text: str, leaf: _Atom, holders: list[Entity], lack: int | None, entities: _Spans) -> _Atom:
    """``leaf``, a review of a lack, beside the concepts named before the lack: they are there."""
    if not holders or lack is None:
        return leaf
    made = [_presence(text, (e.start, e.end), entities, concept=(e.start, e.end)) for e in holders]
    # "blind, deaf, unable to speak English": the lack is one more item of a list
    gaps = zip([e.end for e in holders], [*(e.start for e in holders[1:]), lack], strict=True)
    if all(_ITEM_GAP.fullmatch(text, *gap) for gap in gaps):
        return _Atom(leaf.start, leaf.end, Any(args=[*made, leaf.rule]))
    held = made[0] if len(made) == 1 else All(args=made)
    return _Atom(leaf.start, leaf.end, All(args=[held, leaf.rule]))


#: review reasons that name an undertaking: their examples are what is promised, not facts about the
#: patient (elsewhere they are: "unable to consent for other reason (e.g., cognitive deficit)")
_UNDERTAKINGS = frozenset({"willingness", "compliance"})


def _bracket_depths(text: str, start: int, end: int) -> list[int]:
    """How deep in brackets each character of ``text[start:end]`` lies."""
    depths, depth = [], 0
    for ch in text[start:end]:
        depth += ch == "("
        depths.append(depth)
        depth -= ch == ")" and depth > 0
    return depths


def _with_axes(text: str, start: int, end: int) -> tuple[int, int]:
    """The concept's span with the class, stage or grade written right before or after it: "stage 4
    or more chronic kidney disease", "CHF (NYHA) class III or greater"."""
    before = [
        m
        for m in context.AXIS_PHRASE.finditer(text, max(0, start - 80), start)  # a phrase or two before
        if not context.QUALIFIERS.sub("", text[m.end() : start]).strip()
    ]  # "stage 4 or more | chronic | kidney disease"
    after = context.AXIS_PHRASE.match(text, end + len(text[end:]) - len(text[end:].lstrip(" \t,")))
    return (before[-1].start() if before else start), (after.end() if after else end)


def _one_phrase(text: str, prev: Entity, cur: Entity) -> bool:
    """Whether two tagged spans are one noun phrase: nothing but a space between them, or a class,
    stage or grade ("NYHA class III or IV heart failure": NYHA names the scale, not a concept)."""
    if _ONE_PHRASE.fullmatch(text, prev.end, cur.start):
        return True
    axes = [m.span() for m in context.AXIS_PHRASE.finditer(text, max(0, prev.start - 1), min(len(text), cur.end + 1))]
    inside = any(s <= prev.start < e or s < cur.end <= e for s, e in axes)
    gap = context.AXIS_PHRASE.sub(" ", text[prev.end : cur.start])
    return inside and re.fullmatch(r"[\s()]*", gap) is not None


def _site_of(text: str, prev: Entity, cur: Entity) -> bool:
    """Whether ``cur`` is the body site of ``prev``, written right after it ("radiation to the testis",
    "cryotherapy of the prostate"): one concept, never radiation and, beside it, a testis."""
    return prev.type in _CONCEPT_TYPES and context.SITE_AFTER.fullmatch(text, prev.end, cur.end) is not None


def _head_kind(group: list[Entity]) -> str:
    """The kind of a phrase's head noun, the last span that is not a scale: "anti-cancer therapy" is a
    procedure, "heart failure NYHA" a condition."""
    return next((e.type for e in reversed(group) if e.type != "observation"), group[-1].type)


def _found_by(text: str, atom: _Atom, methods: list[Entity], entities: _Spans) -> _Atom:
    """``atom`` with the tests that found it beside it, each a leaf with role ``method``: all(concept,
    methods), so a test never stands as an alternative that any record of it would meet."""
    if not methods:
        return atom
    found = [
        _presence(text, (e.start, e.end), entities, concept=(e.start, e.end)).model_copy(
            update={"role": "method", "negated": False, "qualifiers": []}
        )
        for e in methods
    ]
    return _Atom(atom.start, max(atom.end, methods[-1].end), All(args=[atom.rule, *found]))


def _ending_before(text: str, leaf: Presence, cut: int) -> Presence:
    """``leaf`` with its concept's words ending before ``cut``: "Organic erectile dysfunction diagnosed
    by Doppler" names the dysfunction, not "dysfunction diagnosed"; nor "Lesions must be measurable
    by CT" the lesions "must be"."""
    first, last = leaf.concept.span or (cut, cut)
    if last <= cut or first >= cut:
        return leaf
    last = _strip(text, first, cut)[1]
    if (copula := _COPULA_END.search(text, first, last)) and copula.start() > first:
        last = copula.start()
    words = text[first:last] if leaf.concept.text == text[first : leaf.concept.span[1]] else leaf.concept.text
    return leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": words, "span": (first, last)})})


#: a verb that says what the concept before it is, at the end of its words: "Lesions| must be"
_COPULA_END = re.compile(r"(?:\s+(?:must|should|shall|will|can|to|be|is|are|been))+$", re.IGNORECASE)


def _before_modifier(text: str, named: list[Entity], start: int) -> list[Entity]:
    """The concepts before a phrase that only says how or where their neighbour is judged:
    "Sjögren's syndrome according to the classification criteria for Sjögren's syndrome". When the
    neighbour is untagged ("Primarily organic cause diagnosed by Doppler") no concept is left: the
    test says how the cause is found, it is no requirement (nor a drug) of its own."""
    if not named:
        return named
    cut = _JUDGED_BY.search(text, named[0].end, named[-1].start)
    if cut is None and (first := _FOUND_BY.search(text, start, named[0].start)) is not None:
        cut = first if context.has_content(_PERSON.sub(" ", text[start : first.start()])) else None
    if cut is None:
        return named
    return [e for e in named if e.start < cut.start()]


#: Phrases that say how a concept is judged; concepts after them belong to the judging, not the criterion.
_JUDGED_BY = phrase_regex([*load("cues")["judged_by"]["phrases"], *load("cues")["found_by"]["phrases"]])
#: Phrases that say how the concept before them is found: the tests after them are its methods.
_FOUND_BY = phrase_regex(load("cues")["found_by"]["phrases"])
_STUDY_EVENT = re.compile(load("cues")["study_events"]["pattern"], re.IGNORECASE)
_ASIDE = re.compile(load("cues")["asides"]["pattern"], re.IGNORECASE)
_ALLERGY_NAME = re.compile(load("cues")["allergy_names"]["pattern"], re.IGNORECASE)
_NOT_ALLERGENS = frozenset({"known", "any", "severe", "serious", "of", "with", "no", "or", "and", "an", "a", "the"})
_ALLERGIC = re.compile(r"\b(?:allerg|hypersensitiv|intoleran|anaphyla)", re.IGNORECASE)
_ALLERGY_HEAD = re.compile(load("cues")["allergy_heads"]["pattern"], re.IGNORECASE)
_EFFECT_SUBJECT = re.compile(load("scope")["effect_subjects"]["pattern"], re.IGNORECASE)
_MEETS_CRITERIA = re.compile(load("cues")["meets_criteria"]["pattern"], re.IGNORECASE)
_MODIFIER_WORD = (
    rf"(?:(?:type|stage|grade|class)\s+(?:[0-9]+[a-c]?|[ivx]+)|{context.HEAD_SHARING_WORDS.pattern}"
    rf"|{context.CONCEPT_MODIFIER.pattern})"
)
#: a list's connective right before a modifier: "locally advanced or |metastatic non-small cell ..." lists
#: states, which the list's reading gives the name; the last one alone would leave out the others
_LIST_BEFORE = re.compile(r"(?:,|/|\b(?:or|and|and/or|nor))\s*$", re.IGNORECASE)
#: a bare "non" opening a piece: ``context.NEGATION`` reads one only where it denies ("Non-smoking")
_NON_CUE = re.compile(r"non[-\s]?", re.IGNORECASE)
#: an organ, a type or stage, or words that make another concept of it, written right before a concept
_MODIFIER_BEFORE = re.compile(rf"(?<![\w-])((?:{_MODIFIER_WORD}\s+)*{_MODIFIER_WORD})\s+$", re.IGNORECASE)
_GLOSSED = re.compile(r"\s*\(\s*")  # what stands between a concept and its abbreviation or scale
#: a word, then a bare "type" or "form" right before a concept: "central type tumor", "diffuse type gastric cancer"
_AXIS_OWNER = re.compile(r"(?<![\w-])([^\W\d_][\w-]*)\s+(?:type|form)\s+$", re.IGNORECASE)
_ROMAN = re.compile(r"[ivx]+[a-c]?", re.IGNORECASE)
_ONE_PHRASE = re.compile(r"[ \t-]+")  # two tagged spans with only a space between are one noun phrase
_ABBREVIATION = re.compile(r"(?=\S*[A-Z])[\w./+-]{1,8}")
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|or|and|nor)\b)?\s*[,/]?\s*", re.IGNORECASE)


def _shared_head(text: str, group: list[Entity], following: list[Entity] | None) -> str | None:
    """The concept's words when it shares the next item's head noun: in "atrial or ventricular rhythm
    disturbances", "atrial" means atrial rhythm disturbances. A one-word item right before a longer
    one, with only a list connective between, takes the longer one's words after its first; before
    a noun the tagger named without its own modifier ("herniated or sequestered discs"), the noun."""
    if following is None or len(group) > 1 or not context.SHARES_HEAD.match(group[0].text):
        return None
    after = following[0].text.split()
    gap = text[group[0].end : following[0].start]
    if not gap.strip():
        return None
    connective = _LIST_GAP.match(gap)
    modifiers = gap[connective.end() :].split() if connective else []
    if modifiers and connective.end() > 0 and all(context.SHARES_HEAD.match(w) for w in modifiers):
        return f"{group[0].text} {following[0].text}"  # "herniated or sequestered discs": herniated discs
    if len(after) < 2 or _LIST_GAP.fullmatch(gap) is None:
        return None
    return f"{group[0].text} {' '.join(after[1:])}"


def _balanced_end(text: str, start: int, end: int) -> int:
    """``end``, moved past a closing bracket the span opened: "progressive disease (PD" takes its ")"."""
    stretch = text[start:end]
    return end + 1 if stretch.count("(") > stretch.count(")") and text[end : end + 1] == ")" else end


def _phrase_leaf(text: str, start: int, end: int, covered, entities) -> _Atom | None:
    """The leaf for one piece of text no limit accounts for, or None when it asks nothing."""
    if _is_gloss(text[start:end].strip(" \t\r\n,;.")):
        return None
    start, end = _strip(text, start, end)
    piece = text[start:end]
    if not context.has_content(piece) or context.QUALIFIERS.fullmatch(piece):
        return None  # "serious or significant cardiac disease": a qualifier alone is no item of the list
    if sex := _SEX.match(piece):
        return _Atom(start, end, _sexes(text, start, sex, entities))
    if context.ANCHOR.match(piece) or _PERSON_ONLY.fullmatch(piece) or (len(piece) > 3 and ucum(piece)):
        return None  # "at the time of consent" says when; "Adults" and a unit said twice ask nothing
    if _JUDGED_BY.match(piece):
        return None  # "according to the NIH Consensus definition (...)" says how its neighbour is judged
    if lead := _MEETS_CRITERIA.match(piece):  # "Compliance with the diagnostic criteria for abdominal obesity"
        start, piece = start + lead.end(), piece[lead.end() :]
    reason = context.unstructured_reason(piece)
    if reason:
        return _review(text, start, end, reason)
    if context.MODIFIER.match(piece):
        return None  # "by cardiac echocardiography" says how its neighbour is measured
    definition = context.DEFINITION.search(piece)
    if definition:  # "Liver failure defined as ...": the label is not itself a criterion
        if not context.has_content(piece[definition.end() :]):
            if not any(s >= end for s, _ in covered):
                return _presence_atom(text, start, end, entities)
            label = _presence_atom(text, *_strip(text, start, start + definition.start()), entities)
            return _Atom(label.start, label.end, label.rule.model_copy(update={"role": "defined"}))  # split_label
        if yardstick(piece, definition, start, entities.tagged):
            return _presence_atom(text, *_strip(text, start, start + definition.start()), entities)  # "mild TBI"
        start, end = _strip(text, start + definition.end(), end)
    return _presence_atom(text, start, end, entities)


def _sexes(text: str, offset: int, found: re.Match, entities: _Spans) -> Rule:
    """The sexes a piece admits: "Men and women" any sex; "Male and non-pregnant females" a male,
    or a female who is not pregnant."""
    admitted = []
    for group in ("first", "second"):
        if found[group] is None:
            continue
        start, end = offset + found.start(group), offset + found.end(group)
        word = list(_SEX_WORD.finditer(text, start, end))[-1]
        entities.append(_entity("sex", word.span(), text))
        sex = Demographic(attribute="sex", value_text=_SEX_VALUE[word[0].lower()], span=(start, end))
        states = [
            Presence(
                concept=Concept(text=s["state"], kind="condition", span=s.span("state")), negated=True, span=s.span()
            )
            for s in _SEX_STATE.finditer(text, start, word.start())
        ]
        admitted.append(All(args=[sex, *states]) if states else sex)
    if len(admitted) == 1:
        return admitted[0]
    if all(isinstance(a, Demographic) for a in admitted) and admitted[0].value_text != admitted[1].value_text:
        return Demographic(attribute="sex", value_text="all", span=(offset, offset + found.end()))
    return Any(args=admitted)


def _presence_atom(text: str, start: int, end: int, entities: _Spans) -> _Atom:
    return _Atom(start, end, _presence(text, (start, end), entities))


def _is_gloss(piece: str) -> bool:
    """A piece that is all one parenthesis, "(CD4 - cluster of differentiation 4)", explains; it asks
    nothing. One that opens with an exception or an example, "(other than basal cell carcinoma)",
    "(e.g. HIV)", names what counts."""
    whole = piece.startswith("(") and piece.endswith(")") and variables.matching_open(piece, len(piece) - 1, 0) == 0
    opening = piece[1:].lstrip()
    return whole and not (context.EXCEPTIONS.match(opening) or context.EXAMPLES.match(opening))


def _presence(
    text: str,
    span: tuple[int, int],
    entities: _Spans,
    temporal: Temporal | None = None,
    concept: tuple[int, int] | None = None,
    words: str | None = None,
    kind: str | None = None,
) -> Presence:
    """The presence leaf for ``span``; ``concept`` is the concept's own span when it is already known,
    ``words`` what it means when that differs from what is written there (a shared head noun),
    ``kind`` the kind of its head noun when it runs over several tagged spans."""
    start, end = span
    negated = False
    negation = context.NEGATION.match(text, start, end)
    if negation is None:  # a cue after who it is about: "Subject without a major hearing", "Patients with no"
        lead = start
        while (m := _LEAD.match(text, lead, end)) and m.end() > lead:
            lead = m.end()
        negation = context.NEGATION.match(text, lead, end) if lead > start else None
    if negation:
        negated = True
        entities.append(
            _entity("negation", (negation.end() - len(negation[0].lstrip(" \t-•*(")), negation.end()), text)
        )
        start = negation.end()
    cues = list(context.QUALIFIERS.finditer(text, span[0], end))
    qualifiers = [context.qualifier(cue[0]) for cue in cues]
    cue_starts = [cue.start() for cue in cues]
    while (m := _LEAD.match(text, start, end)) and m.end() > start:
        start = m.end()
    cut = min(
        (
            m.start()
            for m in (context.MODIFIER.search(text, start + 1, end), context.EXAMPLES.search(text, start + 1, end))
            if m and text[m.start() - 1] in " ("
        ),
        default=end,
    )
    if context.has_content(text[start:cut]):
        end = cut
    start, end = _strip(text, start, end)
    if start >= end:
        start, end = span
    named = entities.inside(*span)
    if not negated and entities.denied(text, span[0], named[0].start if named else start):
        negated = True  # a cue the grammar's list lacks: "free of", "negative for"
    if concept is not None:
        start, end = concept
        named = [e for e in named if start <= e.start and e.end <= end]
    elif len(named) == 1:  # the tagger's span names the concept; the rest is qualifiers and context
        start, end = named[0].start, named[0].end
    if consequence := context.CONSEQUENCE_BEFORE.search(text, max(span[0], start - 80), start):
        start = consequence.start()  # "toxicities from previous anticancer therapy": not the therapy alone
    if (on_site := sites.procedure_on(text, span[0], start, end)) is not None:
        start, kind = on_site, "procedure"  # "invasive treatment of prostate gland": a procedure, not the organ
    near = max(span[0], start - 60)  # a few words before the concept: searching further only costs time
    modifier = _MODIFIER_BEFORE.search(text, near, start) if entities.logic is not None else None
    if modifier and not context.QUALIFIERS.fullmatch(modifier[1]):
        start = modifier.start(1)  # "or kidney disease", "type 1 diabetes": the words that make the concept
        if (owner := _AXIS_OWNER.search(text, near, modifier.end())) and context.has_content(owner[1]):
            start = owner.start(1)  # "central type tumor": a bare "type" names the type the word before it says
    if (non := context.name_non_before(text, max(span[0], start - 60), start)) is not None:
        start = non  # "non-small cell lung cancer": the "non-" is part of the name, not a denial
        modifier = _MODIFIER_BEFORE.search(text, max(span[0], start - 60), start) if entities.logic else None
        listed = modifier and _LIST_BEFORE.search(text, max(0, modifier.start() - 12), modifier.start(1))
        if modifier and not listed and not context.QUALIFIERS.fullmatch(modifier[1]):
            start = modifier.start(1)  # "advanced non-small cell lung cancer": what kind of it, before its name
    if (sized := context.sized_start(text, max(span[0], start - 60), start, end)) is not None:
        start = sized  # "Major surgery": the kind of surgery, not how severe it was
        qualifiers = [q for cue, q in zip(cue_starts, qualifiers, strict=True) if not start <= cue < end]
    start, end = _with_axes(text, start, end)
    if (site := context.SITE_AFTER.match(text, end)) and site.end() <= span[1]:
        end = site.end()  # "malformation of the penis", "radiation therapy to pelvis": the site is part of it
    need = context.NEED_AFTER.match(text, end)
    if need and need.end() <= span[1] and not entities.starting(end, need.end()):
        end = need.end()  # "infections requiring hospitalization": not every infection
    start, end = fixed_names.widened(text, start, end)  # "head and neck cancer", "to the head or neck"
    kind = kind or (named[0].type if named else context.kind_of(text[start:end], "condition"))
    if purpose := purpose_end(text, end, kind, span[1], [(e.start, e.end) for e in named]):
        end = purpose  # "systemic therapy for advanced stage disease": what it was given for
    kind = "condition" if kind in ("measurement", "demographic") else kind
    if negation is not None and start < negation.end():
        negation, negated = None, False  # the cue is part of the concept's name: "unable to walk"
    if naive := context.NEGATION_SUFFIX.search(text, start, end):  # "Chemotherapy-naïve": never given
        end, negated = naive.start(), True
    if entities.logic is not None:  # the model reads negation the cue lexicon misses ("free of", "denies")
        # a cue word right before the first concept denies it ("No prior treatment with bevacizumab"), and
        # so does a "non" the cue lexicon says denies ("Non-smoking", "non-pregnant women"); other
        # prefixes ("non-operable", "untreated") and everything else are the model's to read
        cue = re.sub(r"^\W+", "", negation[0]).lower() if negation is not None else ""
        worded = negation is not None and (context.NEGATION_CUES.fullmatch(cue) or _NON_CUE.fullmatch(cue))
        tagged_cue = entities.denied(text, span[0], start)  # "have not been diagnosed with X"
        before = len(entities.inside(clause_start(text, start), start))
        negated = (
            bool(worded)
            or tagged_cue
            or naive is not None
            or entities.logic.negated(text, (start, end), kind, entities.section, before)[0]
        )
    if negated and context.only_states_denied(text, span[0], start):
        negated = False  # "Not well controlled diabetes": the "not" denies the control, not the diabetes
    if (head := _FINDING_HEAD.match(text, end)) and head.end() <= span[1] and not entities.starting(end, head.end()):
        end = head.end()  # "liver function abnormalities": the abnormality, not the function
    named_condition = kind == "condition" or text[start:end].isupper()
    if named_condition and (head := _DRUG_HEAD.match(text, end)):  # "ED medication" is a drug, not ED
        end, kind = head.end(), "drug"
    entities.append(_entity(kind, (start, end), text))
    lent = context.LENT_MODIFIER.search(text, 0, start) if context.LENT_HEAD.fullmatch(text, start, end) else None
    if words is None and lent:  # "investigational drug or procedure": the procedure is investigational too
        words = f"{lent[1]} {text[start:end]}"
    return Presence(
        concept=Concept(text=words or text[start:end], kind=kind, span=(start, end)),
        negated=negated,
        temporal=temporal,
        qualifiers=list(dict.fromkeys(qualifiers)),
        span=span,
    )


def _clauses(text: str, start: int, end: int) -> list[tuple[str, list[tuple[int, int]]]]:
    """Split at top-level ';' into clauses; each clause into its list items and how they join.

    "A, B, and/or C" and "A, B or C" are lists (any); "A or B" two alternatives, but not "acute or
    chronic", "in or around" or "stage 2 or 3", where "or" joins words inside one phrase. A clause
    that needs a person ("any condition that, in the opinion of the investigator, ...") stays whole.
    """
    result = []
    for c_start, c_end in _top_level_cuts(text, start, end, _CLAUSE_END):
        items = _top_level_cuts(text, c_start, c_end, _LIST_SEPARATOR)
        named = len(items) > 1 and _SEX_WORD.search(text, c_start, c_end)  # most clauses name no sex: one search
        sexes = [named and _SEX.match(_text(text, _strip(text, s, e))) is not None for s, e in items]
        others = [_SEX_WORD.search(text, s, e) for (s, e), sex in zip(items, sexes, strict=True) if named and not sex]
        if len(items) > 1 and any(sexes) and not any(others):  # not "Males, female patients of ...": two groups
            # "Age 18-75 years old, male or female, signed informed consent": the sexes are one item
            # of the list; cut at the "or" between them, the age and the consent were alternatives
            cuts = [_top_level_cuts(text, s, e, _SPLIT_OR, _splittable_or) for s, e in items]
            result.append(
                ("all", [c for (s, e), cut in zip(items, cuts, strict=True) for c in _sex_or(text, s, e, cut)])
            )
            continue
        if reason := context.unstructured_reason(text[c_start:c_end]):  # no comma lists in a sentence for a person
            cue = context.review_cue(text, "effect", c_start, c_end) if reason == "effect" else None
            generic = cue is not None and _EFFECT_SUBJECT.search(text, c_start, cue.end())
            objects = cue.end() if generic else c_end  # "Medications that affect appetite, weight, or sleep": all three
            if reason == "risk":  # "History of stroke or |high risk of hypokalemia or hyponatremia": both at risk
                objects = c_start + context.review_cue(text[c_start:c_end], reason).end()
            judging = _JUDGING.search(text, c_start, c_end) if reason == "investigator judgment" else None
            judged = judging.start() if judging else c_start

            def keep(text: str, pos: int, cut: int, objects: int = objects, judged: int = judged) -> bool:
                own = cut > judged or _opens_generic(text, cut) or context.unstructured_reason(text[cut:judged])
                return cut < objects and _splittable_or(text, pos, cut) and bool(own)

            result.append(("any", _top_level_cuts(text, c_start, c_end, _SPLIT_OR, keep)))
            continue
        final = _FINAL_CONNECTIVE.search(text, c_start, items[-1][0]) if len(items) > 1 else None
        if len(items) > 1 and not final:
            last = _top_level_cuts(text, *items[-1], _SPLIT_OR, _splittable_or)
            items = items[:-1] + last  # "HIV, hepatitis B or hepatitis C"
            # "Myocardial infarction, stroke or |life-threatening arrhythmia within 6 months": the list's
            # last item went to a limit, and its "or" still ends this part of the list
            final = len(last) > 1 or bool(_DANGLING_OR.search(text, items[-1][0], c_end))
        if final or (len(items) > 2 and all(len(text[s:e].split()) <= 5 for s, e in items)):
            op = "all" if final and not isinstance(final, bool) and final[1].lower() == "and" else "any"
            result.append((op, items))
            continue
        result.append(("any", _top_level_cuts(text, c_start, c_end, _SPLIT_OR, _splittable_or)))
    return result


_JUDGING = re.compile(load("scope")["judged_lists"]["judging"], re.IGNORECASE)
#: " or |any other condition that ...": an item after "or" that a generic subject opens
_GENERIC_ITEM = re.compile(rf"\s*(?:or\s+)?(?:[\w-]+\s+){{0,3}}?{_EFFECT_SUBJECT.pattern}", re.IGNORECASE)


def _opens_generic(text: str, cut: int) -> bool:
    """Whether the item after the "or" at ``cut`` is a generic thing ("any condition", "laboratory
    abnormality"): the investigator's judgment after it is about it alone ("History of stroke or any
    condition that in the opinion of the investigator would interfere"). After a named concept the
    judgment qualifies the whole list: "Cardiac disease or hypertension that in the opinion of the
    investigator makes participation unsafe", "Impairment of heart, hepatic or renal function to
    such an extent that ... in the opinion of the investigator": cut there, the first items were
    leaves of their own, and any cardiac disease excluded. An item with a reason of its own before the
    judgment is its own too: "Known allergy to penicillin or inability to tolerate the study drug as
    judged by the investigator" judges the inability, not the allergy."""
    return _GENERIC_ITEM.match(text, cut) is not None


def _sex_or(text: str, start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The item whole when it is a list of sexes ("male or female"), else its cuts."""
    return [(start, end)] if _SEX.match(_text(text, _strip(text, start, end))) else cuts


def _splittable_or(text: str, start: int, cut: int) -> bool:
    before = text[start:cut].split()
    if not before:
        return False
    word = before[-1].lower().strip(",")
    after = text[cut:].split(maxsplit=2)
    single_letters = len(word) == 1 and len(after) > 1 and len(after[1].strip(",;")) == 1  # "hepatitis B or C"
    numbered = word[-1:].isdigit() or _ROMAN.fullmatch(word)  # "stage 2 or 3", "class III or greater"
    return word not in _NON_SPLIT_BEFORE_OR and not numbered and not single_letters


def _top_level_cuts(text: str, start: int, end: int, pattern: re.Pattern[str], keep=None) -> list[tuple[int, int]]:
    """The pieces of ``text[start:end]`` between matches of ``pattern`` outside parentheses."""
    pieces, pos = [], start
    for found in pattern.finditer(text, start, end):
        if found.start() < pos or found.end() == found.start():
            continue
        before = text[start : found.start()]
        if before.count("(") > before.count(")") or (keep is not None and not keep(text, pos, found.start())):
            continue
        if fixed_names.inside(text, found.start()):  # "head and neck", "ear, nose and throat": one name, no list
            continue
        pieces.append((pos, found.start()))
        pos = found.end()
    pieces.append((pos, end))
    return [p for p in pieces if p[1] > p[0]]


def _uncovered(length: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps, pos = [], 0
    for start, end in sorted(covered):
        if start > pos:
            gaps.append((pos, start))
        pos = max(pos, end)
    if pos < length:
        gaps.append((pos, length))
    return gaps


def _whole(text: str) -> tuple[int, int]:
    """The span of ``text`` without its blank edges (a blanked list marker, trailing spaces)."""
    first = len(text) - len(text.lstrip())
    return first, max(first, len(text.rstrip()))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    # keep balanced parentheses: "infection (HIV, HTLV-1/2)" loses neither bracket
    while end < len(text) and text[start:end].count("(") > text[start:end].count(")") and text[end] == ")":
        end += 1
    if text[start:end].count(")") > text[start:end].count("(") and text[end - 1 : end] == ")":
        end -= 1
    for word in ("and/or", "and", "or", "with", "plus"):
        if text[start:end].lower().endswith(" " + word):
            end -= len(word) + 1
        if text[start:end].lower().startswith(word + " "):
            start += len(word) + 1
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK and text[end - 1] != ")":
        end -= 1
    return start, end


# --- logic ----------------------------------------------------------------------------------


def _text(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _entity(kind: str, span: tuple[int, int], text: str) -> Entity:
    return Entity(type=kind, start=span[0], end=span[1], text=text[span[0] : span[1]])
