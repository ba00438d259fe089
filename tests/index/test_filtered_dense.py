"""Filtered dense search on real FAISS indexes of 100k chunks, HNSW and IVF with its lists on disk:
every passing chunk up to ``k`` comes back.

HNSW with an ID filter keeps only passing nodes of the graph it walks, so a filter that passes few
chunks used to come back with few results or none (issue "Ask that answers"); IVF's filtered
search sees only the lists it probes, so the same can happen to it.
"""

import faiss
import numpy as np
import pytest

from trialsieve.index import dense, ondisk

SIZE = 100_000
DIMENSION = 32


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((SIZE, DIMENSION), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def hnsw(vectors) -> faiss.Index:
    index = dense.create(DIMENSION, "hnsw")
    index.hnsw.efConstruction = 16  # a coarser graph: 7 s to build instead of 30, and no easier to filter
    index.add(vectors)
    return index


@pytest.fixture(scope="module")
def ivf(vectors, tmp_path_factory) -> faiss.Index:
    """The index a build makes at this size: IVF, its lists written to disk and mapped to search."""
    assert dense.choose(SIZE) == "ivf"
    folder = tmp_path_factory.mktemp("ivf")
    vectors.tofile(folder / "vectors.f32")
    ondisk.build(folder / "dense.faiss", folder / "vectors.f32", SIZE, DIMENSION)
    (folder / "vectors.f32").unlink()  # searching needs only the index and its lists
    index = dense.read(folder / "dense.faiss")
    assert dense.kind_of(index) == "ivf" and index.ntotal == SIZE
    return index


@pytest.fixture(params=["hnsw", "ivf"])
def approximate(request) -> faiss.Index:
    return request.getfixturevalue(request.param)


def queries(count: int) -> np.ndarray:
    q = np.random.default_rng(1).standard_normal((count, DIMENSION), dtype=np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def test_filtered_search_returns_min_k_passing_best_first(approximate, vectors):
    rng = np.random.default_rng(2)
    flat = dense.create(DIMENSION, "flat")
    flat.add(vectors)
    for passing in (1, 5, 50, 5_000, 60_000):
        for k in (10, 100):
            for query in queries(5):
                rows = np.sort(rng.choice(SIZE, passing, replace=False))
                hits = dense.search(approximate, query, k, rows)
                found = [row for row, _ in hits]
                scores = [score for _, score in hits]
                assert len(found) == len(set(found)) == min(k, passing), (passing, k)
                assert set(found) <= set(rows.tolist())
                assert scores == sorted(scores, reverse=True)
                exact = vectors[rows] @ query
                best = np.sort(exact)[::-1][: min(k, passing)]
                if passing <= dense.FILTER_EXACT_LIMIT:  # searched exactly
                    assert scores == pytest.approx(best.tolist(), abs=1e-5)
                else:  # HNSW or IVF: approximate (recall is the benchmark's business), but true cosines
                    assert scores == pytest.approx((vectors[found] @ query).tolist(), abs=1e-5)
                flat_hits = dense.search(flat, query, k, rows)
                assert [row for row, _ in flat_hits] == rows[np.argsort(-exact)[:k]].tolist()
                assert [score for _, score in flat_hits] == pytest.approx(best.tolist(), abs=1e-5)
    # unfiltered searches are FAISS's own, as before
    query = queries(1)[0]
    if dense.kind_of(approximate) == "hnsw":
        params = faiss.SearchParametersHNSW(efSearch=dense.EF_SEARCH)
    else:
        params = faiss.SearchParametersIVF(nprobe=ondisk.NPROBE)
    scores, ids = approximate.search(query.reshape(1, -1), 10, params=params)
    assert dense.search(approximate, query, 10) == [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True)]


def test_filters_outside_the_index_are_refused(approximate):
    """The exact search reads stored vectors by row: a row past the end must not reach it."""
    with pytest.raises(ValueError, match="outside"):
        dense.search(approximate, queries(1)[0], 5, np.array([3, SIZE]))


def test_a_short_approximate_answer_falls_back_to_exact(approximate, vectors, monkeypatch):
    """Above the exact limit HNSW or IVF answers first; when its filtered search comes back short, exact does."""
    monkeypatch.setattr(dense, "FILTER_EXACT_LIMIT", 0)
    rows = np.sort(np.random.default_rng(3).choice(SIZE, 50, replace=False))
    for query in queries(5):
        exact = vectors[rows] @ query
        hits = dense.search(approximate, query, 10, rows)
        assert [row for row, _ in hits] == rows[np.argsort(-exact)[:10]].tolist()
