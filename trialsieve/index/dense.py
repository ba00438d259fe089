"""The FAISS part of the index: inner product on L2-normalised vectors, so scores are cosines.

Up to ``EXACT_LIMIT`` chunks the index is exact (``IndexFlatIP``: 4 bytes x dimension per chunk,
search time linear in size: 0.75 ms at 10k chunks, 15 ms at 100k on 2 cores). Above it, HNSW
(``IndexHNSWFlat``, M=32): approximate, about 1.2x the memory, search time near logarithmic
(1.3 ms at 100k), and like the flat index it grows by ``add`` without training. The limit keeps
search under 5 ms on 2 cores; ``--index-type flat`` keeps any size exact. ``EF_CONSTRUCTION``
and ``EF_SEARCH`` trade build and search time for recall (``benchmarks/index_speed.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    import faiss

IndexType = Literal["flat", "hnsw"]
EXACT_LIMIT = 20_000
HNSW_M = 32
EF_CONSTRUCTION = 80
EF_SEARCH = 128


def choose(chunks: int) -> IndexType:
    """The index type for a collection of this many chunks."""
    return "flat" if chunks <= EXACT_LIMIT else "hnsw"


def create(dimension: int, kind: IndexType) -> faiss.Index:
    import faiss

    if kind == "flat":
        return faiss.IndexFlatIP(dimension)
    index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.hnsw.efSearch = EF_SEARCH
    return index


def kind_of(index: faiss.Index) -> IndexType:
    import faiss

    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def search(index: faiss.Index, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``k`` nearest rows to one query vector as (row, cosine), best first; ``rows`` restricts them."""
    import faiss

    k = min(k, index.ntotal if rows is None else len(rows))
    if k <= 0:
        return []
    params = None
    if rows is not None:
        selector = faiss.IDSelectorBatch(rows)
        params = (
            faiss.SearchParametersHNSW(sel=selector, efSearch=max(EF_SEARCH, k))
            if kind_of(index) == "hnsw"
            else faiss.SearchParameters(sel=selector)
        )
    elif kind_of(index) == "hnsw":
        params = faiss.SearchParametersHNSW(efSearch=max(EF_SEARCH, k))
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def read(path: Path) -> faiss.Index:
    import faiss

    return faiss.read_index(str(path))


def write(index: faiss.Index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))
