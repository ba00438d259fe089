"""Build an index from trials, or add trials to one, embedding only what is new.

Trials are cut into chunks (``chunks.py``), embedded a batch at a time, and written as a new
generation (``store.py``): the FAISS vectors, the SQLite metadata and the BM25 arrays.

The build streams, so that the registry (about 550,000 trials, 10 million chunks) fits: trials are
read ``WINDOW`` at a time, chunked, and written to SQLite at once; their texts wait for embedding
only until ``EMBED_SLICE`` are pending, and their vectors go to a file in the generation's folder.
Once every chunk is embedded, their number, known at last, picks the FAISS type, FAISS is given
room for all of them at once, and filled from the file a slice at a time; BM25 reads the texts
back from SQLite. Above ``dense.IVF_LIMIT`` chunks FAISS is not filled in memory: its inverted
lists are written to disk from the file (``ondisk.py``). BM25 is built a shard at a time
(``lexical.py``), its files in the generation's folder like the rest. What grows with the collection
in memory is then 4 bytes a chunk while IVF's lists are written, BM25's vocabulary (with the
distinct terms, not the chunks), and the ids of the trials added (for ``Outcome``); below the
limit, the FAISS vectors too (4 bytes x dimension a chunk, plus HNSW's graph).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from trialsieve.index import dense, lexical, ondisk, store
from trialsieve.index.chunks import chunk_trial
from trialsieve.index.embeddings import Embedder, default_model
from trialsieve.index.lock import DEFAULT_WAIT, LOCK, writing
from trialsieve.index.metadata import Metadata, digest
from trialsieve.trial import Trial

if TYPE_CHECKING:
    import faiss

EMBED_SLICE = 4096  # chunks embedded and added to FAISS at a time, to bound memory
WINDOW = 256  # trials read, chunked and written to SQLite at a time
VECTORS = "vectors.f32"  # the embedded slices, in the generation's folder until FAISS is built


@dataclass
class Outcome:
    """What a build or an add did."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # already indexed with the same content
    changed: list[str] = field(default_factory=list)  # already indexed with other content: not updated
    chunks: int = 0
    manifest: store.Manifest | None = None


def build(
    directory: Path,
    trials: Iterable[Trial],
    embedder: Embedder,
    index_type: dense.IndexType | None = None,
    progress: bool = True,
    wait: float = DEFAULT_WAIT,
) -> Outcome:
    """A new index of ``trials`` in ``directory``, replacing any index there; one writer at a time.

    ``trials`` may be a stream (a generator over the registry's archive): it is read once, a window
    at a time; only its first trial is read before the lock is taken, to refuse an empty one."""
    stream = iter(trials)
    first = next(stream, None)
    if first is None:
        raise ValueError("no trials to index")
    if directory.exists() and not directory.is_dir():
        raise store.StoreError(f"{directory} is a file, not a folder; choose another --index")
    foreign = directory.is_dir() and not (directory / store.MANIFEST).is_file()
    if foreign and any(p.name != LOCK for p in directory.iterdir()):
        raise store.StoreError(f"{directory} is a non-empty folder that is not an index; choose another --index")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise store.StoreError(f"cannot create {directory}: {error.strerror or error}") from error
    with writing(directory, wait):
        return _write(directory, chain([first], stream), embedder, None, index_type, progress)


def add(
    directory: Path, trials: Iterable[Trial], embedder: Embedder, progress: bool = True, wait: float = DEFAULT_WAIT
) -> Outcome:
    """``trials`` added to the index in ``directory``; those already in it are not embedded again.

    The manifest is read again once the lock is held: a writer that finished meanwhile changed it.
    """
    store.read_manifest(directory)  # a folder that is not an index is refused before a lock file is made in it
    with writing(directory, wait):
        manifest = store.read_manifest(directory)
        check_model(manifest, embedder)
        store.verify(directory, manifest)
        return _write(directory, iter(trials), embedder, manifest, None, progress)


def check_model(manifest: store.Manifest, embedder: Embedder) -> None:
    """Vectors of two models are not comparable: refuse a model other than the index's."""
    if (embedder.name, embedder.dimension) != (manifest.model, manifest.dimension):
        raise store.StoreError(
            f"the index was built with {manifest.model} ({manifest.dimension} dimensions); this model is "
            f"{embedder.name} ({embedder.dimension} dimensions). Use the index's model or rebuild the index"
        )


def _write(
    directory: Path,
    trials: Iterator[Trial],
    embedder: Embedder,
    base: store.Manifest | None,
    index_type: dense.IndexType | None,
    progress: bool,
) -> Outcome:
    """A new generation holding ``base``'s content plus ``trials``, published; removed if anything fails.

    Rows are numbered in the order trials come, and their chunks in reading order, as a build that
    held every trial numbered them; the texts are embedded in the same slices of ``EMBED_SLICE``
    chunks, so the vectors are the same too."""
    generation, work = store.new_generation(directory)
    outcome = Outcome(manifest=base)
    try:
        if base:
            metadata, vectors = _read_base(directory, base, work)
        else:
            metadata, vectors = Metadata(work / store.METADATA, create=True), None
        # the generation is synced whole before it is published (store.commit): a sync per window buys nothing
        metadata.db.execute("PRAGMA synchronous = OFF")
        with closing(metadata), _Slices(work / VECTORS, embedder, progress) as slices:
            row = base.chunks if base else 0
            while window := list(islice(trials, WINDOW)):
                fresh = _sort_out(window, metadata, outcome)
                chunks = [chunk for trial in fresh for chunk in chunk_trial(trial)]
                metadata.add(fresh, enumerate(chunks, start=row))
                slices.add([chunk.text for chunk in chunks])
                row += len(chunks)
                outcome.added += [t.id for t in fresh]
                outcome.chunks += len(chunks)
            slices.flush()
            if base and not outcome.added:
                shutil.rmtree(work)
                return outcome  # nothing new: the index stays as it is
            kind = dense.kind_of(vectors) if vectors is not None else index_type or dense.choose(outcome.chunks)
            if kind == "ivf" and vectors is None and not slices.count:
                kind = "flat"  # no vector to train IVF's quantizer on
            if kind == "ivf":  # lists written to disk from the vectors' file, not held (ondisk.py)
                ondisk.build(work / store.DENSE, slices.path, slices.count, embedder.dimension, vectors)
            else:
                if vectors is None:
                    vectors = dense.create(embedder.dimension, kind)
                slices.fill(vectors)
                # written and let go before BM25 is built: the two largest parts are not in memory at once
                dense.write(vectors, work / store.DENSE)
            del vectors
            lexical.write(metadata.texts(), work / store.LEXICAL)  # a shard at a time (lexical.py)
            trial_count, chunk_count = metadata.counts()
        outcome.manifest = store.Manifest(
            model=embedder.name,
            model_path=None if embedder.path == default_model() else str(embedder.path.resolve()),
            dimension=embedder.dimension,
            index_type=kind,
            trials=trial_count,
            chunks=chunk_count,
            generation=generation,
            files=store.checksums(work),
            updated=dt.datetime.now(dt.UTC),
        )
        store.commit(directory, work, outcome.manifest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return outcome


def _read_base(directory: Path, base: store.Manifest, work: Path) -> tuple[Metadata, faiss.Index]:
    """The current generation's metadata (copied into ``work``) and vectors, or a StoreError.

    Checksums only say the files are the ones the manifest names; a foreign or hand-edited
    index can still hold files that do not open, or vectors of another size than it states.
    """
    old = store.generation_dir(directory, base)
    try:
        shutil.copyfile(old / store.METADATA, work / store.METADATA)
        metadata, vectors = Metadata(work / store.METADATA), dense.read(old / store.DENSE)
        metadata.counts()  # SQLite reads a file only when asked: ask now, so a damaged one is refused here
    except (RuntimeError, OSError, ValueError, sqlite3.DatabaseError) as error:
        raise store.StoreError(f"{directory}: cannot read the index files ({error}); rebuild the index") from error
    if (vectors.d, vectors.ntotal) != (base.dimension, base.chunks):
        metadata.close()
        raise store.StoreError(f"{directory}: the vectors do not match the manifest; rebuild the index")
    return metadata, vectors


def _sort_out(window: list[Trial], metadata: Metadata, outcome: Outcome) -> list[Trial]:
    """The trials of ``window`` not yet indexed; the others are noted in ``outcome`` as unchanged or
    changed. "Indexed" is what SQLite holds (the base and the windows before this one) or an earlier
    trial of this window: asked of SQLite a window at a time, not kept in memory for the run."""
    seen = metadata.digests([t.id for t in window])
    fresh = []
    for trial in window:
        fingerprint = digest(trial)
        if trial.id in seen:
            (outcome.unchanged if seen[trial.id] == fingerprint else outcome.changed).append(trial.id)
        else:
            seen[trial.id] = fingerprint
            fresh.append(trial)
    return fresh


class _Slices:
    """Chunk texts embedded ``EMBED_SLICE`` at a time, whatever the windows' sizes (the slices a build
    holding every chunk would cut, so the vectors are the same), their vectors appended to ``path``;
    then added to FAISS slice by slice, as they were embedded. The file is deleted on leaving."""

    def __init__(self, path: Path, embedder: Embedder, progress: bool) -> None:
        self.path, self.embedder = path, embedder
        self.file = path.open("wb")
        self.pending: list[str] = []
        self.sizes: list[int] = []
        self.bar = tqdm(unit="chunk", desc="embedding", disable=not progress)

    def __enter__(self) -> _Slices:
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()
        self.bar.close()
        self.path.unlink(missing_ok=True)

    def add(self, texts: list[str]) -> None:
        self.pending += texts
        while len(self.pending) >= EMBED_SLICE:
            self._embed(self.pending[:EMBED_SLICE])
            del self.pending[:EMBED_SLICE]

    def flush(self) -> None:
        """Embed what is pending; the file then holds every vector."""
        if self.pending:
            self._embed(self.pending)
            self.pending = []
        self.file.close()
        self.bar.close()

    @property
    def count(self) -> int:
        """Vectors in the file."""
        return sum(self.sizes)

    def fill(self, index: faiss.Index) -> None:
        """Add the vectors to ``index``, which is first given room for all of them (``dense.reserve``)."""
        import numpy as np

        dense.reserve(index, index.ntotal + sum(self.sizes))
        with self.path.open("rb") as stream:
            for size in self.sizes:
                index.add(np.fromfile(stream, dtype=np.float32, count=size * index.d).reshape(size, index.d))

    def _embed(self, texts: list[str]) -> None:
        import numpy as np

        vectors = np.ascontiguousarray(self.embedder.encode(texts), dtype=np.float32)
        self.file.write(vectors.tobytes())
        self.sizes.append(len(texts))
        self.bar.update(len(texts))
