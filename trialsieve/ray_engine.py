"""``structure --engine ray``: the same per-trial code as ``--workers N``, run by Ray Data.

Why Ray and not a scheduler of our own: the registry (about 550,000 studies) takes tens of CPU-hours
with the entity model, more than one machine's day, and the people who structure it already run Ray
clusters (on Kubernetes or cloud VMs). Ray Data gives the actor pool (each actor loads the entity
model once, as each ``--workers`` process does), backpressure and node failures for free.

How a run goes:

- the driver reads the inputs as ``structure`` always does (streaming: JSONL a line at a time, the
  registry's zip a member at a time) and skips trials already in OUT, in windows of ``WINDOW``
  trials, so the driver's memory does not grow with the registry;
- each window is a Ray dataset of trial records; ``map_batches`` runs ``Structurer`` (the per-trial
  ``batch._structure_one``) on an actor pool of ``workers`` actors;
- the structured lines come back to the driver, which writes them as shards in ``OUT.shards/``, each
  written whole (to a temporary name, synced, then renamed), so a shard is either there entire or not
  at all;
- at the end, and at the start of every run (after a crash), the shards are merged into OUT: lines
  of trials already in OUT are left out, OUT is synced, then the shard is deleted. A kill -9 at any
  point therefore loses only the trials in flight (structured again on the rerun) and never writes a
  trial twice.

Only the driver reads inputs and writes outputs, so a cluster needs no shared file system: trials go
to the actors, and lines come back, through Ray's object store.

The cost of windows: Ray Data makes one actor pool per dataset, so the actors (and the entity model)
are loaded again each window: a few seconds a window, against minutes of structuring.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from trialsieve.batch import Summary, _done, _structure_one, _trial_line, tagger
from trialsieve.extract.ingest import Failure
from trialsieve.trial import Trial

WINDOW = 4096  # trials a Ray dataset: bounds the driver's memory and the object store's
BATCH = 32  # trials a call of an actor: small enough that the last batches of a window end together
SHARD = 256  # lines a shard


def shard_dir(out: Path) -> Path:
    return out.with_name(out.name + ".shards")


class Structurer:
    """The Ray Data actor: the entity model loaded once (in ``__init__``), then one call per batch."""

    def __init__(self, model: str | None):
        self.model = Path(model) if model else None
        if self.model is not None:
            tagger(self.model)  # cached for the actor's life, as in a --workers process

    def __call__(self, batch: dict) -> dict:
        lines, statuses, sources, reasons = [], [], [], []
        for raw in batch["trial"]:
            result = _structure_one(Trial.model_validate_json(raw), self.model)
            if isinstance(result, Failure):
                lines.append("")
                statuses.append("{}")
                sources.append(result.source)
                reasons.append(result.reason)
            else:
                line, counts, _ = result
                lines.append(line)
                statuses.append(json.dumps(counts))
                sources.append("")
                reasons.append("")
        return {"line": lines, "statuses": statuses, "source": sources, "reason": reasons}


def settle_shards(out: Path, summary: Summary, keep: bool = True) -> int:
    """Shards a killed run left, merged into ``out`` (or deleted when ``keep`` is False, for a fresh
    run); the number of trials merged. Called before the run reads which trials ``out`` holds."""
    shards = shard_dir(out)
    if not shards.is_dir():
        return 0
    for stray in shards.glob("*.tmp"):  # a shard being written when the run was killed: never whole
        stray.unlink()
    if not keep:
        for shard in shards.glob("*.jsonl"):
            shard.unlink()
        shards.rmdir()
        return 0
    merged = merge_shards(out, summary)
    if merged:
        summary.notes.append(f"merged {merged} trials an interrupted Ray run left in {shards}")
    return merged


def merge_shards(out: Path, summary: Summary) -> int:
    """Every shard's lines appended to ``out`` but those of trials already there; each shard deleted
    once ``out`` is synced with its lines, so a crash during the merge leaves nothing lost or doubled."""
    shards = shard_dir(out)
    if not shards.is_dir():
        return 0
    # _done also removes a last line of ``out`` cut short by a crash (its note is kept); a corrupt line
    # it finds is reported by ``structure_files``' own reading of ``out``, not once more here
    scratch = Summary()
    done = set(_done(out, scratch))
    summary.notes.extend(scratch.notes)
    merged = 0
    with out.open("ab") as sink:
        for shard in sorted(shards.glob("*.jsonl")):
            with shard.open("rb") as lines:
                for raw in lines:
                    found = _trial_line(raw)
                    if found is None or found[0] in done:
                        continue
                    done.add(found[0])
                    sink.write(raw if raw.endswith(b"\n") else raw + b"\n")
                    merged += 1
            sink.flush()
            os.fsync(sink.fileno())
            shard.unlink()
    shards.rmdir()
    return merged


def structure_with_ray(
    items: Iterator[Trial | Failure],
    out: Path,
    summary: Summary,
    model: Path | None = None,
    workers: int = 1,
    address: str | None = None,
    total: int | None = None,
    progress: bool = True,
    window: int = WINDOW,
) -> None:
    """Structure ``items`` on Ray into shards beside ``out``, then merge them into it (module docstring)."""
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("--engine ray needs Ray: pip install 'trialsieve[ray]'") from error

    started = _connect(ray, address, workers)
    shards = shard_dir(out)
    shards.mkdir(parents=True, exist_ok=True)
    run = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    bar = tqdm(total=total, unit=" trials", file=sys.stderr, disable=not progress, desc="structuring (ray)")
    written = 0
    try:
        while True:
            trials: list[str] = []
            for item in items:
                if isinstance(item, Failure):
                    summary.failures.append(item)
                    bar.update(1)
                else:
                    trials.append(item.model_dump_json())
                if len(trials) >= window:
                    break
            if not trials:
                break
            for batch in _run_window(ray, trials, model, workers):
                written += 1
                _write_shard(shards / f"{run}-{written:06d}.jsonl", batch, summary)
                bar.update(len(batch["line"]))
            if len(trials) < window:
                break
    finally:  # stopped (Ctrl-C, SIGTERM, a Ray error) or done: what was structured goes into OUT now
        bar.close()
        if started:
            ray.shutdown()
        merge_shards(out, summary)


def _connect(ray, address: str | None, workers: int) -> bool:
    """Ray joined at ``address``, else a local instance with ``workers`` CPUs; True when we started it."""
    import logging

    from ray.data import DataContext

    # Ray Data logs each window's plan and timing, and a warning that its bars are off: ours says it
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = DataContext.get_current()
    context.enable_progress_bars = False  # our bar counts trials; Ray's count blocks, per window
    context.print_on_execution_start = False
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False, logging_level="WARNING")
    else:  # "local": never join a cluster named by RAY_ADDRESS without --address
        ray.init(
            address="local", num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level="WARNING"
        )
    return True


def _run_window(ray, trials: list[str], model: Path | None, workers: int) -> Iterator[dict]:
    """One window's results, ``SHARD`` rows at a time, in whatever order the actors finish."""
    dataset = ray.data.from_items([{"trial": raw} for raw in trials], override_num_blocks=-(-len(trials) // BATCH))
    structured = dataset.map_batches(
        Structurer,
        fn_constructor_kwargs={"model": str(model) if model else None},
        batch_size=BATCH,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    yield from structured.iter_batches(batch_size=SHARD, batch_format="numpy")


def _write_shard(path: Path, batch: dict, summary: Summary) -> None:
    """The batch's lines as one shard, whole or not at all; its counts and failures into ``summary``."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as sink:
        for line, statuses, source, reason in zip(
            batch["line"], batch["statuses"], batch["source"], batch["reason"], strict=True
        ):
            if not line:
                summary.failures.append(Failure(str(source), str(reason)))
                continue
            sink.write(f"{line}\n")
            counts = Counter(json.loads(statuses))
            summary.trials += 1
            summary.no_criteria += not counts
            summary.criteria += sum(counts.values())
            summary.statuses.update(counts)
        sink.flush()
        os.fsync(sink.fileno())
    temporary.rename(path)


class Encoder:
    """The Ray Data actor of ``index build --engine ray``: the embedding model loaded once per actor."""

    def __init__(self, model: str, batch_size: int):
        from trialsieve.index.embeddings import Embedder

        self.embedder = Embedder(Path(model), batch_size=batch_size)

    def __call__(self, batch: dict) -> dict:
        return {"row": batch["row"], "vector": self.embedder.encode([str(t) for t in batch["text"]])}


class RayEmbedder:
    """What ``index.build`` needs of an ``Embedder`` (name, path, dimension, ``encode``), with ``encode``
    run on a Ray Data actor pool, ``workers`` actors each loading the model once.

    ``build`` embeds a slice of chunks at a time (``EMBED_SLICE``) and stores each in order before
    the next: each slice is one Ray dataset, whose vectors come back by row number and are put in
    order here, so FAISS row i is chunk i as in a one-machine build, and the metadata, BM25 and
    manifest are written by the usual code. The vectors are the same model's on the same texts.
    """

    def __init__(self, embedder, workers: int = 1, address: str | None = None):
        import ray

        self.name, self.path, self.dimension = embedder.name, embedder.path, embedder.dimension
        self.batch_size, self.workers = embedder.batch_size, workers
        self._ray = ray
        self._started = _connect(ray, address, workers)

    def encode(self, texts: list[str]):
        import numpy as np

        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return vectors
        rows = [{"row": i, "text": text} for i, text in enumerate(texts)]
        per_block = max(self.batch_size, -(-len(texts) // (4 * self.workers)))  # a few blocks an actor
        dataset = self._ray.data.from_items(rows, override_num_blocks=-(-len(texts) // per_block))
        encoded = dataset.map_batches(
            Encoder,
            fn_constructor_kwargs={"model": str(self.path), "batch_size": self.batch_size},
            batch_size=per_block,
            batch_format="numpy",
            compute=self._ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
        )
        for batch in encoded.iter_batches(batch_size=None, batch_format="numpy"):
            vectors[batch["row"]] = np.stack(batch["vector"])
        return vectors

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False
