"""The FAISS part of the index: inner product on L2-normalised vectors, so scores are cosines.

Up to ``EXACT_LIMIT`` chunks the index is exact (``IndexFlatIP``: 4 bytes x dimension per chunk,
search time linear in size: 0.75 ms at 10k chunks, 15 ms at 100k on 2 cores). Above it, HNSW
(``IndexHNSWFlat``, M=32): approximate, about 1.2x the memory, search time near logarithmic
(1.3 ms at 100k), and like the flat index it grows by ``add`` without training. The limit keeps
search under 5 ms on 2 cores; ``--index-type flat`` keeps any size exact. ``EF_CONSTRUCTION``
and ``EF_SEARCH`` trade build and search time for recall (``benchmarks/index_speed.py``).

Filtered searches (``rows``) must return every passing chunk up to ``k``. HNSW with an ID filter
cannot promise that: it walks the whole graph but keeps only passing nodes, so a filter passing
few chunks leaves the search with few or none (100k chunks, 50 passing: 2 of 10 results on
average). So up to ``FILTER_EXACT_LIMIT`` passing chunks (more for k above ``EF_SEARCH``) the
search is exact over just those vectors (FAISS's ``knn_inner_products_by_idx``, no copy: 0.4 to
1.3 ms for 5,000 at 384 dimensions on 2 cores); above it HNSW with a bitmap filter (1.2 to 1.5 ms
at 100k for k=10), and should that still come back short, exact over the passing chunks after
all. A flat index is always searched exactly.

Above ``IVF_LIMIT`` chunks (about 85 MiB of HNSW) the index is IVF with its lists on disk
(``ondisk.py``), so that neither building nor searching it holds the collection's vectors: the
same filtered-search rule holds, the exact search reading the passing rows' vectors from the lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from trialsieve.index import ondisk

if TYPE_CHECKING:
    import faiss

IndexType = Literal["flat", "hnsw", "ivf"]
EXACT_LIMIT = 20_000
IVF_LIMIT = 50_000
HNSW_M = 32
EF_CONSTRUCTION = 80
EF_SEARCH = 128
FILTER_EXACT_LIMIT = 5_000


def choose(chunks: int) -> IndexType:
    """The index type for a collection of this many chunks."""
    return "flat" if chunks <= EXACT_LIMIT else "hnsw" if chunks <= IVF_LIMIT else "ivf"


def create(dimension: int, kind: IndexType) -> faiss.Index:
    """An empty flat or HNSW index; an IVF index is built from its vectors' file (``ondisk.build``)."""
    import faiss

    if kind == "ivf":
        raise ValueError("an IVF index is built from its vectors' file: ondisk.build")
    if kind == "flat":
        return faiss.IndexFlatIP(dimension)
    index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.hnsw.efSearch = EF_SEARCH
    return index


def reserve(index: faiss.Index, total: int) -> None:
    """Room for ``total`` vectors in ``index``, allocated at once.

    FAISS keeps its vectors in one ``std::vector``, which grows by doubling, and while it grows the
    old and the new copies are both in memory: 805 MiB at the peak for 527 MiB of vectors (360,000
    at 384 dimensions, measured), 540 MiB with the room made first. FAISS has no ``reserve``; a
    vector resized up keeps its capacity when resized back down, which makes the room.
    """
    import faiss

    storage = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    used = storage.codes.size()
    storage.codes.resize(max(used, total * storage.code_size))
    storage.codes.resize(used)


def kind_of(index: faiss.Index) -> IndexType:
    import faiss

    if isinstance(index, faiss.IndexIVF):
        return "ivf"
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def search(index: faiss.Index, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``k`` nearest rows to one query vector as (row, cosine), best first.

    ``rows`` (distinct row numbers) restricts them, and then ``min(k, len(rows))`` come back.
    """
    import faiss

    query = np.ascontiguousarray(query.reshape(-1), dtype=np.float32)
    kind = kind_of(index)
    hnsw = kind == "hnsw"
    if rows is None:
        k = min(k, index.ntotal)
        params = faiss.SearchParametersHNSW(efSearch=max(EF_SEARCH, k)) if hnsw else None
        if kind != "ivf" or k <= 0:
            return _search(index, query, k, params) if k > 0 else []
        hits = _search(index, query, k, ondisk.params(index, k))
        # the lists probed may hold fewer than k rows: then every list is
        return hits if len(hits) == k else _search(index, query, k, ondisk.params(index, k, every=True))
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    k = min(k, len(rows))
    if k <= 0:
        return []
    if rows.min() < 0 or rows.max() >= index.ntotal:
        raise ValueError(f"filter rows outside the index's 0..{index.ntotal - 1}")
    # HNSW's time grows with efSearch (raised to k), exact's with the passing rows: the limit grows with k
    if kind == "flat" or len(rows) <= FILTER_EXACT_LIMIT * max(EF_SEARCH, k) // EF_SEARCH:
        return _exact(index, query, k, rows)
    passing = np.zeros(index.ntotal, dtype=bool)
    passing[rows] = True
    # a bitmap: 0.07 ms to build for 60k rows where IDSelectorBatch's hash set takes 3 ms
    selector = faiss.IDSelectorBitmap(np.packbits(passing, bitorder="little"))
    if hnsw:
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(EF_SEARCH, k))
    else:
        params = ondisk.params(index, k, selector)
    hits = _search(index, query, k, params)
    return hits if len(hits) == k else _exact(index, query, k, rows)


def _search(
    index: faiss.Index, query: np.ndarray, k: int, params: faiss.SearchParameters | None
) -> list[tuple[int, float]]:
    scores, ids = index.search(query.reshape(1, -1), k, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def _exact(index: faiss.Index, query: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[int, float]]:
    """Exact top ``k`` among ``rows``, reading the stored vectors in place.

    FAISS's own loop rather than numpy: numpy's threaded BLAS contends with FAISS's OpenMP threads
    on a small machine (12 ms where this takes 0.15 ms for 2,000 rows on 2 cores). It reads raw
    memory, so the query's size is checked here rather than by ``index.search``.
    """
    import faiss

    if query.size != index.d:
        raise ValueError(f"a query of dimension {query.size} for an index of dimension {index.d}")
    if kind_of(index) == "ivf":
        return ondisk.exact(index, query, k, rows)

    storage = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    scores = np.empty(k, dtype=np.float32)
    ids = np.empty(k, dtype=np.int64)
    faiss.knn_inner_products_by_idx(
        faiss.swig_ptr(query),
        storage.get_xb(),
        faiss.swig_ptr(rows),
        index.d,
        1,
        index.ntotal,
        len(rows),
        k,
        faiss.swig_ptr(scores),
        faiss.swig_ptr(ids),
    )
    return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]


def read(path: Path) -> faiss.Index:
    """The index at ``path``; an IVF index's lists are mapped read-only from the file beside it."""
    import faiss

    index = faiss.read_index(str(path), faiss.IO_FLAG_SKIP_IVF_DATA | faiss.IO_FLAG_READ_ONLY)
    return ondisk.attach(index, path) if kind_of(index) == "ivf" else index


def write(index: faiss.Index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))
