"""Patient to trials: retrieve candidate trials from an index, then order them by eligibility.

Retrieval finds trials about the patient's problems; the eligibility check then moves trials the
patient is ruled out of below those still open, keeping retrieval order within each group:
eligible first, then needs review, then ineligible.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.index.chunks import Chunk
from trialsieve.index.metadata import Filters
from trialsieve.index.search import Method, TrialIndex
from trialsieve.match.check import Overall, Report, check
from trialsieve.match.concepts import ConceptMatcher
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


def patient_query(patient: Patient) -> str:
    """The search text for a patient: the note, else the things the record says the patient has."""
    if patient.note and patient.note.strip():
        return patient.note
    present = sorted((f for f in patient.facts if f.present), key=lambda f: f.kind != "condition")
    query = "; ".join(dict.fromkeys(f.text for f in present))
    if not query:
        raise PatientError(f"{patient.source or patient.id}: no note and no recorded findings to search trials with")
    return query


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
) -> list[Candidate]:
    """The ``k`` trials retrieved for ``patient``, re-ranked by their eligibility check."""
    hits = index.rank_trials(patient_query(patient), k, filters, method)
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
        if check_eligibility:
            trial = index.metadata.trial(hit.trial_id)
            report: Report = check(structure_trial(trial, tagger), patient, as_of, matcher, presume)
            candidate.overall, candidate.ruled_out_by = report.overall, report.ruled_out_by
            candidate.missing_data = report.missing_data
        candidates.append(candidate)
    if check_eligibility:
        candidates.sort(key=lambda c: (_ORDER[c.overall], c.retrieval_rank))
        for rank, candidate in enumerate(candidates, start=1):
            candidate.rank = rank
    return candidates
