"""Judge one rule tree against one patient: a verdict per leaf, with the evidence it rests on.

Leaves compare what the record says with what the criterion asks; logic nodes combine leaf
verdicts with Kleene logic (``logic.py``). A leaf the record cannot settle is ``unknown`` and
names the data to collect. ``presume`` reads a silent record in the patient's favour, as a
screener reading a clinical note does: an exclusion concept it does not mention is absent, an
unreported value is normal, consent, willingness and compliance are assumed, and so is an ability
whose lack would exclude, and so is an exclusion left to the investigator's judgment; every
verdict reached so says so.
A presence leaf whose words name no concept ("patients of both", "of age") is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from pydantic import BaseModel

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.others import OTHER
from trialsieve.extract.quantities import UnitMismatch, convert, convert_substance
from trialsieve.match import logic
from trialsieve.match.concepts import ConceptMatcher, Match, in_context, normalise, variants, words
from trialsieve.match.intervals import Interval, settles
from trialsieve.match.labs import lab_codes, loinc_codes
from trialsieve.match.logic import Verdict
from trialsieve.match.note import mentions
from trialsieve.match.patient import Fact, Patient
from trialsieve.rules import (
    ASKS_NOTHING,
    LOGIC_TYPES,
    NO_CONCEPT,
    PERMISSION,
    Comparison,
    Demographic,
    Presence,
    Rule,
    Temporal,
    leaves,
)

_REFERENCE = load("reference_ranges", "trialsieve.match")
_SYNONYMS = load("synonyms", "trialsieve.match")
_NO_CONCEPT = frozenset(_SYNONYMS["no_concept_words"])
_TIMELINE = frozenset(_SYNONYMS["timeline_words"])
_MEASURED_BY = _SYNONYMS["measured_by"]
_GRADING = frozenset(_SYNONYMS["grading_words"])
_NORMAL = _REFERENCE["normal"]
_BARE_LIMITS = {m: v for m, v in _REFERENCE["bare_limits"].items() if not m.startswith("_")}
_BARE_MEASURES = frozenset(_BARE_LIMITS)
#: Unstructured reasons a screener presumes in the patient's favour.
_COOPERATION = frozenset({"consent", "willingness", "compliance", "study participation"})
#: Unstructured reasons presumed not to exclude when the record says nothing of them; a phrase the
#: tagger found no concept in is read like a concept the record does not mention.
_UNLESS_RECORDED = frozenset(
    {"ability", "eligibility", "contraindication", "investigator judgment", "effect", NO_CONCEPT}
)
#: of those, the reasons whose own words name what would exclude (an ability is what it lacks that excludes)
_AGAINST = frozenset({"contraindication", "investigator judgment", "effect"})
_IMPLIED = _REFERENCE["implied"]
_IMPLIED_MEASURES = frozenset(m for m, *_ in _IMPLIED.values())
_FINDING_MEASURES = frozenset(_MEASURED_BY.values())
_NORMAL_MEASURES = frozenset(_NORMAL)
#: where a laboratory's own limit may lie, as multiples of the typical one in ``reference_ranges.json``
#: (ALT: 33-56 U/L against 40): a relative limit read against the typical limit is settled only when
#: every usual limit gives the same answer
_USUAL_RANGE = (0.8, 1.4)
#: How old a value may be for a limit that asks for a current one ("current HbA1c >= 7%") and gives
#: no window: three months, the usual validity of a screening lab. ``check --look-back`` changes it.
LOOK_BACK_DAYS = 90
_SEVERAL = re.compile(r"\s*/\s*|\s+(?:and/or|or)\s+", re.IGNORECASE)  # "ALT/AST", "AST or ALT"
_CLEARANCE = re.compile(r"creatinine\s+clearance|\bcr\s?cl\b|\bcl\s?cr\b|cockcroft", re.IGNORECASE)
_NOT_SERUM_CREATININE = re.compile(r"clearance|urine|urinary|ratio|kinase|\bgfr\b", re.IGNORECASE)
_BY_WORDS = ConceptMatcher()  # findings are named, not guessed: "afebrile" is not near enough to "febrile"


class Evidence(BaseModel):
    """Why a leaf got its verdict: the fact, value and date it used, or the data it lacked."""

    text: str
    verdict: Verdict
    reason: str
    fact: str | None = None
    value: float | None = None
    unit: str | None = None
    date: dt.date | None = None
    source: str | None = None
    match: str | None = None
    missing: str | None = None
    #: the leaf sits under an odd number of `not`s ("No prior radiotherapy or mastectomy"): its verdict is the
    #: concept's, and the criterion wants the opposite, so "mastectomy: met" is what rules the patient out
    denied: bool = False


#: "recent MI", "recently diagnosed CAD": a record within three months is recent, one over a year old
#: is not, and what lies between is a person's judgement (the criterion gives no window)
_RECENT = Temporal(measure="window", operator="<=", value=3, unit="mo", text="recent", span=(0, 0))
_NOT_RECENT = Temporal(measure="window", operator="<=", value=1, unit="a", text="recent", span=(0, 0))


@dataclass
class Judge:
    """Everything a verdict depends on besides the rule: the patient, the date, the matcher, the policy."""

    patient: Patient
    as_of: dt.date
    matcher: ConceptMatcher
    presume: bool = False
    #: the trial's own conditions: the event of an "age at diagnosis" that names none
    conditions: tuple[str, ...] = ()
    #: the diseases the trial is about (its registry conditions, the diseases its inclusions ask for):
    #: an "other malignancy" is one besides them (extract/others.py)
    own: tuple[str, ...] = ()
    #: with no recorded sex, a rule with sex-specific limits is judged for each sex (below)
    by_sex: bool = field(default=True, repr=False)
    #: days a "current" value may be old when its limit gives no window; None: any age
    look_back: int | None = LOOK_BACK_DAYS

    def __post_init__(self) -> None:
        facts = [_episode_over(_said_over(f), self.as_of) for f in self.patient.all_facts()]
        # what the record dates after the evaluation day was not known then, and what it dates after today is
        # a wrong date: neither is used, and a leaf it alone would answer says so (``_later``)
        last = min(self.as_of, dt.date.today())
        self.later = [f for f in facts if f.date is not None and f.date > last and not f.family]
        facts = [f for f in facts if f.date is None or f.date <= last]
        own = [f for f in facts if not f.family]
        self.findings = [f for f in own if f.value is None]  # a measured value is not a finding
        self.values = [f for f in own if f.value is not None and f.present]
        self.family_findings = [f for f in facts if f.family and f.value is None]

    def rule(
        self, rule: Rule, text: str, section: str = "inclusion", denied: bool = False
    ) -> tuple[Verdict, list[Evidence]]:
        """The verdict of ``rule`` (whose spans index ``text``) and the evidence of each leaf."""
        if self.by_sex and self.patient.sex is None and _sex_specific(rule):
            return self._either_sex(rule, text, section)
        if rule.type in ("all", "any", "not", "at_least"):
            args = [a for a in rule.args if not _vacuous(a)] or rule.args
            below = denied != (rule.type == "not")  # under an odd number of `not`s the criterion asks for absence
            results = [self.rule(arg, text, section, below) for arg in args]
            # a limit written for the other sex does not apply: its neighbours decide
            counted = [r for a, r in zip(args, results, strict=True) if self._applies(a)] or results
            verdicts = [v for v, _ in counted]
            evidence = [e for _, es in results for e in es]
            if rule.type == "all":
                return logic.all_of(verdicts), evidence
            if rule.type == "any":
                return logic.any_of(verdicts), evidence
            if rule.type == "not":
                return logic.negate(verdicts[0]), evidence
            return logic.at_least(rule.n, verdicts), evidence
        written = text[rule.span[0] : rule.span[1]] or text
        if rule.type == "presence" and rule.role is not None:  # its sibling decides: see rules.Presence.role
            reason = f"{rule.role}: {rule.concept.text} is settled by its neighbour"
            if rule.role == "optional":  # "with or without antihypertensive medications"
                reason = f"with or without {rule.concept.text}: either way, it decides nothing"
            return "met", [Evidence(text=written, verdict="met", reason=reason)]
        if rule.type == "unstructured" and rule.reason in ASKS_NOTHING:  # "allowed", "None": rules no one out
            verdict = "met" if section == "inclusion" else "not_met"
            said = "a permission" if rule.reason == PERMISSION else "nothing to ask"
            return verdict, [Evidence(text=written, verdict=verdict, reason=f"{said}: it asks nothing")]
        if rule.type == "unstructured" and self.presume and _presumed(rule.reason, section, denied, rule.negated):
            # what the criterion, all told, wants of it: a `not` above turns it round
            verdict = "met" if (section == "inclusion") != denied else "not_met"
            evidence = Evidence(text=written, verdict=verdict, reason=f"{rule.reason} presumed")
        elif rule.type == "unstructured":
            evidence = Evidence(text=written, verdict="needs_review", reason=f"not computable: {rule.reason}")
        elif rule.type == "demographic":
            evidence = self.demographic(rule, written)
        elif rule.type == "comparison":
            evidence = self.comparison(rule, written, section)
        else:
            evidence = self.presence(rule, written, section, denied)
        if denied:
            evidence = evidence.model_copy(update={"denied": True})
        return evidence.verdict, [evidence]

    # --- leaves ---------------------------------------------------------------------------

    def demographic(self, leaf: Demographic, written: str) -> Evidence:
        if leaf.attribute == "age" and leaf.at_event:
            return self._age_at_event(leaf, written)
        if leaf.attribute == "sex":
            if leaf.value_text == "all":  # "patients of both sexes" admits everyone
                return Evidence(text=written, verdict="met", reason="open to any sex")
            wanted = leaf.value_text if leaf.value_text in ("female", "male") else None  # structure normalises it
            if self.patient.sex is None or wanted is None:
                return Evidence(text=written, verdict="unknown", reason="sex not recorded", missing="sex")
            verdict = "met" if self.patient.sex == wanted else "not_met"
            return Evidence(text=written, verdict=verdict, reason=f"sex is {self.patient.sex}", source="patient.sex")
        age, ages = self.patient.age_on(self.as_of), self.patient.age_range(self.as_of)
        if age is None or ages is None or leaf.value is None:
            return Evidence(text=written, verdict="unknown", reason="age not recorded", missing="age or birth date")
        if problem := self.patient.age_problem(self.as_of):
            return Evidence(text=written, verdict="unknown", reason=problem, missing="a possible age or birth date")
        try:
            low, high = (convert(a, "a", leaf.unit or "a") for a in ages)
        except UnitMismatch:  # an age in a unit that is no time
            return Evidence(text=written, verdict="unknown", reason=f"an age in {leaf.unit}", missing="age")
        reason, missing = f"age {age:.1f} years on {self.as_of}", None
        if low == high:
            verdict = _compare(low, leaf.operator, leaf.value, leaf.value2)
        else:  # a birth year or month: every age it allows must agree
            verdict = settles(Interval(max(low, 0.0), high), Interval.of(leaf.operator, leaf.value, leaf.value2))
            born = self.patient.birth_date
            when = str(born.year) if self.patient.birth_precision == "year" else f"{born:%Y-%m}"
            reason = f"age {ages[0]:.1f} to {ages[1]:.1f} years on {self.as_of}: born in {when}, no day recorded"
            missing = "the full birth date" if verdict == "unknown" else None
        return Evidence(
            text=written,
            verdict=verdict,
            reason=reason,
            missing=missing,
            value=round(age, 2),
            unit="a",
            source="patient.birth_date" if self.patient.birth_date else "patient.age",
        )

    def comparison(self, leaf: Comparison, written: str, section: str = "inclusion") -> Evidence:
        if leaf.population and self.patient.sex != leaf.population and self.patient.sex is not None:
            reason = f"a limit for {leaf.population} patients; the patient is {self.patient.sex}"
            if self.patient.sex == "other":
                return Evidence(text=written, verdict="unknown", reason=reason, source="patient.sex")
            verdict = "met" if section == "inclusion" else "not_met"  # it holds nothing against the patient
            return Evidence(text=written, verdict=verdict, reason=f"does not apply: {reason}", source="patient.sex")
        variable = _pressure_meant(leaf) or leaf.variable  # "High-normal blood pressure (130-139 mmHg)"
        window = leaf.temporal or self._look_back(leaf)
        found = self._values(variable)
        matches = [m for m in found if self._in_window(m.fact, window) != "not_met"]
        matches = [m for m in matches if self._comparable(leaf, m.fact)] or matches  # Hb, not HbA1c in %
        if not matches and leaf.unit:  # "heavy alcohol use (> 14 drinks per week)": a count of drinks is its value
            matches = [m for m in self._counted_in(leaf.unit) if self._in_window(m.fact, window) != "not_met"]
        if not matches:
            if implied := self._implied(leaf, written):
                return implied
            if _CLEARANCE.search(leaf.variable) and (computed := self._cockcroft_gault(leaf, written)):
                return computed
            reason = f"no value of {leaf.variable} in the record"
            if self.presume and section == "exclusion":
                if normal := _normal_excluded(leaf):
                    return Evidence(text=written, verdict="not_met", reason=f"{reason}: presumed {normal}")
                graded = _graded_condition(leaf.variable)
                if graded and not self.matcher.find(graded, self.findings):
                    reason = f"{reason}, nor of {graded}: presumed absent"
                    return Evidence(text=written, verdict="not_met", reason=reason)
            if found and window is not None:  # older values are no evidence of a value now
                latest = max(found, key=lambda m: m.fact.date or dt.date.min).fact
                return Evidence(
                    text=written,
                    verdict="unknown",
                    reason=f"no value of {leaf.variable} in the window ({window.text}); the latest is older",
                    missing=f"a value of {leaf.variable} in the window ({window.text})",
                    fact=latest.text,
                    date=latest.date,
                    source=latest.source,
                )
            if later := self._later(leaf.variable, valued=True):
                return later.model_copy(update={"text": written, "missing": leaf.variable})
            return Evidence(text=written, verdict="unknown", reason=reason, missing=leaf.variable)
        groups = self._members(leaf.variable, matches)
        if len(groups) > 1:  # "ALT/AST > 3 x ULN": each analyte's latest value, either one above is enough
            judged = [self._value_evidence(leaf, ms, written) for ms in groups]
            verdicts = [e.verdict for e in judged]
            upper = leaf.operator in ("<", "<=", "between")  # "ALT/AST <= 2.5 x ULN": each must be
            verdict = logic.all_of(verdicts) if upper else logic.any_of(verdicts)
            deciding = next((e for e in judged if e.verdict == verdict), judged[0])
            return deciding.model_copy(update={"verdict": verdict})
        return self._value_evidence(leaf, matches, written)

    def _value_evidence(self, leaf: Comparison, matches: list[Match], written: str) -> Evidence:
        """The verdict of the latest value among ``matches``."""
        match = max(matches, key=lambda m: (m.fact.date or dt.date.min, m.score))
        fact, cited = match.fact, _cited(match)
        try:
            value, shown = self._value_in_rule_terms(leaf, fact)
        except UnitMismatch as error:
            return Evidence(text=written, verdict="unknown", reason=str(error), missing=leaf.variable, **cited)
        if value is None:
            return Evidence(
                text=written,
                verdict="unknown",
                reason=f"no reference limit for {fact.text}",
                missing=leaf.variable,
                **cited,
            )
        if fact.bound is not None:
            return self._bound_evidence(leaf, fact, written, cited)
        verdict = _compare(value, leaf.operator, leaf.value, leaf.value2)
        if leaf.multiplier_of and not (leaf.multiplier_of == "ULN" and fact.reference_high is not None):
            # no lab limit with the value: a typical one, and labs differ, so only a clear margin settles it
            low, high = _USUAL_RANGE
            verdict = settles(Interval(value / high, value / low), Interval.of(leaf.operator, leaf.value, leaf.value2))
            if verdict == "unknown":
                shown += f": undecided over the usual limits ({low:g}-{high:g} x the typical one)"
                cited["missing"] = f"the lab's reference range for {fact.text}"
        return Evidence(text=written, verdict=verdict, reason=f"{fact.text} {shown}", **cited)

    def _bound_evidence(self, leaf: Comparison, fact: Fact, written: str, cited: dict) -> Evidence:
        """The verdict for a value known only as a bound ("ANC < 1,700", "hemoglobin between 4 and 5 g/dL"):
        met when every value it allows meets the limit, not met when none does, else unknown. Each end is
        read in the limit's terms as a value would be; a multiple of a reference limit the record does not
        give is not settled on a bound."""
        if leaf.multiplier_of and not (leaf.multiplier_of == "ULN" and fact.reference_high is not None):
            return Evidence(text=written, verdict="unknown", reason=f"{fact.text} {fact.bound} {fact.value:g}", **cited)
        ends = [fact.value] if fact.value2 is None else [fact.value, fact.value2]
        converted = [self._value_in_rule_terms(leaf, fact.model_copy(update={"value": end}))[0] for end in ends]
        if None in converted:
            return Evidence(text=written, verdict="unknown", reason=f"no reference limit for {fact.text}", **cited)
        known = Interval.of(fact.bound, *converted)
        verdict = settles(known, Interval.of(leaf.operator, leaf.value, leaf.value2))
        said = " to ".join(f"{end:g}" for end in ends) if fact.bound == "between" else f"{fact.bound} {fact.value:g}"
        reason = f"{fact.text} {said} {fact.unit or ''}".strip()
        missing = {"missing": leaf.variable} if verdict == "unknown" else {}
        return Evidence(text=written, verdict=verdict, reason=reason, **cited, **missing)

    def presence(self, leaf: Presence, written: str, section: str = "inclusion", denied: bool = False) -> Evidence:
        """The leaf's verdict; ``denied``: a `not` above it asks for absence, as ``negated`` does."""
        concept = leaf.concept
        # a relative's disease is asked about apart from the patient's own
        family = "family history" in leaf.qualifiers
        findings = self.family_findings if family else self.findings
        own = []
        if OTHER in leaf.qualifiers:  # "Other malignancy" in a lymphoma trial: not the lymphoma
            own = [f for f in findings if id(f) in self._own_facts]
            findings = [f for f in findings if id(f) not in self._own_facts]
        if concept.kind in ("condition", "observation"):  # a test done is no diagnosis: "pregnancy test"
            findings = [f for f in findings if not (f.kind == "procedure" and _TEST.search(f.text))]
        lent = _lent(leaf, written)
        matches = self.matcher.find(concept.text, findings, concept.code, context=written, lent=lent)
        if _ALLERGY.match(concept.text):  # an allergy is to one substance: "peanuts" is not "nut" however alike
            matches = [m for m in matches if m.how != "embedding"]
        if leaf.excepted:  # "malignancy other than basal cell carcinoma": a basal cell carcinoma does not count
            matches = [m for m in matches if not self._excepted(leaf, m.fact)]
        if not matches and self.patient.note:  # the note may write it where the tagger cut it otherwise
            written_out = [f for v in variants(concept.text) for f in mentions(self.patient.note, v)]
            matches = [Match(f, "note text", 1.0) for f in written_out if f.family == family]
        temporal = leaf.temporal or (_RECENT if "recent" in leaf.qualifiers else None)
        verdict, reason, used = self._presence_verdict(
            matches, temporal, "history of" in leaf.qualifiers, "current" in leaf.qualifiers
        )
        if temporal is _RECENT and verdict == "not_met" and used is not None and used.fact.present:
            verdict, reason = self._recent_enough(used)
        if "planned" in leaf.qualifiers and matches:  # "Plans to start psychotherapy": a record holds no plan
            used = used or matches[0]
            verdict, reason = "unknown", f"recorded, but a plan is asked: {used.fact.text}"
        if not matches and not (leaf.temporal is not None and leaf.temporal.direction == "future"):
            # a documented type, stage or class that rules the concept out: "type 2" against "type 1 diabetes"
            recorded = [f for f in findings if f.present and not self._excepted(leaf, f)]
            against = self.matcher.contradicts(concept.text, recorded, concept.code, written, lent)
            if against:
                verdict, reason, used = "not_met", f"ruled out by {against[0].fact.text}", against[0]
            elif unsure := [  # a fact outside the window answers nothing ("major surgery within 4 weeks")
                m
                for m in self.matcher.undetermined(concept.text, recorded, concept.code, written, lent)
                if leaf.temporal is None or self._in_window(m.fact, leaf.temporal) != "not_met"
            ]:
                # "heart failure" for "NYHA class III heart failure": the record names it, not its class
                asked = " ".join([*lent, in_context(concept.text, written)])
                reason = f"{unsure[0].fact.text} is recorded, but not whether it is {asked}"
                verdict, used, matches = "unknown", unsure[0], unsure
        if used is None:
            reason = f"{concept.text}: {reason}"
            if own:
                reason += f" besides the trial's own disease ({own[0].text})"
        if verdict == "unknown" and not matches and not family and (later := self._later(concept.text)):
            return later.model_copy(update={"text": written, "missing": concept.text})  # nor is it presumed absent
        missing = None
        # silence is read in the patient's favour: an exclusion's concept is presumed absent, and so is
        # one an inclusion asks the patient not to have ("no history of X"); an exclusion that names
        # something the patient lacks ("cannot use heparin") is presumed not to hold
        absent = leaf.negated != denied  # what the criterion, all told, asks of this concept
        if verdict == "unknown" and not matches and self.presume and (section == "exclusion" or absent):
            if section == "exclusion" and absent:
                verdict, reason = "met", f"{concept.text} not in the record: presumed in the patient's favour"
            else:
                verdict, reason = "not_met", f"{concept.text} not in the record: presumed absent"
        elif verdict == "unknown":
            future = (leaf.temporal is not None and leaf.temporal.direction == "future") or "planned" in leaf.qualifiers
            missing = concept.text if not matches else f"{'plans for' if future else 'date of'} {concept.text}"
        if leaf.negated:
            verdict = logic.negate(verdict)
        cited = _cited(used) if used is not None else {}
        return Evidence(text=written, verdict=verdict, reason=reason, missing=missing, **cited)

    # --- helpers --------------------------------------------------------------------------

    @cached_property
    def _own_facts(self) -> frozenset[int]:
        """The findings that are the trial's own disease (ids): an "other" concept does not count them."""
        conditions = [f for f in self.findings if f.kind == "condition"]
        return frozenset(id(m.fact) for name in self.own for m in self.matcher.find(name, conditions) if m.fact.present)

    def _later(self, name: str, valued: bool = False) -> Evidence | None:
        """Unknown, when the record has ``name`` (a value of it, when ``valued``) only after the evaluation
        date: a fact dated in the future is a wrong date or not yet so, and either way it settles nothing."""
        pool = [f for f in self.later if (f.value is not None) == valued and (f.present or not valued)]
        found = self.matcher.find(name, pool) if pool else []
        if not found:
            return None
        first = min((m.fact for m in found), key=lambda f: f.date or dt.date.max)
        after = "today" if first.date > dt.date.today() else f"the evaluation date {self.as_of}"
        reason = f"{name}: recorded only with a date after {after} ({first.text}, {first.date}): not used"
        return Evidence(
            text=name, verdict="unknown", reason=reason, fact=first.text, date=first.date, source=first.source
        )

    def _applies(self, rule: Rule) -> bool:
        """Whether ``rule`` has a leaf for this patient: a limit written for the other sex has none."""
        if rule.type in LOGIC_TYPES:
            return any(self._applies(arg) for arg in rule.args)
        sex = self.patient.sex
        other_sex = rule.type == "comparison" and rule.population and sex in ("female", "male")
        return not (other_sex and sex != rule.population)

    def _either_sex(self, rule: Rule, text: str, section: str) -> tuple[Verdict, list[Evidence]]:
        """With no recorded sex, a rule with limits for each sex is judged as if the patient were a
        woman and as if a man: the verdict both give, else unknown ("QTc > 450 ms (men) or > 470 ms
        (women)": 480 ms is met, 460 ms unknown). The evidence is the judgment without a sex."""
        verdict, evidence = replace(self, by_sex=False).rule(rule, text, section)
        sexes = ("female", "male")
        judges = [replace(self, patient=self.patient.model_copy(update={"sex": s}), by_sex=False) for s in sexes]
        verdicts = {judge.rule(rule, text, section)[0] for judge in judges}
        if len(verdicts) == 1:
            return verdicts.pop(), evidence
        return ("unknown" if verdict in ("met", "not_met") else verdict), evidence

    def _age_at_event(self, leaf: Demographic, written: str) -> Evidence:
        """An age at onset or diagnosis: from the birth date to the date of the event's fact."""
        event = leaf.event.text if leaf.event else None
        named = f"{leaf.at_event} of {event}" if event else leaf.at_event
        if self.patient.birth_date is None and self.patient.age is None:
            return Evidence(text=written, verdict="unknown", reason="age not recorded", missing="age or birth date")
        if problem := self.patient.age_problem(self.as_of):
            return Evidence(text=written, verdict="unknown", reason=problem, missing="a possible age or birth date")
        matches = self._event_facts(leaf)
        if matches is None:
            reason = f"{leaf.at_event}: the record does not say of which condition"
            return Evidence(text=written, verdict="unknown", reason=reason, missing=f"date of {named}")
        present = [m for m in matches if m.fact.present]
        if not present:
            if matches:  # the record says the patient never had it
                return Evidence(text=written, verdict="not_met", reason=f"recorded absent: {matches[0].fact.text}")
            return Evidence(text=written, verdict="unknown", reason=f"{event}: not in the record", missing=event)
        dated = [(d, m) for m in present if (d := self._date_of(m.fact)) is not None]
        if not dated:
            reason = f"recorded without a date: {present[0].fact.text}"
            cited = _cited(present[0])
            return Evidence(text=written, verdict="unknown", reason=reason, missing=f"date of {named}", **cited)
        day, match = min(dated, key=lambda dm: dm[0])  # onset: the first time it is recorded
        if self.patient.birth_date is not None:
            age = (day - self.patient.birth_date).days / 365.25
        else:
            age = self.patient.age - (self.as_of - day).days / 365.25
        if age < 0:  # dated before the patient was born: one of the two dates is wrong
            reason = f"{match.fact.text} is dated {day}, before the patient was born"
            return Evidence(text=written, verdict="unknown", reason=reason, missing=f"date of {named}", **_cited(match))
        try:
            verdict = _compare(convert(age, "a", leaf.unit or "a"), leaf.operator, leaf.value, leaf.value2)
        except UnitMismatch:
            return Evidence(text=written, verdict="unknown", reason=f"an age in {leaf.unit}", missing="age")
        reason = f"age {age:.1f} years at {leaf.at_event} ({match.fact.text}, {day})"
        return Evidence(
            text=written,
            verdict=verdict,
            reason=reason,
            fact=match.fact.text,
            value=round(age, 2),
            unit="a",
            date=day,
            source=match.fact.source or None,
            match=match.describe(),
        )

    def _event_facts(self, leaf: Demographic) -> list[Match] | None:
        """The facts of the event an age is taken at: the named concept, else the trial's own
        condition, else the record's only dated condition; None when that cannot be told."""
        if leaf.event is not None:
            facts = [f for f in self.findings if f.kind != "drug"]
            found = self.matcher.find(leaf.event.text, facts, leaf.event.code)
            if not found and (singular := _singular(leaf.event.text)) != leaf.event.text:
                found = self.matcher.find(singular, facts)  # "age at onset of migraines"
            return found
        conditions = [f for f in self.findings if f.kind == "condition"]
        found = [m for name in self.conditions for m in self.matcher.find(name, conditions)]
        if found:
            return found
        dated = {f.text.lower(): f for f in conditions if f.present and self._date_of(f) is not None}
        if len(dated) == 1:
            (only,) = dated.values()
            return [Match(only, "the record's only condition", 1.0)]
        return None

    def _date_of(self, fact: Fact) -> dt.date | None:
        if fact.date is not None:
            return fact.date
        return self.as_of - dt.timedelta(days=fact.days_before) if fact.days_before is not None else None

    def _implied(self, leaf: Comparison, written: str) -> Evidence | None:
        """The verdict a finding settles without a number: "tachycardic" meets "heart rate >= 90"."""
        measure = None if leaf.multiplier_of else _measure_named(leaf.variable, _IMPLIED_MEASURES)
        if measure is None:
            return None
        limit = Interval.of(leaf.operator, leaf.value, leaf.value2)
        present = [f for f in self.findings if f.present]
        for finding, (name, operator, bound, unit) in _IMPLIED.items():
            if name != measure or (leaf.unit is None) != (unit is None):
                continue
            for match in _BY_WORDS.find(finding, present):
                if self._in_window(match.fact, leaf.temporal) != "met":
                    continue
                try:
                    verdict = settles(Interval.of(operator, convert(bound, unit, leaf.unit)), limit)
                except UnitMismatch:
                    return None
                if verdict != "unknown":
                    reason = f"{match.fact.text}: {measure} {operator} {bound:g}{' ' + unit if unit else ''}"
                    return Evidence(text=written, verdict=verdict, reason=reason, **_cited(match))
        return None

    def _presence_verdict(
        self, matches: list[Match], temporal: Temporal | None, history: bool = False, current: bool = False
    ) -> tuple[Verdict, str, Match | None]:
        """Is the concept present (in its window)? The first fact that settles it is the evidence.

        What the record says is over (a resolved condition, a stopped drug, or a fact a later
        documented absence supersedes) meets "history of X" and a window it falls in, never "X" now."""
        present = [_superseded(m, matches) for m in matches if m.fact.present]
        if temporal is None and not history:  # "X", "active X", "taking X": now
            over = [m for m in present if m.fact.ended]
            present = [m for m in present if not m.fact.ended]
            if over and not present:
                when = f" ({over[0].fact.end.isoformat()})" if over[0].fact.end else ""
                return "not_met", f"recorded as over{when}, not current: {over[0].fact.text}", over[0]
        windows = [(m, self._in_window(m.fact, temporal, current)) for m in present]
        for m, inside in windows:
            if inside == "met":
                return "met", f"recorded: {m.fact.text}" + (" (now over)" if m.fact.ended else ""), m
        for m, inside in windows:
            if inside == "unknown":
                return "unknown", f"recorded without a date: {m.fact.text}", m
        if present:
            return "not_met", f"recorded outside the window: {present[0].fact.text}", present[0]
        if matches and temporal is not None and temporal.direction == "future":
            return "unknown", f"absent now, but the criterion asks about the future: {matches[0].fact.text}", matches[0]
        if matches:
            return "not_met", f"recorded absent: {matches[0].fact.text}", matches[0]
        return "unknown", "not in the record", None  # the caller names the concept

    def _excepted(self, leaf: Presence, fact: Fact) -> bool:
        """Whether the fact is one of what the leaf leaves out: it neither meets the leaf nor leaves it
        open ("primary malignancy except carcinoma in situ" for a carcinoma in situ of the breast)."""
        return any(self.matcher.find(e.text, [fact], e.code) for e in leaf.excepted)

    def _recent_enough(self, match: Match) -> tuple[Verdict, str]:
        """A "recent" X recorded more than ``_RECENT`` ago: not recent after a year, a judgement before."""
        if self._in_window(match.fact, _NOT_RECENT) == "met":
            return "unknown", f"recorded within the year, but whether that is recent is a judgement: {match.fact.text}"
        return "not_met", f"recorded over a year ago, not recent: {match.fact.text}"

    def _in_window(self, fact: Fact, temporal: Temporal | None, current: bool = False) -> Verdict:
        """Does the fact's date satisfy the time limit? Undated facts and future plans cannot say. A
        fact that went on until its end date was there until then: its end is what a window asks of,
        and a medication the record lists as still taken is taken today (its last dose is now), as a
        condition not over is there today where the criterion asks for it "current" ("Current alcohol use
        disorder in the past 2 months": one diagnosed three years ago and not over is in the window). An
        ``active`` bound asks how long ago it was last there: today when the record says it goes on,
        though a record that does not say a disease is over cannot prove it is not in remission."""
        if temporal is None:
            return "met"
        if temporal.measure == "active":  # "unless disease free for 3 years": since it was last there
            if not fact.ended:  # there today, unless the record has not caught up with a remission
                return "met" if _compare(0, temporal.operator, temporal.value) == "met" else "unknown"
            if fact.end is None:
                return "unknown"
            return _compare(
                convert((self.as_of - fact.end).days, "d", temporal.unit), temporal.operator, temporal.value
            )
        ended_within = temporal.measure == "window" and fact.ended and fact.end is not None
        last = fact.end if ended_within else fact.date
        ongoing = current and fact.kind == "condition" and not fact.ended
        if temporal.measure == "window" and (_still_taken(fact) or ongoing) and fact.date is not None:
            last = max(fact.date, self.as_of)
        days = (self.as_of - last).days if last else fact.days_before
        if days is None or temporal.direction == "future":
            return "unknown"
        elapsed = convert(days, "d", temporal.unit)
        return _compare(elapsed, temporal.operator, temporal.value, temporal.value2)

    def _look_back(self, leaf: Comparison) -> Temporal | None:
        """The window a "current" value with no window of its own must fall in: the look-back."""
        if "current" not in leaf.qualifiers or self.look_back is None:
            return None
        text = f"the {self.look_back}-day look-back for a current value"
        return Temporal(measure="window", operator="<=", value=self.look_back, unit="d", text=text, span=leaf.span)

    def _values(self, variable: str) -> list[Match]:
        """Facts with a value for the variable; "ASAT/ALAT" looks for either when none names both. Facts
        coded as the lab the variable names come first (``labs.py``): "Hb" reads haemoglobin, not HbA1c."""
        if codes := lab_codes(variable):
            coded = [Match(f, "code", 1.0) for f in self.values if loinc_codes(f) & codes]
            if coded:
                return coded
        found = self.matcher.find(variable, self.values)
        if not found and (measure := _measured_by(variable)):  # "neutropenia < 0.5" limits the neutrophil count
            found = self.matcher.find(measure, self.values)
        if not found and (measure := _measure_named(variable, _FINDING_MEASURES)):
            # "fever up to 39 C" gives the body temperature
            found = [Match(f, "finding", 1.0) for f in self.values if _measured_by(f.text) == measure]
        if not found and len(parts := [p for p in _SEVERAL.split(variable) if p.strip()]) > 1:  # "AST or ALT" too
            found = [m for part in parts for m in self.matcher.find(part, self.values)]
        return found

    def _members(self, variable: str, matches: list[Match]) -> list[list[Match]]:
        """The values of each analyte a variable names several of: "ALT/AST", "AST or ALT", a class
        ("transaminases") whose members the matcher found. One group when it names one."""
        parts = [p.strip() for p in _SEVERAL.split(variable) if p.strip()]
        groups: dict[str, list[Match]] = {}
        if len(parts) > 1:
            for m in matches:
                part = next((p for p in parts if self.matcher.find(p, [m.fact])), None)
                groups.setdefault(part or variable, []).append(m)
        elif any(m.how == "kind_of" for m in matches):
            for m in matches:
                groups.setdefault(normalise(m.fact.text), []).append(m)
        return list(groups.values()) if len(groups) > 1 else [matches]

    def _cockcroft_gault(self, leaf: Comparison, written: str) -> Evidence | None:
        """Creatinine clearance computed from the record when it gives none: (140 - age) x weight (kg) /
        (72 x serum creatinine (mg/dL)), times 0.85 for a woman; with no recorded sex, the verdict
        both sexes give, else unknown."""
        if leaf.multiplier_of or leaf.unit not in (None, "mL/min"):
            return None
        age = self.patient.age_on(self.as_of)
        creatinine = [
            m
            for m in self.matcher.find("creatinine", self.values)
            if not _NOT_SERUM_CREATININE.search(m.fact.text) and self._in_window(m.fact, leaf.temporal) != "not_met"
        ]
        weight = self.matcher.find("body weight", self.values) or self.matcher.find("weight", self.values)
        if age is None or self.patient.age_problem(self.as_of) or not creatinine or not weight:
            return None
        cr = max(creatinine, key=lambda m: m.fact.date or dt.date.min).fact
        kg = max(weight, key=lambda m: m.fact.date or dt.date.min).fact
        try:
            molar = (cr.unit or "").lower() in ("umol/l", "µmol/l")
            mg_dl = cr.value / 88.42 if molar else convert(cr.value, cr.unit, "mg/dL")
            weight_kg = convert(kg.value, kg.unit, "kg")
        except UnitMismatch:
            return None
        if mg_dl <= 0:
            return None
        base = (140 - age) * weight_kg / (72 * mg_dl)
        sexes = [self.patient.sex] if self.patient.sex in ("female", "male") else ["female", "male"]
        values = {sex: base * (0.85 if sex == "female" else 1.0) for sex in sexes}
        verdicts = {_compare(v, leaf.operator, leaf.value, leaf.value2) for v in values.values()}
        verdict = verdicts.pop() if len(verdicts) == 1 else "unknown"
        shown = ", ".join(f"{v:.0f} mL/min{f' if {sex}' if len(values) > 1 else ''}" for sex, v in values.items())
        reason = (
            f"Cockcroft-Gault from creatinine {cr.value:g} {cr.unit or ''}, weight {weight_kg:g} kg, "
            f"age {age:.0f}{', x 0.85 for a woman' if 'female' in values else ''}: {shown}"
        )
        missing = "sex" if verdict == "unknown" else None
        value = round(min(values.values()), 1)
        cited = {"fact": cr.text, "date": cr.date, "source": cr.source or None, "match": "computed"}
        return Evidence(
            text=written, verdict=verdict, reason=reason, value=value, unit="mL/min", missing=missing, **cited
        )

    def _counted_in(self, unit: str) -> list[Match]:
        """Facts counted in the same things as ``unit`` ("{drinks}/wk", "{cigarettes}/d"): the count
        is named by its unit when the variable names it otherwise."""
        things = _counted_things(unit)
        if not things:
            return []
        counted = [f for f in self.values if f.unit and _counted_things(f.unit) == things]
        return [Match(f, "unit", 1.0) for f in counted]

    def _value_in_rule_terms(self, leaf: Comparison, fact: Fact) -> tuple[float | None, str]:
        """The fact's value in the rule's unit, or as a multiple of its reference limit."""
        if leaf.multiplier_of:
            limit = fact.reference_high if leaf.multiplier_of == "ULN" else None
            unit = fact.unit
            if limit is None:
                limit, unit = _REFERENCE.get(leaf.multiplier_of, {}).get(normalise(fact.text), (None, None))
            if limit is None:
                return None, ""
            ratio = convert(fact.value, fact.unit, unit) / limit
            return ratio, f"{fact.value:g} {fact.unit or ''} = {ratio:.2f} x {leaf.multiplier_of} ({limit:g})"
        unit = leaf.unit or _bare_limit_unit(leaf, fact)
        value = convert_substance(fact.value, fact.unit, unit, fact.text)
        read = f" = {value:g} {unit}" if unit and unit == leaf.unit else ""
        if unit and not leaf.unit and unit != fact.unit:  # "Platelet count < 50,000": per microlitre
            read = f" = {value:g} {unit}, the unit the limit's number fits"
        return value, f"{fact.value:g} {fact.unit or ''}".strip() + read

    def _comparable(self, leaf: Comparison, fact: Fact) -> bool:
        """Whether the fact's value can be read in the limit's terms: a haemoglobin limit in g/dL is
        not answered by an HbA1c in %, when a haemoglobin in g/dL is there too."""
        try:
            return self._value_in_rule_terms(leaf, fact)[0] is not None
        except UnitMismatch:
            return False


def _lent(leaf: Presence, written: str) -> tuple[str, ...]:
    """The states a list lends the leaf (extract/distributed.py): its qualifiers that its own words do
    not write. The matcher reads the words next to a concept; without these, "diabetes" in "Uncontrolled
    hypertension or diabetes" would be met by any diabetes, controlled or not: a quiet wrong exclusion.
    A state the leaf writes away from its concept is lent too: the matcher reads only the words next
    to the concept, and "Prolonged use of systemic corticosteroids" asks for a prolonged use."""
    near = in_context(leaf.concept.text, written)
    own = {context.qualifier(m[0]) for m in context.QUALIFIERS.finditer(near)}
    return tuple(q for q in leaf.qualifiers if q not in own)


def _counted_things(unit: str) -> frozenset[str]:
    """ "{drinks}/wk" -> {"drink"}: what a unit counts, singular."""
    return frozenset(re.sub(r"s$", "", thing.lower()) for thing in re.findall(r"\{([^}]+)\}", unit))


def _sex_specific(rule: Rule) -> bool:
    """Whether a limit in ``rule`` is written for one sex."""
    return any(leaf.type == "comparison" and leaf.population for leaf in leaves(rule))


def _singular(text: str) -> str:
    """ "migraines" -> "migraine": the last word without a plural s."""
    return re.sub(r"(?<=[a-z]{3})s$", "", text.strip(), flags=re.IGNORECASE)


def _cited(match: Match) -> dict:
    """The evidence fields that cite the fact a verdict used."""
    fact = match.fact
    return {
        "fact": fact.text,
        "value": fact.value,
        "unit": fact.unit,
        "date": fact.date,
        "source": fact.source,
        "match": match.describe(),
    }


def _measured_by(variable: str) -> str | None:
    """The value a finding named in ``variable`` is defined by; the longest finding named wins."""
    have = words(normalise(variable))
    named = [k for k in _MEASURED_BY if words(normalise(k)) <= have]
    return _MEASURED_BY[max(named, key=len)] if named else None


@lru_cache(maxsize=16384)
def _measure_named(variable: str, measures: frozenset[str]) -> str | None:
    """The measure (a preferred name) that ``variable`` names, directly ("Temperature", "adults
    increased BMI") or through a finding it is written on ("neutropenia"); the longest wins."""
    have = [words(normalise(v)) for v in variants(variable)]
    by_finding = _measured_by(variable)
    named = [m for m in measures if m == by_finding or any(h and words(normalise(m)) <= h for h in have)]
    return max(named, key=len) if named else None


def _bare_limit_unit(leaf: Comparison, fact: Fact) -> str | None:
    """The unit a limit written with none is in, read against ``fact``'s value (``reference_ranges.json``
    ``bare_limits``): the one of the measure's usual units, or the value's own, that a real value can
    be in at that number ("Platelet count < 50,000": /uL, where read as 10^3/uL it excluded every
    patient). None: a bare number, or a measure not listed, read as written. UnitMismatch when no unit
    fits, or several that read the limit differently."""
    name = _measure_named(leaf.variable, _BARE_MEASURES) if fact.unit else None
    if name is None:
        return None
    low, high, unit, usual = _BARE_LIMITS[name]
    limits = [leaf.value] if leaf.value2 is None else [leaf.value, leaf.value2]
    readings: dict[float, str] = {}
    for candidate in dict.fromkeys([fact.unit, *usual]):
        try:
            possible = [convert_substance(v, unit, candidate, name) for v in (low, high)]
            read = round(convert_substance(leaf.value, candidate, fact.unit, name), 6)
        except UnitMismatch:
            continue
        if all(possible[0] <= v <= possible[1] for v in limits):
            readings.setdefault(read, candidate)
    if len(readings) != 1:
        said = "no unit a real value can have it in" if not readings else "units that read it differently"
        raise UnitMismatch(f"{name}: the limit {leaf.value:g} is written with no unit, and it fits {said}")
    return next(iter(readings.values()))


def _normal_excluded(leaf: Comparison) -> str | None:
    """The normal range of ``leaf``'s variable, written out, when no value inside it meets the limit.

    "Platelets < 100 x 10^9/L" cannot hold of a normal count (150-450); "> 3 x ULN" cannot hold
    of a value within normal limits. A variable with no range, or a unit that does not convert,
    settles nothing (None).
    """
    if leaf.multiplier_of in ("ULN", "LLN"):
        low, high = (0.0, 1.0) if leaf.multiplier_of == "ULN" else (1.0, float("inf"))
        shown = f"within normal limits ({'<=' if leaf.multiplier_of == 'ULN' else '>='} 1 x {leaf.multiplier_of})"
    else:
        name = _measure_named(leaf.variable, _NORMAL_MEASURES)
        if name is None:
            return None
        low, high, unit = _NORMAL[name]
        if (leaf.unit is None) != (unit is None):
            return None  # a bare number cannot be read against a range with a unit
        try:
            low, high = convert(low, unit, leaf.unit), convert(high, unit, leaf.unit)
        except UnitMismatch:
            return None
        shown = f"normal ({name} {low:g}-{high:g}{' ' + leaf.unit if leaf.unit else ''})"
    return shown if Interval(low, high).apart(Interval.of(leaf.operator, leaf.value, leaf.value2)) else None


def _graded_condition(variable: str) -> str | None:
    """The condition a grade is written on: "Peripheral neuropathy" in "Peripheral neuropathy Grade"."""
    written = re.findall(r"[\w'-]+", variable)
    named = [w for w in written if w.lower() not in _GRADING]
    if len(named) == len(written) or not words(normalise(" ".join(named))) - _NO_CONCEPT:
        return None
    return " ".join(named)


def _pressure_meant(leaf: Comparison) -> str | None:
    """The pressure a limit on a bare "blood pressure" bounds, by its size: 130-139 mmHg is a systolic
    limit, 85-89 mmHg a diastolic one; in between (96-104) it cannot be told."""
    if not _BARE_PRESSURE.search(leaf.variable) or _WHICH_PRESSURE.search(leaf.variable):
        return None
    if leaf.unit not in (None, "mm[Hg]") or leaf.multiplier_of:
        return None
    low, high = leaf.value, leaf.value2 if leaf.value2 is not None else leaf.value
    if low >= 105:
        return "systolic blood pressure"
    if high <= 95:
        return "diastolic blood pressure"
    return None


_TEST = re.compile(rf"\b(?:{'|'.join(map(re.escape, _SYNONYMS['test_words']))})\b", re.I)
_ALLERGY = re.compile(r"allerg\w*\s+to\b", re.IGNORECASE)
_BARE_PRESSURE = re.compile(r"\b(?:blood\s+pressure|BP)\b", re.IGNORECASE)
_WHICH_PRESSURE = re.compile(r"systolic|diastolic|\bSBP\b|\bDBP\b|\bmean\b|\bMAP\b|pulse", re.IGNORECASE)


def _episode_over(fact: Fact, as_of: dt.date) -> Fact:
    """``fact``, ended once its usual course has passed when it is a self-limited episode (a pregnancy,
    an acute infection: ``lexicons/derived.json``) recorded with a start and no end; a procedure that
    closes a wound ("Suture open wound", 2011) says the wound was there then, not that it is open now."""
    if fact.ended or fact.date is None or fact.value is not None:
        return fact
    named = fact.text.lower()
    for episode in _EPISODES:
        if fact.kind not in episode.get("kinds", ["condition"]):
            continue
        if any(word in named for word in episode["words"]):
            end = fact.date + dt.timedelta(days=episode["days"])
            return fact.model_copy(update={"ended": True, "end": end}) if end < as_of else fact
    return fact


_EPISODES = load("derived", "trialsieve.match")["episodes"]
#: a name that says the thing is past: "Former smoker", "Ex-smoker"
_SAID_OVER = re.compile(rf"^\W*(?:{alternation(load('derived', 'trialsieve.match')['said_over'])})[\s-]*\w", re.I)


def _said_over(fact: Fact) -> Fact:
    """``fact``, ended when its own name says it is past ("Former smoker"): it is a history of smoking,
    not a smoker now (``derived.json`` ``said_over``)."""
    if fact.ended or not fact.present or fact.family or not _SAID_OVER.match(fact.text):
        return fact
    return fact.model_copy(update={"ended": True, "end": fact.date})


def _still_taken(fact: Fact) -> bool:
    """A medication list's entry not stopped (a FHIR MedicationRequest or MedicationStatement): the
    patient takes it now. A dated drug fact elsewhere (a simple file's "chemotherapy, 2 months ago")
    says when it was given, no more."""
    return (
        fact.kind == "drug"
        and not fact.ended
        and fact.source.startswith(("MedicationRequest/", "MedicationStatement/"))
    )


def _superseded(match: Match, matches: list[Match]) -> Match:
    """``match``, ended when a later dated fact of the same concept records it absent ("tobacco use:
    absent, 2026" after "cigarette smoking, 1985": he quit)."""
    fact = match.fact
    if fact.ended or fact.date is None:
        return match
    later = [m.fact.date for m in matches if not m.fact.present and m.fact.date and m.fact.date > fact.date]
    if not later:
        return match
    return Match(fact.model_copy(update={"ended": True, "end": min(later)}), match.how, match.score)


def _presumed(reason: str, section: str, denied: bool = False, negated: bool = False) -> bool:
    """Cooperation is presumed. An ability (or eligibility for a treatment), an investigator's judgment,
    a contraindication and a thing named by its effect, only where they would exclude ("inability to
    swallow", "any condition that in the investigator's opinion...", "medications that affect
    appetite"; in an inclusion, under a `not` or denied in its own words: "No ... other
    contraindication to EGD", "not presenting any contraindications to ..."): a record silent about
    them gives no reason to exclude, but an inclusion that requires one ("able to speak English")
    needs evidence."""
    if reason in _COOPERATION:
        return True
    excluding = (section == "exclusion") != denied
    if reason in _AGAINST:  # what excludes is the thing itself, so its denial in an inclusion asks its absence
        excluding = excluding != negated
    return reason in _UNLESS_RECORDED and excluding


def _vacuous(rule: Rule) -> bool:
    """A presence leaf whose concept is only words that name nothing, a fragment the structuring found
    no concept in that only says when on the study's timeline ("at the screening assessment"), or a
    part of the tree made only of leaves that ask nothing of their own (``Presence.role``: "other than
    PDA and/or PFO"). Beside a sibling that asks something, such a part decides nothing: presumed
    absent, it would undo "HbA1c >= 11%" in an exclusion; left for review, it would hold back a
    criterion its sibling settles."""
    if rule.type in LOGIC_TYPES:
        return all(leaf.type == "presence" and leaf.role is not None for leaf in leaves(rule))
    if rule.type == "unstructured":
        return rule.reason == NO_CONCEPT and not (words(normalise(rule.text)) - _NO_CONCEPT - _TIMELINE)
    return rule.type == "presence" and not (words(normalise(rule.concept.text)) - _NO_CONCEPT)


def _compare(value: float, operator: str, bound: float, bound2: float | None = None) -> Verdict:
    ok = {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "=": abs(value - bound) < 1e-9,
        "between": bound <= value <= (bound2 if bound2 is not None else bound),
    }[operator]
    return "met" if ok else "not_met"
