"""Turn criteria into rule trees: text -> limits and phrases -> leaves -> logic.

``structure_text`` reads one criterion's own text. It assembles: the limits the grammar finds become
leaves (``limit_atoms``), the phrases left become clauses, list items and concept leaves (``clauses``,
``concepts``, ``presences``), and the steps after them each mend one construct over those leaves
(a window lent to a list, a prefix shared, a count joined to what it counts) before ``combine``
builds the logic. ``structure_criteria`` puts a trial's criteria together: a parent's rule combines
its children as its text says ("defined as:", "at least one of", a trailing "or"), so CARE-SSc
inclusion 2 becomes any(i, all(mRss > 15, at_least 1 of a, b, c)).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from trialsieve.extract import (
    adequate_functions,
    allowances,
    any_time,
    barred,
    changes,
    conditional_limits,
    context,
    denied_states,
    despite,
    disease_free,
    distributed,
    event_counts,
    example_kinds,
    methods,
    optional,
    others,
    past_events,
    predicated,
    prefixes,
    purposes,
    relatives,
    scope,
    serostatus,
    sex_lists,
    sites,
    someone_else,
    time_anchors,
    trailing_findings,
    treated_with,
    undertakings,
    unread_limits,
    unstated,
    waivers,
)
from trialsieve.extract.allergens import allergens
from trialsieve.extract.clauses import lend_taken_window, phrase_atoms
from trialsieve.extract.concept_spans import concept_spans, with_allergy_names
from trialsieve.extract.definitions import split_label
from trialsieve.extract.lexicon import load
from trialsieve.extract.limit_atoms import lend_windows, limit_atoms, without_unreadable_limits
from trialsieve.extract.logic import combine, excepting, with_temporal
from trialsieve.extract.lost_operators import restored
from trialsieve.extract.minors import minor_age
from trialsieve.extract.refine import refine
from trialsieve.extract.relations import default_model, logic_enabled
from trialsieve.extract.segment import about_someone_else, is_cohort, is_heading, readable, segment, unmarked
from trialsieve.extract.spans import CONCEPT_TYPES, Spans, review_atom, trim, whole_span
from trialsieve.extract.titles import without_titles
from trialsieve.extract.undertakings import undertaking
from trialsieve.extract.vacuous import nothing_asked
from trialsieve.extract.washouts import periods
from trialsieve.rules import (
    ANOTHER_PERSON,
    NOTHING_ASKED,
    PERMISSION,
    All,
    Any,
    AtLeast,
    Criterion,
    Entity,
    Not,
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


@dataclass
class Extraction:
    """One criterion's own rule and the entity spans found in its text."""

    rule: Rule
    entities: list[Entity] = field(default_factory=list)


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
    tagged = disease_free.without_states(text, tagged)  # "in remission for 6 months": the time of a state
    tagged = context.without_frequencies(text, tagged)  # "once or more times/week": how often, no concept
    mended = concept_spans(text, with_allergy_names(text, tagged))
    entities = Spans(mended, logic=logic, section=section, given=tagged)
    if nothing_asked(text):  # "None", "N/A": the registry's field is filled, nothing is asked
        first, last = trim(text, 0, len(text))
        rule = Unstructured(text=text[first:last], reason=NOTHING_ASKED, span=(first, last))
        return Extraction(rule, entities.output())
    if (minor := minor_age(text)) is not None:  # "Minor": under the age of majority
        return Extraction(minor, entities.output())
    if (bar := barred.find(text)) is not None:  # "Patients with active infection will not be included."
        return _barring(text, section, tagged, logic, bar)
    if (allowance := allowances.find(text)) is not None:  # "Major surgery within 30 days. Minor surgery is allowed."
        return _allowing(text, section, tagged, logic, allowance)
    # "Prior neoadjuvant chemotherapy allowed", "Nonmelanoma skin cancer ... is eligible" require nothing
    if allowed := PERMISSION if allowances.permits(text, section) else context.permission(text):
        first, last = whole_span(text)
        return Extraction(Unstructured(text=text[first:last], reason=allowed, span=(first, last)), entities.output())
    if undertaking(text):  # "Agree to attempt intercourse at least 4 times per month": what is promised
        reason = context.unstructured_reason(text) or "willingness"
        return Extraction(review_atom(text, *trim(text, 0, len(text)), reason).rule, entities.output())
    atoms = limit_atoms(text, entities)
    atoms += phrase_atoms(text, [(a.start, a.end) for a in atoms], entities)
    atoms = serostatus.named(text, atoms)  # "known seropositivity for HIV": HIV, known
    atoms = adequate_functions.each(text, atoms)  # "Adequate renal, hepatic, and cardiac function": all three
    atoms = example_kinds.lend(text, atoms, section)  # "Solid tumors such as breast, lung": breast tumors too
    atoms = scope.lend_to_list(text, lend_windows(text, sorted(atoms, key=lambda a: a.start)))
    atoms = lend_taken_window(text, atoms)  # "alcohol or drug abuse within 18 months, ...": both recent
    atoms = any_time.widened(text, atoms)  # "History or current nitrate use": nitrates at any time
    atoms = purposes.treated(text, atoms)  # "Use of any treatment for ED within 7 days": a drug for ED, not ED
    atoms = treated_with.named(text, atoms)  # "prior therapy with an anti-PD-1 agent": a prior anti-PD-1 agent
    atoms = prefixes.shared(text, atoms, section)  # "Pre or postoperative radiation": one concept per prefix
    atoms = event_counts.worded(text, atoms)  # "multiple anti-hypertensive medications": at least two
    atoms = event_counts.joined(atoms)  # "greater than one episode of major depression": the count and what it counts
    atoms = event_counts.counted(atoms)  # "History of suicide attempt > 1": the count and the attempt
    atoms = event_counts.denied(text, atoms)  # "Did not receive at least 2 cycles of chemotherapy": not(count)
    atoms = predicated.named(text, atoms)  # "Tumor (including size) must be measurable": a measurable tumour
    atoms = relatives.qualify(text, atoms)  # "sleep disorder which is not treated (OSA)": a state, not a denial
    atoms = someone_else.marked(text, atoms)  # "Men with a pregnant partner": the partner's state, not his
    atoms = despite.received(text, atoms)  # "not cured by surgery": the surgery was received, not denied
    atoms = changes.read(text, atoms)  # "a decrease in systolic blood pressure": readings compared, no one reading
    atoms = distributed.distribute(text, atoms)  # "active hepatitis B and/or hepatitis C": both active
    atoms = methods.mark(text, atoms, entities.tagged)  # "Imaging (CT or MRI) shows that": how it is found
    atoms = methods.measured(text, atoms)  # "LVEF >= 50% by echocardiogram or MUGA": how the value is measured
    atoms = methods.listed(text, atoms)  # "deficit confirmed by CT, MRI, or X-ray": all found by tests
    atoms = periods(text, atoms, section)  # "Washout period of 4 weeks for antidepressants": when last taken
    atoms = scope.lend_forward(text, atoms)  # "History of in last 6 months stroke, MI, ...": each recent
    atoms = without_unreadable_limits(text, atoms)
    atoms = sex_lists.lead_limits(text, atoms)  # "Men, at least 18 years of age": the men's age
    atoms = sex_lists.every_sex_after(text, atoms)  # "Hb ≥ 9 g/dL, male or female": both sexes, the limit stands
    atoms = conditional_limits.conditioned(
        text, atoms, entities.tagged, section
    )  # "(<= 5 x ULN with liver metastases)"
    if not atoms:
        first, last = whole_span(text)
        rule: Rule = Unstructured(text=text[first:last], reason="no computable content found", span=(first, last))
        return Extraction(rule, entities.output())
    atoms, label = split_label(text, atoms)  # "Mild TBI as defined by a GCS of 13-15": the label over its definition
    atoms = time_anchors.at_steps(text, atoms)  # "Age >= 18 at the time of signing informed consent": when
    atoms, window = time_anchors.cut(text, atoms)  # "... during the therapy or between ... and inclusion": when
    rule, _ = combine(text, atoms, section, logic)
    if window is not None:
        rule = All(args=[rule, window], confidence=getattr(rule, "confidence", None))
    rule = trailing_findings.joined(text, rule)  # "... and/or cancerous meningitis and obvious symptoms"
    rule = sex_lists.spliced(rule)  # all(male, age, ED), not all(all(male, age), ED)
    if label is not None:
        rule = All(args=[label, rule], confidence=getattr(rule, "confidence", None))
    rule = optional.settle(text, rule)  # "with or without antihypertensive medications": allowed, not asked
    rule = sites.lend(text, rule)  # "surgery or radiotherapy in pelvic region": both in the pelvic region
    rule = past_events.marked(text, rule, section)  # "recurrent HNSCC after chemoradiotherapy": it is over
    rule = others.marked(text, rule)  # "Other malignancy": besides the trial's own disease
    rule = unstated.marked(text, rule)  # "History of certain heart problems": which ones is not written
    rule = unread_limits.marked(text, rule)  # "Are between a body mass index of 18.5 and 30": not read
    rule = waivers.waived(rule, section)  # "bilirubin <= 1.5 x ULN unless Gilbert's": the exception decides
    rule = allergens(text, _prohibited(text, section, rule))
    rule = refine(text, rule, tagged, section)  # sex-specific limits, ages at onset, durations
    return Extraction(rule, entities.output())


def _allowing(
    text: str, section: str, tagged: list[Entity] | None, logic: LogicModel | None, allowed: allowances.Allowance
) -> Extraction:
    """The rule of what ``text`` asks before its last sentence, and of what that sentence allows.

    An exclusion leaves the things allowed out of its concepts ("Patient has previously undergone or
    currently on immunosuppressive therapy. Steroids used to treat inflammation are allowed."); an
    inclusion takes them as an alternative. An allowance on a condition, or on a limit ("Patients
    receiving < 5 mg of prednisone daily may be included"), is left for a person: beside what an
    exclusion asks (it matters only for a patient the exclusion would rule out), as the alternative
    to what an inclusion asks (it matters only for a patient who fails it)."""
    head = structure_text(text[: allowed.head_end], section, _moved(tagged, 0, allowed.head_end), logic)
    if head.rule.type == "unstructured" and head.rule.reason == "permission":
        first, last = whole_span(text)  # "... could be enrolled (Concurrent radiotherapy ... permitted)"
        return Extraction(Unstructured(text=text[first:last], reason="permission", span=(first, last)), head.entities)
    part = structure_text(text[allowed.start : allowed.end], section, _moved(tagged, allowed.start, allowed.end), logic)
    entities = head.entities + [shifted(e, allowed.start) for e in part.entities]
    return Extraction(_allowed(text, section, head.rule, shifted(part.rule, allowed.start), allowed), entities)


def _allowed(text: str, section: str, asked: Rule, rule: Rule, allowed: allowances.Allowance) -> Rule:
    """What ``asked`` asks once ``rule``, the rule of what ``allowed`` allows, is let through."""
    words = [_words(leaf.concept.text) for leaf in leaves(asked) if leaf.type == "presence"]
    named = [
        leaf
        for leaf in leaves(rule)
        if leaf.type == "presence" and not leaf.negated and not any(_words(leaf.concept.text) <= w for w in words)
    ]  # "Administration of killed vaccines is allowed" read as "vaccines" would let every live vaccine through
    # nothing read to let it through from ("... as defined by inclusion criteria A"): a person does
    unread = section == "exclusion" and all(leaf.type == "unstructured" for leaf in leaves(asked))
    if (
        allowed.conditional
        or unread
        or not named
        or any(leaf.type not in ("presence", "unstructured") for leaf in leaves(rule))
    ):
        span = trim(text, allowed.start, allowed.sentence_end)
        note = Unstructured(text=text[span[0] : span[1]], reason="conditional permission", span=span)
        joined = All if section == "exclusion" else Any  # a person reads it only where it could change the verdict
        return joined(args=[asked, note])
    if section == "exclusion":
        return excepting(text, asked, named)
    return Any(args=[asked, rule])


def _noted(
    parent: Criterion, asked: Rule, notes: list[tuple[Criterion, str, list[Entity] | None, list[allowances.Allowance]]]
) -> Rule:
    """``asked``, the parent's rule, with what its notes allow let through: "Has a known additional
    malignancy ... within the past 3 years" over "Note: Participants with basal cell carcinoma of the
    skin ... are not excluded" leaves basal cell carcinoma out of the exclusion, where AND-ed under it
    the note had made it the one cancer that excluded."""
    for note, written, tagged, allowing in notes:
        offset = note.start - parent.start
        text = " " * offset + written  # the note's spans counted from the parent's start, as its rule's are
        for allowed in allowing:
            part = structure_text(
                written[allowed.start : allowed.end], parent.section, _moved(tagged, allowed.start, allowed.end)
            )
            moved = replace(
                allowed,
                head_end=allowed.head_end + offset,
                start=allowed.start + offset,
                end=allowed.end + offset,
                sentence_end=allowed.sentence_end + offset,
            )
            asked = _allowed(text, parent.section, asked, shifted(part.rule, moved.start), moved)
    return asked


def _barring(
    text: str, section: str, tagged: list[Entity] | None, logic: LogicModel | None, bar: barred.Bar
) -> Extraction:
    """The rule of a criterion whose last sentence bars someone: an inclusion asks what it says before
    the sentence and the lack of what it bars; an exclusion excludes for either."""
    part = structure_text(text[bar.start : bar.end], "exclusion", _moved(tagged, bar.start, bar.end), logic)
    rule = shifted(part.rule, bar.start)
    entities = [shifted(e, bar.start) for e in part.entities]
    if section != "exclusion":
        rule = rule.model_copy(update={"negated": not rule.negated}) if rule.type == "presence" else Not(args=[rule])
    if not re.search(r"\w", text[: bar.head_end]) or _LEAD_IN.search(text, 0, bar.head_end + 1):
        return Extraction(rule, entities)  # "Additional specifications for SARS-CoV-2: i. Patients ...": a lead-in
    head = structure_text(text[: bar.head_end], section, _moved(tagged, 0, bar.head_end), logic)
    joined = Any if section == "exclusion" else All
    return Extraction(joined(args=[head.rule, rule]), head.entities + entities)


#: a heading and a list mark before the barring sentence: "Additional specifications for SARS-CoV-2 (COVID-19): i."
_LEAD_IN = re.compile(r":\s*(?:[ivx]{1,4}|\d{1,2}|[a-z])?\s*[.)]?\s*$", re.IGNORECASE)


def _words(name: str) -> set[str]:
    return {word.lower().removesuffix("s") for word in re.findall(r"[\w-]+", name)}


def _moved(tagged: list[Entity] | None, start: int, end: int) -> list[Entity] | None:
    """The tagged spans within ``start:end``, counted from ``start``."""
    if tagged is None:
        return None
    inside = [e for e in tagged if start <= e.start and e.end <= end]
    return [e.model_copy(update={"start": e.start - start, "end": e.end - start}) for e in inside]


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
    if rule.type == "any":  # "May not receive other investigational agents or devices during 30 days"
        return rule.model_copy(update={"args": [_prohibited_item(arg) for arg in rule.args]})
    return rule


def _prohibited_item(rule: Rule) -> Rule:
    """One item of a prohibited list: what is forbidden, with the prohibition's "not" taken off."""
    if rule.type == "not":
        return rule.args[0]
    if rule.type in ("presence", "unstructured") and rule.negated:
        return rule.model_copy(update={"negated": False})
    return rule


_PROHIBITION = re.compile(
    r"\b(?:must|should|could|may|shall|will)\s+not\s+(?:be|have|take|receive|use|undergo|participate|get)\b"
    r"|\b(?:is|are)\s+not\s+(?:allowed|permitted)\b",
    re.IGNORECASE,
)


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
    # "\\>" read as ">", and a sign the source lost ("ANC  1,500") written back: offsets unchanged
    texts = {c.id: restored(readable(c.text), c.section) for c in criteria}
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
        if kids and about_someone_else(criterion.text):  # "Donor Inclusion Criteria": not the patient's to meet
            for kid in kids:
                rule_of(kid, inherited)  # read all the same, for the reader
            span = trim(criterion.text, 0, len(criterion.text))
            text = criterion.text[span[0] : span[1]]
            rules[criterion.id] = Unstructured(text=text, reason=ANOTHER_PERSON, span=span)
            return rules[criterion.id]
        if kids and undertakings.of_list(criterion.text):  # "must agree to use one of the methods listed below:"
            for kid in kids:
                rule_of(kid, inherited)  # what is promised, read for the reader; it asks nothing itself
            rule = own[criterion.id].rule
            if (lead := undertakings.list_lead(criterion.text)) is not None:  # "... Effective methods include:"
                head = criterion.text[:lead]
                tags = _within(tagged_of[criterion.id], head)
                rule = structure_text(restored(readable(head), criterion.section), criterion.section, tags).rule
            rules[criterion.id] = with_temporal(rule, inherited) if inherited else rule
            return rules[criterion.id]
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
        # "Note: Participants with basal cell carcinoma ... are not excluded": let through, not asked
        notes = (
            []
            if heading
            else [(k, texts[k.id], tagged_of[k.id], found) for k in kids if (found := allowances.whole(texts[k.id]))]
        )
        # a label under a criterion with nothing under it ("Prior/Concomitant Therapy" nested under "History
        # of pelvic radiation") asks nothing: an empty `any` under the parent's `all` would ask the impossible
        asked = [
            (k, r)
            for k, r in zip(kids, kid_rules, strict=True)
            if not (is_heading(k.text) and _empty(r)) and k not in (note for note, *_ in notes)
        ]
        if not asked and not heading:
            rule = with_temporal(own[criterion.id].rule, inherited) if inherited else own[criterion.id].rule
            rules[criterion.id] = _noted(criterion, rule, notes)
            return rules[criterion.id]
        if asked:
            kids, kid_rules = [k for k, _ in asked], [r for _, r in asked]
        group = _group(criterion, cue, kids, kid_rules)
        own_tags = tagged_of[criterion.id]
        if heading:
            kept = []
        elif cue or criterion.text.rstrip().endswith(":"):
            kept = [
                leaf
                for leaf in leaves(
                    structure_text(
                        restored(readable(head), criterion.section), criterion.section, _within(own_tags, head)
                    ).rule
                )
                if leaf.type in ("comparison", "demographic")
            ]  # the rest is the label being defined
        elif _adequacy(own[criterion.id].rule):
            kept = []  # "Adequate organ function" over the limits that say what adequate is
        else:
            kept = [own[criterion.id].rule]
        rules[criterion.id] = _noted(criterion, All(args=[*kept, group]) if kept else group, notes)
        return rules[criterion.id]

    for root in children.get(None, []):
        rule_of(root, None)
    return [StructuredCriterion(**c.model_dump(), rule=rules[c.id], status=status_of(rules[c.id])) for c in criteria]


def _retyped(entity: Entity, known: dict[str, str]) -> Entity:
    kind = known.get(entity.text.lower()) if entity.type in CONCEPT_TYPES else None
    return entity.model_copy(update={"type": kind}) if kind else entity


def _within(tagged: list[Entity] | None, head: str) -> list[Entity] | None:
    return None if tagged is None else [e for e in tagged if e.end <= len(head)]


def _adequacy(rule: Rule) -> bool:
    """Whether a criterion's own rule is only an adequacy with no limit: its children give the limits."""
    return rule.type == "unstructured" and rule.reason == adequate_functions.ADEQUACY


def _empty(rule: Rule) -> bool:
    """Whether ``rule`` is a logic node with nothing under it: a label's rule with no items."""
    return rule.type in ("all", "any") and not rule.args


_ENDS_OR = re.compile(r"\b(?:and/or|or)\W*$", re.IGNORECASE)


def _group(parent: Criterion, cue: tuple[str, int, int] | None, kids: list[Criterion], kid_rules: list[Rule]) -> Rule:
    """How the children combine: the parent's cue, else an "or" ending the children, else a heading's or
    the section's default, with an "and" between them or a definition's cue before that."""
    if cue and cue[0] == "at_least":
        return AtLeast(n=cue[1], args=kid_rules)
    cohorts = [r for k, r in zip(kids, kid_rules, strict=True) if is_cohort(k.text)]
    if len(cohorts) > 1:  # "Group 1: ...", "Group 2: ...": a patient belongs to one of the groups
        common = [r for k, r in zip(kids, kid_rules, strict=True) if not is_cohort(k.text)]
        return All(args=[*common, Any(args=cohorts)]) if common else Any(args=cohorts)
    op = cue[0] if cue and cue[0] in ("any", "all") else None
    tails = " ".join(k.text[-12:] for k in kids[:-1]).lower()
    if op is None and all(_ENDS_OR.search(k.text) for k in kids[:-1]):
        op = "any"  # every item ends "..., OR": under "Female patients who:" too, which had asked all three
    if op is None and is_heading(parent.text):
        op = "any" if parent.section == "exclusion" else "all"  # a label's items: the section's default
    if op is None:
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
