"""Check one patient against one structured trial: a verdict per criterion and overall.

The patient must meet every inclusion criterion and none of the exclusion criteria. The trial's
registry limits (minimum and maximum age, sex) are checked as inclusion criteria of their own.
Overall: ``ineligible`` names the criteria that rule the patient out; ``needs_review`` lists the
data to collect and the items a person must judge; ``eligible`` only when every criterion is
settled in the patient's favour.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.logic import Verdict
from trialsieve.match.patient import Patient
from trialsieve.match.verdicts import LOOK_BACK_DAYS, Evidence, Judge
from trialsieve.rules import Concept, Demographic, Presence, Rule, Section
from trialsieve.trial import StructuredTrial, Trial

if TYPE_CHECKING:
    from collections.abc import Callable

    #: reads the patient's note for one criterion: (criterion, section, note) -> evidence, or None
    #: when the note does not settle it (``llm.verdicts.note_reader`` makes one from a language model)
    NoteReader = Callable[[str, str, str], Evidence | None]

Overall = Literal["eligible", "ineligible", "needs_review"]


class CriterionVerdict(BaseModel):
    id: str
    section: Section
    text: str
    parent: str | None = None
    verdict: Verdict
    evidence: list[Evidence]

    @property
    def against(self) -> bool:
        """Does this verdict rule the patient out?"""
        return self.verdict == ("met" if self.section == "exclusion" else "not_met")

    @property
    def settled(self) -> bool:
        return self.verdict in ("met", "not_met")


class Report(BaseModel):
    """The machine form of ``trialsieve check --json``."""

    trial_id: str
    patient_id: str
    as_of: dt.date
    overall: Overall
    ruled_out_by: list[str]
    missing_data: list[str]
    review: list[str]
    criteria: list[CriterionVerdict]


#: The evaluation dates a check is made at: a record's dates and ages mean nothing much outside them.
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def evaluation_day(text: str | None) -> dt.date:
    """The date a check is made as of: ``text`` (YYYY-MM-DD; ValueError otherwise) or today."""
    if not text:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not a date: {text}") from error
    return _possible(day)


def _possible(day: dt.date) -> dt.date:
    """``day``, when a check can be made on it: year 1 or 9999 makes every age impossible, and date
    arithmetic on it overflows. ValueError otherwise."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{day} is outside the dates a check is made on ({EARLIEST_DAY} to {LATEST_DAY})")
    return day


def check(
    structured: StructuredTrial,
    patient: Patient,
    as_of: dt.date | None = None,
    matcher: ConceptMatcher | None = None,
    presume: bool = False,
    read_note: NoteReader | None = None,
    look_back: int | None = None,
) -> Report:
    """Every criterion's verdict for ``patient``, and the overall verdict.

    ``read_note``, when given, reads the patient's note for top-level criteria the rules leave unknown.
    ``look_back``: days a "current" value with no window of its own may be old (None: ``LOOK_BACK_DAYS``;
    0: any age).
    """
    as_of = _possible(as_of or dt.date.today())
    conditions = tuple(structured.trial.conditions)  # the event of an "age at diagnosis" that names none
    days = LOOK_BACK_DAYS if look_back is None else look_back or None
    judge = Judge(
        patient, as_of, matcher or ConceptMatcher(), presume, conditions, own=_own(structured), look_back=days
    )
    results = []
    for cid, text, rule in _registry_criteria(structured.trial):
        verdict, evidence = judge.rule(rule, text)
        results.append(CriterionVerdict(id=cid, section="inclusion", text=text, verdict=verdict, evidence=evidence))
    if (focus := _focus(judge, structured.trial)) is not None:
        results.append(focus)
    for criterion in structured.criteria:
        section = "exclusion" if criterion.section == "exclusion" else "inclusion"
        # spans index the criteria text from the criterion's start: its children's leaves are further on
        text = structured.trial.criteria_text[criterion.start :] or criterion.text
        verdict, evidence = judge.rule(criterion.rule, text, section)
        asked = criterion.parent is None and verdict == "unknown" and read_note is not None and patient.note
        if asked and (found := read_note(criterion.text, section, patient.note)) is not None:
            verdict, evidence = found.verdict, [*evidence, found]
        results.append(
            CriterionVerdict(
                id=criterion.id,
                section=section,
                text=criterion.text,
                parent=criterion.parent,
                verdict=verdict,
                evidence=evidence,
            )
        )
    if not structured.criteria:  # nothing was read, so nothing was checked: no one is eligible on that
        text = "no criteria were read from the trial's eligibility section"
        evidence = Evidence(text=text, verdict="needs_review", reason=f"{text}; a person must read the trial")
        results.append(
            CriterionVerdict(
                id=NO_CRITERIA, section="inclusion", text=text, verdict="needs_review", evidence=[evidence]
            )
        )
    roots = [r for r in results if r.parent is None]
    ruled_out = [r.id for r in roots if r.against]
    unsettled = [r for r in roots if not r.settled]
    missing = [e.missing for r in unsettled for e in r.evidence if e.verdict == "unknown" and e.missing]
    review = [r.id for r in unsettled if any(e.verdict == "needs_review" for e in r.evidence)]
    overall: Overall = "ineligible" if ruled_out else "needs_review" if unsettled else "eligible"
    return Report(
        trial_id=structured.trial.id,
        patient_id=patient.id,
        as_of=as_of,
        overall=overall,
        ruled_out_by=ruled_out,
        missing_data=list(dict.fromkeys(missing)),
        review=review,
        criteria=results,
    )


def _own(structured: StructuredTrial) -> tuple[str, ...]:
    """The diseases the trial is about: its registry conditions and the diseases its top-level inclusions
    ask for outright (not under a `not`, not negated), which an "other malignancy" does not count."""
    asked = [
        leaf.concept.text
        for c in structured.criteria
        if c.section == "inclusion" and c.parent is None
        for leaf in _asked_outright(c.rule)
        if leaf.concept.kind == "condition"
    ]
    return tuple(dict.fromkeys([*structured.trial.conditions, *asked]))


def _asked_outright(rule: Rule) -> list[Presence]:
    """The presence leaves ``rule`` asks for with no `not` above them and no denial of their own."""
    if rule.type == "not":
        return []
    if rule.type in ("all", "any", "at_least"):
        return [leaf for arg in rule.args for leaf in _asked_outright(arg)]
    return [rule] if isinstance(rule, Presence) and not rule.negated and rule.role is None else []


def _focus(judge: Judge, trial: Trial) -> CriterionVerdict | None:
    """The trial's registry conditions as a row of their own: met when the record names one, else
    unknown ("not recorded"); never not_met, for a trial's focus alone rules no one out. A patient
    without the disease a trial studies is then not called eligible on its written criteria alone."""
    if not trial.conditions:
        return None
    text = f"the trial studies: {'; '.join(trial.conditions)}"
    found = [
        judge.presence(Presence(concept=Concept(text=name, kind="condition"), span=(0, len(text))), name)
        for name in trial.conditions
    ]
    met = next((e for e in found if e.verdict == "met"), None)
    if met is not None:
        return CriterionVerdict(id=FOCUS, section="inclusion", text=text, verdict="met", evidence=[met])
    reason = "none of the trial's conditions is recorded; a trial's focus alone rules no one out"
    evidence = Evidence(text=text, verdict="unknown", reason=reason, missing=trial.conditions[0])
    return CriterionVerdict(id=FOCUS, section="inclusion", text=text, verdict="unknown", evidence=[evidence])


#: The id of the row that says whether the patient has what the trial studies.
FOCUS = "registry.conditions"
#: The id of the row that says the trial gave no criteria to check.
NO_CRITERIA = "criteria.none"


def _registry_criteria(trial: Trial) -> list[tuple[str, str, Rule]]:
    """The registry's age and sex limits as criteria: ``registry.minimum_age``, ... ."""
    found = []
    for name, limit, operator in (("minimum_age", trial.minimum_age, ">="), ("maximum_age", trial.maximum_age, "<=")):
        if limit is not None:
            text = f"{name.replace('_', ' ')}: {limit.text}"
            rule = Demographic(
                attribute="age", operator=operator, value=limit.value, unit=limit.unit, span=(0, len(text))
            )
            found.append((f"registry.{name}", text, rule))
    if trial.sex in ("female", "male"):
        text = f"sex: {trial.sex}"
        found.append(("registry.sex", text, Demographic(attribute="sex", value_text=trial.sex, span=(0, len(text)))))
    return found
