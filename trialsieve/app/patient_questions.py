"""Questions about a described patient: "Would a 45-year-old woman with HbA1c 8% be eligible for
AMASS?", "Patients with HIV are not eligible for the primary trial."

The patient is read from the words with the note reader and checked against the trial's rules, the
way `trialsieve check` checks a record; the answer is yes, no or cannot tell, with the criteria that
decide it cited. What the question does not mention is read in the patient's favour where a
screener would (an exclusion it does not name is presumed absent), but an inclusion it says nothing
about leaves the answer at "cannot tell": a question rarely says everything, and a guessed yes
would send a coordinator after a patient the trial cannot take.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.extract.grammar import find_limits
from trialsieve.extract.lexicon import load
from trialsieve.llm.citations import Citation, criterion_label, plain
from trialsieve.match.check import Report, check
from trialsieve.match.note import read_note

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import Patient
    from trialsieve.trial import StructuredTrial

Verdict = Literal["yes", "no", "cannot tell"]
_SHOWN = 3  # criteria quoted for an answer: enough to act on, few enough to read


@dataclass(frozen=True)
class PatientQuestion:
    """The patient as the question describes them, and whether it asserts they are not eligible."""

    described: str
    denied: bool


@dataclass(frozen=True)
class PatientAnswer:
    text: str
    citations: list[Citation]
    verdict: Verdict  # does what the question asks (or the statement says) hold?


@cache
def _lexicon() -> tuple[list[re.Pattern[str]], re.Pattern[str], frozenset[str]]:
    data = load("patient_questions", package="trialsieve.app")
    patterns = [re.compile(p, re.IGNORECASE) for p in data["patterns"]]
    return patterns, re.compile(data["trial_words"], re.IGNORECASE), frozenset(data["bare"])


def patient_question(question: str) -> PatientQuestion | None:
    """The described patient, when ``question`` asks (or states) whether such a patient is eligible."""
    patterns, trial_words, bare = _lexicon()
    for pattern in patterns:
        if found := pattern.match(question.strip()):
            described = trial_words.sub("", found["who"]).strip(" ,.")
            if set(re.findall(r"[\w'-]+", described.lower())) - bare:  # "can men take part" asks about the trial
                return PatientQuestion(described, bool(found.groupdict().get("denied")))
    return None


def answer_patient(
    asked: PatientQuestion,
    structured: StructuredTrial,
    name: str,
    tagger: EntityTagger | None,
    matcher: ConceptMatcher,
    as_of: dt.date | None = None,
) -> PatientAnswer:
    """Yes, no or cannot tell, for the patient ``asked`` describes, against ``structured`` (``name``
    as answers write it), with the deciding criteria cited."""
    report = check(structured, described_patient(asked.described, tagger), as_of, matcher, presume=True)
    eligible: Verdict = {"eligible": "yes", "ineligible": "no"}.get(report.overall, "cannot tell")
    text, citations = _explain(report, eligible, structured.trial.id, name, asked.described)
    if asked.denied and eligible != "cannot tell":  # "... are not eligible": true when the check rules them out
        holds: Verdict = "yes" if eligible == "no" else "no"
        text = f"The statement is {'true' if holds == 'yes' else 'false'}. {text}"
        return PatientAnswer(text, citations, holds)
    return PatientAnswer(text, citations, eligible)


def described_patient(described: str, tagger: EntityTagger | None) -> Patient:
    """The patient the words describe, read as a note; a value given as a range ("ANC < 1,700/mm3")
    is no value: read as 1,700 it could meet a limit the patient fails."""
    patient = read_note(described, tagger, "described patient", "the question")
    bounded = {limit.value for limit in find_limits(described)}
    facts = [f for f in patient.facts if f.value is None or f.value not in bounded]
    return patient.model_copy(update={"facts": facts})


def _explain(report: Report, eligible: Verdict, trial_id: str, name: str, described: str) -> tuple[str, list[Citation]]:
    roots = {c.id: c for c in report.criteria if c.parent is None}
    who = f"“{plain(described)}”"
    if eligible == "no":
        deciding = [roots[cid] for cid in report.ruled_out_by if cid in roots][:_SHOWN]
        text = f"No: {name} would not take {who}.\n" + _lines(deciding, trial_id)
    elif eligible == "yes":
        deciding = [c for c in roots.values() if c.section == "inclusion" and c.verdict == "met"][:_SHOWN]
        text = (
            f"Yes, on what the question says: {who} meets every criterion of {name}, reading any exclusion "
            "it does not mention as absent (a screener still confirms them)."
        )
    else:
        deciding = [c for c in roots.values() if not c.settled][:_SHOWN]
        missing = list({m.lower(): m for m in reversed(report.missing_data)}.values())[::-1]  # one spelling each
        wanted = ", ".join(plain(m) for m in missing[:5]) or "a person's review"
        text = f"Cannot tell from the question: {name} also needs {wanted}.\n" + _lines(deciding, trial_id)
    citations = [_citation(c, trial_id) for c in deciding]
    return text, citations


def _lines(criteria: list, trial_id: str) -> str:
    """One line a criterion: its citation (a link to it, and its words), then why it decides."""
    return "\n".join(f"- {_citation(c, trial_id).markdown()}: {_reason(c)}" for c in criteria)


def _citation(criterion, trial_id: str) -> Citation:
    return Citation(trial_id, criterion_label(criterion.id), criterion.text)


def _reason(criterion) -> str:
    said = next((e.reason for e in criterion.evidence if e.verdict == criterion.verdict), None)
    return plain(said or criterion.verdict.replace("_", " "))
