"""Criteria per second: the grammar path (one criterion's text -> rule) with the logic model and
with the cue lexicons only, whole trials, and the full pipeline with both models on.

    python benchmarks/structure_speed.py [data/lct/criteria_entities.dev.jsonl] [--repeat 3] [--model-lines 2000]
    python benchmarks/structure_speed.py --memory 1000 10000 [--model-up-to 1000]

The grammar runs on one core (one process); torch uses the machine's cores for the model.
Targets: the grammar path above 2,000 criteria/s; with both models above 150 criteria/s on 2 cores.

``--memory N...`` runs the real ``trialsieve structure`` command in a subprocess on N real
ClinicalTrials.gov records (``shared/data/ctgov/studies.dev.jsonl``, repeated under new ids) and
prints its peak RSS (issue 22: it grew to 1.75 GB over 1,311 trials). Memory must stay flat in the
number of trials, within 20% from 1k to 10k: records are streamed, each trial's line is written and
let go, and every cache is bounded. Runs above ``--model-up-to`` trials use the grammar path
(``--no-model``), since 10k trials through the tagger take most of an hour on 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from trialsieve.extract.ingest import read_file
from trialsieve.extract.structure import structure_text, structure_texts, structure_trial

ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "data" / "ctgov" / "studies.dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=ROOT / "data" / "lct" / "criteria_entities.dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model-lines", type=int, default=2000, help="lines to time with the model (0: skip)")
    parser.add_argument("--memory", type=int, nargs="+", metavar="N", help="peak RSS of `structure` on N trials")
    parser.add_argument("--model-up-to", type=int, default=1000, help="--memory runs above this use --no-model")
    parser.add_argument("--records", type=Path, default=CTGOV, help="ClinicalTrials.gov JSONL to repeat")
    args = parser.parse_args()
    if args.memory:
        memory(args.memory, args.model_up_to, args.records)
        return
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
    from trialsieve.extract.tagger import EntityTagger

    started = time.perf_counter()
    tagger = EntityTagger.load()
    print(f"model load: {time.perf_counter() - started:.1f} s (ONNX Runtime)")
    for batch_size in (1, 32):
        tagger.tag(lines[:64], batch_size)  # warm up
        tagger.batch_size = batch_size
        seconds = _time(lambda: structure_texts(lines, ["unknown"] * len(lines), tagger))
        print(f"with both models, batch {batch_size}: {len(lines) / seconds:,.0f} criteria/s (tag + structure)")


def memory(counts: list[int], model_up_to: int, records: Path) -> None:
    """Peak RSS of the real ``structure`` command on each count of trials, and the ratio between
    the first and each later one."""
    studies = [line for line in records.read_text("utf-8").splitlines() if line.strip()]
    exe = str(Path(sys.executable).with_name("trialsieve"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    first: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="structure-memory-") as scratch:
        for n in counts:
            source = Path(scratch) / f"trials-{n}.jsonl"
            with source.open("w", encoding="utf-8") as sink:
                for i in range(n):
                    study = json.loads(studies[i % len(studies)])
                    study["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{i:07d}"
                    sink.write(json.dumps(study) + "\n")
            path = "model" if n <= model_up_to else "grammar"
            argv = [exe, "structure", str(source), "-o", str(Path(scratch) / f"out-{n}.jsonl"), "--no-progress"]
            argv += [] if path == "model" else ["--no-model"]
            started = time.perf_counter()
            child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            samples: list[float] = []
            watcher = threading.Thread(target=_watch, args=(child.pid, samples), daemon=True)
            watcher.start()
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - started
            summary = child.stdout.read().strip().splitlines()[:1]
            peak = usage.ru_maxrss / 1024
            base = first.setdefault(path, peak)
            quarters = [samples[int(len(samples) * q)] for q in (0.25, 0.5, 0.75)] if len(samples) >= 4 else []
            print(
                f"{n:>6} trials ({path} path): peak RSS {peak:.0f} MiB (x{peak / base:.2f} of the first {path} run), "
                f"RSS at 1/4, 1/2, 3/4 of the run {', '.join(f'{q:.0f}' for q in quarters)} MiB; "
                f"{seconds:.0f} s, exit {os.waitstatus_to_exitcode(status)}; {summary[0] if summary else ''}"
            )
            source.unlink()


def _watch(pid: int, samples: list[float]) -> None:
    """The child's resident memory in MiB, every half second, until it exits."""
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return
        samples.append(int(line.split()[1]) / 1024)
        time.sleep(0.5)


def _time(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
