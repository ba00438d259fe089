"""Eligibility check speed: one patient against one structured trial, and against 1,000.

python benchmarks/check_speed.py   (targets: under 10 ms for one trial, under 2 s for 1,000)

Trials are structured once beforehand (the structuring speed is structure_speed.py's business);
concepts are matched by codes and words, as `check --no-embeddings` does.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from trialsieve.extract.ingest import read_file
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.records import read_patient

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    trials = [structure_trial(next(read_file(p))) for p in sorted((ROOT / "data" / "trials" / "seeds").glob("*.txt"))]
    patient = read_patient(ROOT / "data" / "patients" / "care-ssc-branch-i.json")
    matcher, day = ConceptMatcher(), dt.date(2026, 11, 22)
    criteria = sum(len(t.criteria) for t in trials) / len(trials)
    for trial in trials:
        check(trial, patient, day, matcher)  # warm caches
        runs = 200
        start = time.perf_counter()
        for _ in range(runs):
            check(trial, patient, day, matcher)
        per = (time.perf_counter() - start) / runs
        print(f"{trial.trial.id}: {len(trial.criteria)} criteria, {per * 1000:.2f} ms per check")
    many = [trials[i % len(trials)] for i in range(1000)]
    start = time.perf_counter()
    for trial in many:
        check(trial, patient, day, matcher)
    print(f"1,000 trials (~{criteria:.0f} criteria each): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
