"""Patient to trials: retrieve candidate trials from an index, then order them by eligibility.

Retrieval searches with the patient's active problems (a note's text when there is one), among
trials open to the patient's age and sex; each candidate says which of the patient's problems it
was found for. The eligibility check then moves trials the patient is ruled out of below those
still open: eligible first, then needs review, then ineligible. Within each group the trials go by
relevance: a trial about a disease the patient has (the check's focus row is met), then one whose
registry conditions or title name one of the patient's problems, then the rest, each in retrieval
order. A trial unrelated to the patient is "needs review" whenever the record is silent on what it
studies (a note never says "no malaria"), so retrieval order alone put it above the trials the
patient came for.

It sits above both the index and the verdicts (match), which it joins, so neither depends on the
other.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.index.chunks import Chunk
from trialsieve.index.metadata import Filters
from trialsieve.index.search import Method, TrialIndex
from trialsieve.match.check import FOCUS, Overall, Report, check
from trialsieve.match.concepts import ConceptMatcher, normalise
from trialsieve.match.concepts import words as content_words
from trialsieve.match.patient import Patient, PatientError

_ORDER: dict[Overall, int] = {"eligible": 0, "needs_review": 1, "ineligible": 2}


class Candidate(BaseModel):
    rank: int
    trial_id: str
    title: str | None
    retrieval_rank: int
    retrieval_score: float
    best: Chunk  # the passage that retrieved the trial
    overall: Overall | None = None  # None when not checked
    ruled_out_by: list[str] = []
    missing_data: list[str] = []
    why: list[str] = []  # the patient's problems the trial was found for
    ruled_out_text: list[str] = []  # the text of each criterion in ``ruled_out_by``, in its order
    relevance: int = 2  # 0: about a disease the patient has, 1: names one of their problems, 2: neither
    focus: str | None = None  # whether the patient has what the trial studies (met, unknown)


def problems(patient: Patient) -> list[str]:
    """What the record says the patient has now: active conditions, not lab names, tests or history;
    all recorded conditions when none is active."""
    conditions = [f for f in patient.facts if f.kind == "condition" and f.present and not f.family]
    active = [f for f in conditions if not f.ended] or conditions
    return list(dict.fromkeys(f.text for f in active))


def patient_query(patient: Patient) -> str:
    """The search text for a patient: the note, else the patient's problems (``problems``)."""
    if patient.note and patient.note.strip():
        return patient.note
    query = "; ".join(problems(patient))
    if not query:
        raise PatientError(f"{patient.source or patient.id}: no note and no recorded conditions to search trials with")
    return query


def patient_filters(patient: Patient, as_of: dt.date, filters: Filters | None = None) -> Filters:
    """``filters`` with the patient's age and sex added where they say nothing: a child is not shown
    trials for adults, a man not trials for women."""
    given = filters.model_dump() if filters else {}
    age = patient.age_on(as_of)
    if given.get("age") is None and age is not None:
        given["age"] = round(age, 2)
    if not given.get("sex") and patient.sex in ("female", "male"):
        given["sex"] = patient.sex
    return Filters(**given)


def screen(
    index: TrialIndex,
    patient: Patient,
    k: int = 20,
    method: Method = "hybrid",
    filters: Filters | None = None,
    check_eligibility: bool = True,
    tagger: EntityTagger | None = None,
    matcher: ConceptMatcher | None = None,
    as_of: dt.date | None = None,
    presume: bool = False,
    look_back: int | None = None,
) -> list[Candidate]:
    """The ``k`` trials retrieved for ``patient``, re-ranked by their eligibility check."""
    as_of = as_of or dt.date.today()
    hits = index.rank_trials(patient_query(patient), k, patient_filters(patient, as_of, filters), method)
    named = problems(patient)
    candidates = []
    for hit in hits:
        candidate = Candidate(
            rank=hit.rank,
            trial_id=hit.trial_id,
            title=hit.title,
            retrieval_rank=hit.rank,
            retrieval_score=hit.score,
            best=hit.best,
        )
        trial = index.metadata.trial(hit.trial_id)
        studies = " ".join([*(trial.conditions if trial else []), hit.title or ""])
        candidate.why = [p for p in named if _names(studies + " " + hit.best.text, p)] or [
            f"passage: {hit.best.text[:80]}"
        ]
        candidate.relevance = 1 if any(_names(studies, p) for p in named) else 2
        if check_eligibility and trial is not None:
            report: Report = check(
                structure_trial(trial, tagger), patient, as_of, matcher, presume, look_back=look_back
            )
            candidate.overall, candidate.ruled_out_by = report.overall, report.ruled_out_by
            texts = {c.id: " ".join(c.text.split()) for c in report.criteria}
            candidate.ruled_out_text = [texts.get(r, "") for r in report.ruled_out_by]
            candidate.missing_data = report.missing_data
            candidate.focus = next((c.verdict for c in report.criteria if c.id == FOCUS), None)
            if candidate.focus == "met":
                candidate.relevance = 0
        candidates.append(candidate)
    if check_eligibility:
        candidates.sort(key=lambda c: (_ORDER.get(c.overall, 1), c.relevance, c.retrieval_rank))
        for rank, candidate in enumerate(candidates, start=1):
            candidate.rank = rank
    return candidates


def _words(text: str) -> frozenset[str]:
    return content_words(normalise(text))


def _names(text: str, problem: str) -> bool:
    """Whether ``text`` names ``problem``: at least two thirds of its words, not one word it shares with
    any disease ("syndrome", "disease", "sclerosis"), which made a spine trial "found for" Sjögren's syndrome."""
    wanted = _words(problem)
    return bool(wanted) and 3 * len(wanted & _words(text)) >= 2 * len(wanted)
