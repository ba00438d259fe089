"""ONNX Runtime against torch, on the project's own evaluations: what moving inference off torch costs.

    python benchmarks/onnx_accuracy.py [--skip entities|embeddings|retrieval ...]

Inference runs the tagger's int8 ONNX graph and the embedder's fp32 ONNX graph (issue 22: a cold
command imported torch for 6-10 s). This runs each evaluation twice in one process, with the torch
models and with the ONNX ones, on the same code and data, and prints both and the difference:

- entities: ``eval extraction`` on the LCT test part (the README's figure): entity F1 strict and
  relaxed, core and all types, and numeric constraints (target: within 0.005);
- embeddings: cosine of each vector to sentence-transformers' on LCT criteria, their concepts and
  TrialGPT patient notes (target: 0.99 or more);
- retrieval: ``eval retrieval`` on the TrialGPT patient/trial rows: NDCG@10 etc. for dense and hybrid;
- eligibility: ``eval eligibility`` on the TrialGPT criterion rows (both models in play: the tagger
  reads notes and criteria, the embedder matches concepts), as of 2026-11-22.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from trialsieve.extract import lct

ROOT = Path(__file__).resolve().parent.parent


def entities() -> None:
    from trialsieve.eval.extraction import evaluate
    from trialsieve.extract.tagger import EntityTagger

    rows = lct.split(lct.read(ROOT / "data" / "lct" / "criteria_entities.dev.jsonl"))["test"]
    figures = {}
    for name, load in (("torch", EntityTagger.load_torch), ("onnx int8", EntityTagger.load)):
        started = time.perf_counter()
        result = evaluate(rows, load(), progress=False).as_dict()
        figures[name] = _flat(result)
        print(f"entities, {name}: {len(rows)} test-part lines in {time.perf_counter() - started:.1f} s")
    worst = 0.0
    for key, value in figures["torch"].items():
        other = figures["onnx int8"][key]
        if "micro" in key or key.startswith("numeric"):  # per-type figures of small types move more
            worst = max(worst, abs(other - value))
        print(f"  {key:<40} torch {value:.4f}  onnx {other:.4f}  diff {other - value:+.4f}")
    print(f"  largest difference among micro and numeric F1 {worst:.4f} (target: within 0.005)")


def _flat(result: dict, prefix: str = "") -> dict[str, float]:
    """Every F1 of an ``ExtractionResult.as_dict()``, by dotted key."""
    out: dict[str, float] = {}
    for key, value in result.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        elif key == "f1":
            out[prefix + key] = value
    return out


def embeddings() -> None:
    from trialsieve.index.embeddings import Embedder

    rows = [json.loads(line) for line in (ROOT / "data" / "lct" / "criteria_entities.dev.jsonl").open()]
    notes = [
        json.loads(line)["patient_text"] for line in (ROOT / "data" / "trialgpt" / "patient_trial.dev.jsonl").open()
    ]
    texts = {
        "LCT criteria": [r["text"] for r in rows[:1000]],
        "LCT concepts": list(dict.fromkeys(e["text"] for r in rows for e in r["entities"]))[:1000],
        "TrialGPT patient notes (cut at 256 tokens)": list(dict.fromkeys(notes)),
    }
    onnx, torch = Embedder(backend="onnx"), Embedder(backend="torch")
    for name, group in texts.items():
        cosine = (onnx.encode(group) * torch.encode(group)).sum(axis=1)
        print(f"embeddings, {name} ({len(group)}): cosine min {cosine.min():.6f}, mean {cosine.mean():.6f}")


def retrieval() -> None:
    from trialsieve.eval.retrieval import evaluate, read
    from trialsieve.index.build import build
    from trialsieve.index.embeddings import Embedder
    from trialsieve.index.search import TrialIndex

    judgements = read(ROOT / "data" / "trialgpt" / "patient_trial.dev.jsonl")
    for backend in ("torch", "onnx"):
        encoder = Embedder(backend=backend)
        with tempfile.TemporaryDirectory(prefix="onnx-accuracy-") as scratch:
            build(Path(scratch), judgements.trials, encoder, progress=False)
            index = TrialIndex(Path(scratch), encoder)
            result = evaluate(index, judgements, progress=False).as_dict()
            index.close()
        for method in ("dense", "hybrid"):
            figures = ", ".join(f"{k} {v:.4f}" for k, v in result[method].items() if isinstance(v, float))
            print(f"retrieval, {backend}, {method}: {figures}")


def eligibility() -> None:
    import datetime as dt

    from trialsieve.eval.eligibility import evaluate, read
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.index.embeddings import Embedder
    from trialsieve.match.concepts import ConceptMatcher

    rows = read(ROOT / "data" / "trialgpt" / "patient_criterion.dev.jsonl")
    for backend, load in (("torch", EntityTagger.load_torch), ("onnx", EntityTagger.load)):
        started = time.perf_counter()
        matcher = ConceptMatcher(Embedder(backend=backend))
        result = evaluate(rows, load(), matcher, dt.date(2026, 11, 22), progress=False).as_dict()
        figures = ", ".join(f"{k} {result[k]:.4f}" for k in ("accuracy", "accuracy_inclusion", "accuracy_exclusion"))
        print(f"eligibility, {backend}: {figures} ({len(rows)} rows, {time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip", nargs="*", default=[], choices=["entities", "embeddings", "retrieval", "eligibility"])
    args = parser.parse_args()
    parts = (("entities", entities), ("embeddings", embeddings), ("retrieval", retrieval), ("eligibility", eligibility))
    for name, run in parts:
        if name not in args.skip:
            run()


if __name__ == "__main__":
    main()
