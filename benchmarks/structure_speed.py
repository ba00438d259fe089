"""Criteria per second: the grammar path (one criterion's text -> rule) with the logic model and
with the cue lexicons only, whole trials, and the full pipeline with both models on.

    python benchmarks/structure_speed.py [data/lct/criteria_entities.dev.jsonl] [--repeat 3] [--model-lines 2000]

The grammar runs on one core (one process); torch uses the machine's cores for the model.
Targets: the grammar path above 2,000 criteria/s; with both models above 150 criteria/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from trialsieve.extract.ingest import read_file
from trialsieve.extract.structure import structure_text, structure_texts, structure_trial

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=ROOT / "data" / "lct" / "criteria_entities.dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model-lines", type=int, default=2000, help="lines to time with the model (0: skip)")
    args = parser.parse_args()
    lines = [json.loads(line)["text"] for line in args.data.read_text("utf-8").splitlines() if line.strip()]
    structure_text(lines[0])  # load lexicons and the logic model before timing
    best = min(_time(lambda: [structure_text(t) for t in lines]) for _ in range(args.repeat))
    rate = len(lines) / best
    print(f"grammar path with the logic model: {len(lines)} criteria in {best:.2f} s = {rate:,.0f} criteria/s")
    best = min(_time(lambda: [structure_text(t, logic=None) for t in lines]) for _ in range(args.repeat))
    print(f"grammar path, cue lexicons only: {len(lines) / best:,.0f} criteria/s (one core)")

    trials = [t for p in sorted((ROOT / "data" / "trials").rglob("*.txt")) for t in read_file(p)]
    n_criteria = sum(len(structure_trial(t).criteria) for t in trials)
    reps = 50
    seconds = _time(lambda: [structure_trial(t) for _ in range(reps) for t in trials])
    print(
        f"whole trials (segment + structure): {reps * len(trials) / seconds:,.0f} trials/s, "
        f"{reps * n_criteria / seconds:,.0f} criteria/s (one core)"
    )
    if args.model_lines:
        _with_model(lines[: args.model_lines])


def _with_model(lines: list[str]) -> None:
    import torch

    from trialsieve.extract.tagger import EntityTagger

    started = time.perf_counter()
    tagger = EntityTagger.load()
    print(f"model load: {time.perf_counter() - started:.1f} s ({torch.get_num_threads()} torch threads)")
    for batch_size in (1, 32):
        tagger.tag(lines[:64], batch_size)  # warm up
        tagger.batch_size = batch_size
        seconds = _time(lambda: structure_texts(lines, ["unknown"] * len(lines), tagger))
        print(f"with both models, batch {batch_size}: {len(lines) / seconds:,.0f} criteria/s (tag + structure)")


def _time(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
