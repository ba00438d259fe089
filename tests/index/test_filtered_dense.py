"""Filtered dense search on a real FAISS HNSW index of 100k chunks: every passing chunk up to ``k`` comes back.

HNSW with an ID filter keeps only passing nodes of the graph it walks, so a filter that passes few
chunks used to come back with few results or none (issue "Ask that answers").
"""

import faiss
import numpy as np
import pytest

from trialsieve.index import dense

SIZE = 100_000
DIMENSION = 32


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((SIZE, DIMENSION), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def hnsw(vectors) -> faiss.Index:
    index = dense.create(DIMENSION, dense.choose(SIZE))
    assert dense.kind_of(index) == "hnsw"
    index.hnsw.efConstruction = 16  # a coarser graph: 7 s to build instead of 30, and no easier to filter
    index.add(vectors)
    return index


def queries(count: int) -> np.ndarray:
    q = np.random.default_rng(1).standard_normal((count, DIMENSION), dtype=np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def test_filtered_search_returns_min_k_passing_best_first(hnsw, vectors):
    rng = np.random.default_rng(2)
    flat = dense.create(DIMENSION, "flat")
    flat.add(vectors)
    for passing in (1, 5, 50, 5_000, 60_000):
        for k in (10, 100):
            for query in queries(5):
                rows = np.sort(rng.choice(SIZE, passing, replace=False))
                hits = dense.search(hnsw, query, k, rows)
                found = [row for row, _ in hits]
                scores = [score for _, score in hits]
                assert len(found) == len(set(found)) == min(k, passing), (passing, k)
                assert set(found) <= set(rows.tolist())
                assert scores == sorted(scores, reverse=True)
                exact = vectors[rows] @ query
                best = np.sort(exact)[::-1][: min(k, passing)]
                if passing <= dense.FILTER_EXACT_LIMIT:  # searched exactly
                    assert scores == pytest.approx(best.tolist(), abs=1e-5)
                else:  # HNSW: approximate (recall is the benchmark's business), but true cosines
                    assert scores == pytest.approx((vectors[found] @ query).tolist(), abs=1e-5)
                flat_hits = dense.search(flat, query, k, rows)
                assert [row for row, _ in flat_hits] == rows[np.argsort(-exact)[:k]].tolist()
                assert [score for _, score in flat_hits] == pytest.approx(best.tolist(), abs=1e-5)
    # unfiltered searches are FAISS's own, as before
    query = queries(1)[0]
    scores, ids = hnsw.search(query.reshape(1, -1), 10, params=faiss.SearchParametersHNSW(efSearch=dense.EF_SEARCH))
    assert dense.search(hnsw, query, 10) == [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True)]


def test_filters_outside_the_index_are_refused(hnsw):
    """The exact search reads stored vectors by row: a row past the end must not reach it."""
    with pytest.raises(ValueError, match="outside"):
        dense.search(hnsw, queries(1)[0], 5, np.array([3, SIZE]))


def test_a_short_hnsw_answer_falls_back_to_exact(hnsw, vectors, monkeypatch):
    """Above the exact limit HNSW answers first; when its filtered walk comes back short, exact does."""
    monkeypatch.setattr(dense, "FILTER_EXACT_LIMIT", 0)
    rows = np.sort(np.random.default_rng(3).choice(SIZE, 50, replace=False))
    for query in queries(5):
        exact = vectors[rows] @ query
        hits = dense.search(hnsw, query, 10, rows)
        assert [row for row, _ in hits] == rows[np.argsort(-exact)[:10]].tolist()
