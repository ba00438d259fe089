"""``trialsieve eval retrieval``: rank every trial for every patient, scored against graded labels.

The data is TrialGPT's patient/trial format: one JSON line per judged pair with ``patient_text``,
``trial_id``, the trial's text (``trial_criteria_text``, ``trial_title``) and ``label`` 0, 1 or 2.
All the file's trials are indexed; each patient's note is the query; trials a patient was not
judged against count as not relevant. Relevant means label >= 1.

- NDCG@10 uses the labels as gains (0, 1, 2) with a log2 discount, as trec_eval's ndcg_cut does.
- P@10, MRR and Recall@10/50 use relevance.
- share@90 is the fraction of the collection a patient's ranking must be read down to recall 90%
  of that patient's relevant trials (TrialGPT-Retrieval: over 90% recall within under 6%).

Patients with no relevant trial are left out of the means (they have no recall to measure).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from trialsieve.index.search import METHODS, TrialIndex
from trialsieve.jsonl import read_rows, require
from trialsieve.trial import Trial, is_safe_id

_FIELDS = frozenset({"patient_id", "patient_text", "trial_id", "trial_criteria_text", "label"})
METRICS = ("ndcg@10", "p@10", "mrr", "recall@10", "recall@50", "share@90")
PUBLISHED = [("TrialGPT-Retrieval (GPT-4 keywords, BM25 + MedCPT): share of corpus for 90% recall", "< 6%")]


@dataclass
class Judgements:
    trials: list[Trial]
    notes: dict[str, str]  # patient id -> note
    labels: dict[str, dict[str, int]] = field(default_factory=dict)  # patient -> trial -> label


def read(path: Path) -> Judgements:
    """The trials, patients and labels of a TrialGPT patient/trial JSONL file."""
    rows = read_rows(path, "a TrialGPT patient/trial row", _check)
    trials: dict[str, Trial] = {}
    judgements = Judgements([], {})
    for row in rows:
        trials.setdefault(
            row["trial_id"],
            Trial(
                id=row["trial_id"],
                title=row.get("trial_title"),
                criteria_text=row["trial_criteria_text"],
                source=f"{path} (TrialGPT patient/trial)",
            ),
        )
        judgements.notes[row["patient_id"]] = row["patient_text"]
        judgements.labels.setdefault(row["patient_id"], {})[row["trial_id"]] = row["label"]
    judgements.trials = list(trials.values())
    return judgements


def _check(row: dict) -> None:
    require(row, _FIELDS)
    if not is_safe_id(row["trial_id"]):  # it names index entries: a plain name, like ids at ingest
        raise ValueError(f"trial_id {str(row['trial_id'])[:60]!r} is not a plain name (letters, digits, '.', '-', '_')")
    for key in ("patient_id", "patient_text", "trial_criteria_text"):
        if not isinstance(row[key], str):
            raise ValueError(f"{key} is not a string")
    if not isinstance(row.get("trial_title", ""), str | None):
        raise ValueError("trial_title is not a string")
    if row["label"] not in (0, 1, 2):
        raise ValueError(f"label {row['label']!r} is not 0, 1 or 2")


def metrics(ranking: list[str], labels: dict[str, int], collection: int) -> dict[str, float]:
    """One patient's scores for a complete ranking of the collection."""
    relevant = {t for t, label in labels.items() if label > 0}
    hits = [t in relevant for t in ranking]
    gains = sorted(labels.values(), reverse=True)[:10]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    dcg = sum(labels.get(t, 0) / math.log2(i + 2) for i, t in enumerate(ranking[:10]))
    found, needed = 0, len(ranking)
    for position, hit in enumerate(hits, start=1):
        found += hit
        if found >= 0.9 * len(relevant):
            needed = position
            break
    return {
        "ndcg@10": dcg / ideal,
        "p@10": sum(hits[:10]) / 10,
        "mrr": next((1 / p for p, hit in enumerate(hits, start=1) if hit), 0.0),
        "recall@10": sum(hits[:10]) / len(relevant),
        "recall@50": sum(hits[:50]) / len(relevant),
        "share@90": needed / collection,
    }


@dataclass
class RetrievalResult:
    scores: dict[str, dict[str, float]]  # method -> metric -> mean
    patients: int
    skipped: int  # patients without a relevant trial
    trials: int
    rankings: dict[str, dict[str, list[str]]]  # method -> patient -> trial ids

    def as_dict(self) -> dict:
        return self.scores | {"patients": self.patients, "skipped_patients": self.skipped, "trials": self.trials}


def evaluate(index: TrialIndex, judgements: Judgements, progress: bool = True) -> RetrievalResult:
    """Every method's mean scores over the patients with at least one relevant trial."""
    trial_ids = sorted(t.id for t in judgements.trials)
    scored = [p for p, labels in judgements.labels.items() if any(labels.values())]
    sums: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(METRICS, 0.0))
    rankings: dict[str, dict[str, list[str]]] = defaultdict(dict)
    depth = index.manifest.chunks
    for patient in tqdm(scored, unit="patient", desc="ranking", disable=not progress):
        for method in METHODS:
            hits = index.rank_trials(judgements.notes[patient], len(trial_ids), method=method, depth=depth)
            ranked = [h.trial_id for h in hits]
            ranking = ranked + sorted(set(trial_ids) - set(ranked))  # unretrieved trials come last
            rankings[method][patient] = ranking
            for name, value in metrics(ranking, judgements.labels[patient], len(trial_ids)).items():
                sums[method][name] += value
    scores = {m: {name: total / len(scored) for name, total in sums[m].items()} for m in METHODS} if scored else {}
    skipped = len(judgements.labels) - len(scored)
    return RetrievalResult(scores, len(scored), skipped, len(trial_ids), dict(rankings))


def table(result: RetrievalResult) -> str:
    lines = [
        f"{result.trials} trials, {result.patients} patients with a relevant trial ({result.skipped} without)",
        f"{'method':8}" + "".join(f"{name:>11}" for name in METRICS),
    ]
    for method, scores in result.scores.items():
        lines.append(f"{method:8}" + "".join(f"{scores[name]:11.3f}" for name in METRICS))
    lines += [f"anchor: {what}: {figure}" for what, figure in PUBLISHED]
    return "\n".join(lines)
