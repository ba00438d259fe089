"""Build an index from trials, or add trials to one, embedding only what is new.

Trials are cut into chunks (``chunks.py``), embedded a batch at a time, and written as a new
generation (``store.py``): the FAISS vectors, the SQLite metadata and the BM25 arrays.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from trialsieve.index import dense, store
from trialsieve.index.chunks import Chunk, chunk_trial
from trialsieve.index.embeddings import Embedder, default_model
from trialsieve.index.lexical import Lexical
from trialsieve.index.lock import DEFAULT_WAIT, LOCK, writing
from trialsieve.index.metadata import Metadata, digest
from trialsieve.trial import Trial

if TYPE_CHECKING:
    import faiss

EMBED_SLICE = 4096  # chunks embedded and added to FAISS at a time, to bound memory


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
    """A new index of ``trials`` in ``directory``, replacing any index there; one writer at a time."""
    trials = list(trials)
    if not trials:
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
        return _write(directory, trials, embedder, None, index_type, progress)


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
        return _write(directory, list(trials), embedder, manifest, None, progress)


def check_model(manifest: store.Manifest, embedder: Embedder) -> None:
    """Vectors of two models are not comparable: refuse a model other than the index's."""
    if (embedder.name, embedder.dimension) != (manifest.model, manifest.dimension):
        raise store.StoreError(
            f"the index was built with {manifest.model} ({manifest.dimension} dimensions); this model is "
            f"{embedder.name} ({embedder.dimension} dimensions). Use the index's model or rebuild the index"
        )


def _write(
    directory: Path,
    trials: list[Trial],
    embedder: Embedder,
    base: store.Manifest | None,
    index_type: dense.IndexType | None,
    progress: bool,
) -> Outcome:
    """A new generation holding ``base``'s content plus ``trials``, published; removed if anything fails."""
    generation, work = store.new_generation(directory)
    outcome = Outcome(manifest=base)
    try:
        if base:
            metadata, vectors, seen = _read_base(directory, base, work)
        else:
            metadata, vectors, seen = Metadata(work / store.METADATA, create=True), None, {}
        with closing(metadata):
            fresh = _sort_out(trials, seen, outcome)
            if base and not fresh:
                shutil.rmtree(work)
                return outcome  # nothing new: the index stays as it is
            chunks = [chunk for trial in fresh for chunk in chunk_trial(trial)]
            if vectors is None:
                vectors = dense.create(embedder.dimension, index_type or dense.choose(len(chunks)))
            _embed(chunks, vectors, embedder, progress)
            metadata.add(fresh, enumerate(chunks, start=base.chunks if base else 0))
            Lexical.build(metadata.texts()).save(work / store.LEXICAL)
            trial_count, chunk_count = metadata.counts()
        dense.write(vectors, work / store.DENSE)
        outcome.added, outcome.chunks = [t.id for t in fresh], len(chunks)
        outcome.manifest = store.Manifest(
            model=embedder.name,
            model_path=None if embedder.path == default_model() else str(embedder.path.resolve()),
            dimension=embedder.dimension,
            index_type=dense.kind_of(vectors),
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


def _read_base(directory: Path, base: store.Manifest, work: Path) -> tuple[Metadata, faiss.Index, dict[str, str]]:
    """The current generation's metadata (copied into ``work``), vectors and digests, or a StoreError.

    Checksums only say the files are the ones the manifest names; a foreign or hand-edited
    index can still hold files that do not open, or vectors of another size than it states.
    """
    old = store.generation_dir(directory, base)
    try:
        shutil.copyfile(old / store.METADATA, work / store.METADATA)
        metadata, vectors = Metadata(work / store.METADATA), dense.read(old / store.DENSE)
        seen = metadata.digests()
    except (RuntimeError, OSError, sqlite3.DatabaseError) as error:
        raise store.StoreError(f"{directory}: cannot read the index files ({error}); rebuild the index") from error
    if (vectors.d, vectors.ntotal) != (base.dimension, base.chunks):
        metadata.close()
        raise store.StoreError(f"{directory}: the vectors do not match the manifest; rebuild the index")
    return metadata, vectors, seen


def _sort_out(trials: list[Trial], seen: dict[str, str], outcome: Outcome) -> list[Trial]:
    """The trials not yet indexed; the others are noted in ``outcome`` as unchanged or changed."""
    fresh = []
    for trial in trials:
        fingerprint = digest(trial)
        if trial.id in seen:
            (outcome.unchanged if seen[trial.id] == fingerprint else outcome.changed).append(trial.id)
        else:
            seen[trial.id] = fingerprint
            fresh.append(trial)
    return fresh


def _embed(chunks: list[Chunk], vectors: faiss.Index, embedder: Embedder, progress: bool) -> None:
    """Embed ``chunks`` into ``vectors`` a slice at a time, so memory stays bounded."""
    bar = tqdm(total=len(chunks), unit="chunk", desc="embedding", disable=not progress)
    for start in range(0, len(chunks), EMBED_SLICE):
        part = chunks[start : start + EMBED_SLICE]
        vectors.add(embedder.encode([c.text for c in part]))
        bar.update(len(part))
    bar.close()
