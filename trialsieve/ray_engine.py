"""``structure --engine ray``: the same per-trial code as ``--workers N``, run by Ray actors.

Why Ray and not a scheduler of our own: the registry (about 550,000 studies) takes tens of CPU-hours
with the entity model, more than one machine's day, and the people who structure it already run Ray
clusters (on Kubernetes or cloud VMs). Ray places the actors (each loads the entity model once, as
each ``--workers`` process does) on the cluster's nodes, moves trials and results, and starts an
actor lost with its node again.

How a run goes:

- the driver reads the inputs as ``structure`` always does (streaming: JSONL a line at a time, the
  registry's zip a member at a time) and skips trials already in OUT;
- it hands them, ``BATCH`` trials a call, to ``workers`` ``Structurer`` actors (the per-trial
  ``batch._structure_one``; each loads the entity model once, for the whole run), with at most
  ``QUEUED`` calls waiting an actor, so the driver's memory and the object store's do not grow with
  the registry;
- the structured lines come back to the driver, which writes them as shards in ``OUT.shards/``, each
  written whole (to a temporary name, synced, then renamed), so a shard is either there entire or not
  at all;
- at the end, the run's shards are appended to OUT as they are (``append_shards``): they hold only
  trials new to OUT, each once, since the driver skipped the others as it read; OUT is synced, then
  the shards are deleted;
- at the start of every run, shards a killed run left are merged into OUT line by line
  (``merge_shards``): lines of trials already in OUT are left out (a kill between syncing OUT and
  deleting a shard leaves its lines in both), OUT is synced, then the shard is deleted. A kill -9 at
  any point therefore loses only the trials in flight (structured again on the rerun) and never
  writes a trial twice.

Only the driver reads inputs and writes outputs, so a cluster needs no shared file system: trials go
to the actors, and lines come back, through Ray's object store.

Why actors of our own and not Ray Data's ``map_batches``: a Ray dataset is a fixed source, and the
driver reads the registry as a stream. A dataset a window of trials started a new actor pool (and
loaded the entity model again) every window; one dataset over the whole input would need it all in
the object store. The actors here are started once and fed as the input is read.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from trialsieve.batch import Summary, _done, _ends_with_newline, _structure_one, _trial_line, tagger
from trialsieve.extract.ingest import Failure
from trialsieve.trial import Trial

BATCH = 32  # trials a call of an actor: small enough that the actors end the run together
QUEUED = 2  # calls an actor at most, running or waiting: it never waits for the driver, nor holds much
RETRIES = 3  # an actor lost (its node gone) is started again, and its calls, which change nothing, run again
SHARD = 256  # lines a shard


def shard_dir(out: Path) -> Path:
    return out.with_name(out.name + ".shards")


class Structurer:
    """The actor of ``structure --engine ray``: the entity model loaded once (in ``__init__``), then one
    call per batch of trials (their JSON)."""

    def __init__(self, model: str | None):
        self.model = Path(model) if model else None
        if self.model is not None:
            tagger(self.model)  # cached for the actor's life, as in a --workers process

    def structure(self, trials: list[str]) -> dict:
        lines, statuses, sources, reasons = [], [], [], []
        for raw in trials:
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


def append_shards(out: Path) -> None:
    """A run's own shards appended to ``out`` whole, as bytes, then deleted once ``out`` is synced.

    Why not ``merge_shards``: it parses every line (JSON, then the trial validated and fingerprinted)
    and reads all of ``out`` again to skip the trials there, all on the driver after the actors are
    done: 4.7 of a 172 s run at 20,000 trials, and at a resumed registry run the whole output read
    twice. A run's shards need none of it: the driver skipped every trial ``out`` held, and every
    trial read twice, before handing it out, so they hold only new trials, each once. A kill during
    the append leaves the shards in place, and the next run's ``settle_shards`` merges them line by
    line, skipping what reached ``out``."""
    shards = shard_dir(out)
    if not shards.is_dir():
        return
    for stray in shards.glob("*.tmp"):  # a shard cut off by a stop mid-write: its trials are read again next run
        stray.unlink()
    written = sorted(shards.glob("*.jsonl"))
    with out.open("ab") as sink:
        if sink.tell() and not _ends_with_newline(out):
            sink.write(b"\n")
        for shard in written:
            with shard.open("rb") as lines:
                shutil.copyfileobj(lines, sink, 1 << 20)
        sink.flush()
        os.fsync(sink.fileno())
    for shard in written:
        shard.unlink()
    shards.rmdir()


def structure_with_ray(
    items: Iterator[Trial | Failure],
    out: Path,
    summary: Summary,
    model: Path | None = None,
    workers: int = 1,
    address: str | None = None,
    total: int | None = None,
    progress: bool = True,
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
    actor = ray.remote(num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES)(Structurer)
    actors = [actor.remote(str(model) if model else None) for _ in range(workers)]
    try:
        pending: dict[str, list] = {"line": [], "statuses": [], "source": [], "reason": []}
        for results in _structured(ray, actors, _batches(items, summary, bar)):
            for key, values in results.items():
                pending[key] += values
            if len(pending["line"]) >= SHARD or not results["line"]:  # an empty result: the input is read
                if pending["line"]:
                    written += 1
                    _write_shard(shards / f"{run}-{written:06d}.jsonl", pending, summary)
                    bar.update(len(pending["line"]))
                pending = {key: [] for key in pending}
    finally:  # stopped (Ctrl-C, SIGTERM, a Ray error) or done: what was structured goes into OUT now
        bar.close()
        if started:
            ray.shutdown()
        append_shards(out)


def _connect(ray, address: str | None, workers: int) -> bool:
    """Ray joined at ``address``, else a local instance with ``workers`` CPUs; True when we started it."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False, logging_level="WARNING")
    else:  # "local": never join a cluster named by RAY_ADDRESS without --address
        ray.init(
            address="local", num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level="WARNING"
        )
    return True


def _batches(items: Iterator[Trial | Failure], summary: Summary, bar: tqdm) -> Iterator[list[str]]:
    """The trials of ``items`` as JSON, ``BATCH`` a list; failures of reading go into ``summary``."""
    trials: list[str] = []
    for item in items:
        if isinstance(item, Failure):
            summary.failures.append(item)
            bar.update(1)
            continue
        trials.append(item.model_dump_json())
        if len(trials) == BATCH:
            yield trials
            trials = []
    if trials:
        yield trials


def _structured(ray, actors: list, batches: Iterator[list[str]]) -> Iterator[dict]:
    """Each batch's results, as the actors finish them (in any order), then one empty result.

    An actor has at most ``QUEUED`` calls given; the next batch goes to the first with room, so a slow
    actor (or node) takes fewer. Only those calls' trials are in the object store at once."""
    free = [a for a in actors for _ in range(QUEUED)]
    calls: dict = {}  # call -> the actor it is on
    for batch in batches:
        while not free:
            yield from _finished(ray, calls, free)
        worker = free.pop(0)
        calls[worker.structure.remote(batch)] = worker
    while calls:
        yield from _finished(ray, calls, free)
    yield {"line": [], "statuses": [], "source": [], "reason": []}


def _finished(ray, calls: dict, free: list) -> Iterator[dict]:
    """The results of the calls done, once at least one is; their actors given room again."""
    done, _ = ray.wait(list(calls), num_returns=1)
    for call in done:
        free.append(calls.pop(call))
        yield ray.get(call)


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
    """The actor of ``index build --engine ray``: the embedding model loaded once, for the whole build."""

    def __init__(self, model: str, batch_size: int):
        from trialsieve.index.embeddings import Embedder

        self.embedder = Embedder(Path(model), batch_size=batch_size)

    def encode(self, texts: list[str]):
        return self.embedder.encode(texts)


PARTS = 4  # parts of a slice an actor, so that an actor that finishes early takes another


class RayEmbedder:
    """What ``index.build`` needs of an ``Embedder`` (name, path, dimension, ``encode``), with ``encode``
    run on ``workers`` Ray actors, each loading the model once, that live as long as the build.

    ``build`` embeds a slice of chunks at a time (``EMBED_SLICE``) and stores each in order before
    the next. A slice is cut into parts, a few an actor, handed to whichever actor is free
    (``ray.util.ActorPool``), and the parts' vectors come back in order, so FAISS row i is chunk i as
    in a one-machine build, and the metadata, BM25 and manifest are written by the usual code. The
    vectors are the same model's on the same texts.

    Why actors of our own and not Ray Data's ``map_batches``: a Ray dataset is a fixed source, and
    the slices are made by the driver as it reads the trials, one after the other. A dataset a slice
    started a new actor pool (and loaded the model again) for every slice: 22 pools at 5,000 trials,
    7 times the local build's CPU. One dataset over every slice would need them all in the object
    store at once, which is the registry's texts (``structure --engine ray`` reads its input
    otherwise; see the module docstring). The pool here is started once and fed slice by slice.
    """

    def __init__(self, embedder, workers: int = 1, address: str | None = None):
        import ray
        from ray.util import ActorPool

        self.name, self.path, self.dimension = embedder.name, embedder.path, embedder.dimension
        self.batch_size, self.workers = embedder.batch_size, workers
        self._ray = ray
        self._started = _connect(ray, address, workers)
        # ``Encoder`` looked up now: the benchmark swaps in a stand-in
        actor = ray.remote(num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES)(Encoder)
        self._actors = [actor.remote(str(self.path), self.batch_size) for _ in range(workers)]
        self._pool = ActorPool(self._actors)

    def encode(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # whole batches of the model where it can, so most batches are the one-machine build's
        size = max(self.batch_size, -(-len(texts) // (PARTS * self.workers)))
        size = -(-size // self.batch_size) * self.batch_size
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        vectors = list(self._pool.map(lambda actor, part: actor.encode.remote(part), parts))
        return np.concatenate(vectors).astype(np.float32, copy=False)

    def close(self) -> None:
        for actor in self._actors:  # on a cluster joined, the actors are not left holding CPUs
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()
            self._started = False
