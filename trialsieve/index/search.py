"""Search an index: BM25, dense, or both fused by reciprocal rank fusion.

Hybrid ranks by RRF (Cormack et al. 2009): each method contributes 1 / (RRF_K + rank), so a
passage both methods rank well wins and neither method's score scale matters; TrialGPT fuses
BM25 and MedCPT the same way. Trials are ranked by their best chunk under each method, then fused.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from trialsieve.index import dense, store
from trialsieve.index.build import check_model
from trialsieve.index.chunks import Chunk
from trialsieve.index.embeddings import Embedder
from trialsieve.index.lexical import Lexical
from trialsieve.index.metadata import Filters, Metadata

Method = Literal["hybrid", "dense", "bm25"]
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")
RRF_K = 60
TRIAL_DEPTH = 1000  # chunks each method retrieves when ranking trials


class Hit(BaseModel):
    rank: int
    score: float
    row: int
    chunk: Chunk


class TrialHit(BaseModel):
    rank: int
    score: float
    trial_id: str
    title: str | None
    best: Chunk  # the passage that ranked the trial highest


class TrialIndex:
    """An opened index. The embedding model loads on the first dense or hybrid query."""

    def __init__(self, directory: Path, embedder: Embedder | None = None, verify: bool = True) -> None:
        self.directory = directory
        self.manifest = store.read_manifest(directory)
        if embedder is not None:
            check_model(self.manifest, embedder)
        if verify:
            store.verify(directory, self.manifest)
        base = store.generation_dir(directory, self.manifest)
        try:
            self.vectors = dense.read(base / store.DENSE)
            self.lexical = Lexical.load(base / store.LEXICAL)
        except (RuntimeError, OSError, ValueError) as error:
            raise store.StoreError(f"{directory}: cannot read the index files ({error}); rebuild the index") from error
        if (self.vectors.d, self.vectors.ntotal) != (self.manifest.dimension, self.manifest.chunks):
            raise store.StoreError(f"{directory}: the vectors do not match the manifest; rebuild the index")
        self.metadata = Metadata(base / store.METADATA)
        try:
            counts = self.metadata.counts()
        except sqlite3.DatabaseError as error:
            self.metadata.close()
            raise store.StoreError(f"{directory}: cannot read the index files ({error}); rebuild the index") from error
        if counts != (self.manifest.trials, self.manifest.chunks):
            self.metadata.close()
            raise store.StoreError(f"{directory}: the metadata does not match the manifest; rebuild the index")
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            path = self.manifest.model_path
            if path and not Path(path).is_dir():
                raise store.StoreError(f"the index's model {path} is not here; pass its local copy with --model")
            self._embedder = Embedder(Path(path) if path else None)
            check_model(self.manifest, self._embedder)
        return self._embedder

    def search(self, query: str, k: int = 10, filters: Filters | None = None, method: Method = "hybrid") -> list[Hit]:
        """The ``k`` best chunks for ``query``."""
        ranked = self._fused(self._rankings(query, k, filters, method), k)
        chunks = self.metadata.chunks(row for row, _ in ranked)
        return [Hit(rank=i, score=s, row=r, chunk=chunks[r]) for i, (r, s) in enumerate(ranked, start=1)]

    def rank_trials(
        self,
        query: str,
        k: int = 20,
        filters: Filters | None = None,
        method: Method = "hybrid",
        depth: int = TRIAL_DEPTH,
    ) -> list[TrialHit]:
        """The ``k`` best trials for ``query``, each by its best chunk among the top ``depth`` per method."""
        rankings = self._rankings(query, depth, filters, method)
        rows = {row for ranking in rankings for row, _ in ranking}
        chunks = self.metadata.chunks(rows)
        per_trial = [_best_per_trial(ranking, chunks) for ranking in rankings]
        ranked = self._fused([[(t, s) for t, (s, _) in best.items()] for best in per_trial], k)
        best_chunk: dict[str, tuple[int, int]] = {}  # trial -> (its best position under any method, that row)
        for best in per_trial:
            for position, (trial_id, (_, row)) in enumerate(best.items()):
                best_chunk[trial_id] = min(best_chunk.get(trial_id, (position, row)), (position, row))
        titles = self.metadata.titles(t for t, _ in ranked)
        return [
            TrialHit(rank=i, score=s, trial_id=t, title=titles.get(t), best=chunks[best_chunk[t][1]])
            for i, (t, s) in enumerate(ranked, start=1)
        ]

    def _rankings(self, query: str, k: int, filters: Filters | None, method: Method) -> list[list[tuple[int, float]]]:
        rows = self.metadata.rows(filters) if filters else None
        rankings = []
        if method in ("bm25", "hybrid"):
            rankings.append(self.lexical.search(query, k, rows))
        if method in ("dense", "hybrid"):
            vector = self.embedder.embed([query])[0]
            rankings.append(dense.search(self.vectors, vector, k, rows))
        return rankings

    @staticmethod
    def _fused(rankings: list[list[tuple]], k: int) -> list[tuple]:
        """One ranking as it is, or several fused by RRF; the best ``k`` (key, score)."""
        if len(rankings) == 1:
            return rankings[0][:k]
        fused: Counter = Counter()
        for ranking in rankings:
            for position, (key, _) in enumerate(ranking, start=1):
                fused[key] += 1 / (RRF_K + position)
        return fused.most_common(k)

    def close(self) -> None:
        self.metadata.close()


def _best_per_trial(ranking: list[tuple[int, float]], chunks: dict[int, Chunk]) -> dict[str, tuple[float, int]]:
    """Trial id -> (score, row) of its best chunk, in ranking order."""
    best: dict[str, tuple[float, int]] = {}
    for row, score in ranking:
        best.setdefault(chunks[row].trial_id, (score, row))
    return best
