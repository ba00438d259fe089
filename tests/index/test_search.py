"""A real index: MiniLM vectors in FAISS, bm25s, SQLite; distinctive queries must find their trial."""

import pytest

from trialsieve.index.build import build
from trialsieve.index.metadata import Filters
from trialsieve.index.search import METHODS, TrialIndex


@pytest.fixture(scope="module")
def index(built, embedder):
    opened = TrialIndex(built, embedder)
    yield opened
    opened.close()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("query", "trial"),
    [
        ("Schirmer test dry eye Sjogren", "NCT04615455"),
        ("modified Rodnan skin score in systemic sclerosis", "NCT04356287"),
        ("dapagliflozin in chronic heart failure with reduced ejection fraction", "NCT05000001"),
    ],
)
def test_distinctive_queries_find_their_trial(index, method, query, trial):
    assert index.search(query, k=3, method=method)[0].chunk.trial_id == trial
    assert index.rank_trials(query, k=3, method=method)[0].trial_id == trial


def test_hits_carry_provenance_and_ranks(index):
    hits = index.search("Schirmer test", k=5, method="bm25")
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5][: len(hits)]
    top = hits[0]
    assert (top.chunk.kind, top.chunk.section, top.chunk.criterion_id) == ("criterion", "inclusion", "I3")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_trials_are_distinct_and_cite_their_best_passage(index):
    ranked = index.rank_trials("heart failure", k=5)
    assert len({t.trial_id for t in ranked}) == len(ranked) == 5
    assert all(t.best.trial_id == t.trial_id for t in ranked)
    assert ranked[0].title and "Dapagliflozin" in ranked[0].title


def test_filters_restrict_every_method(index):
    only = Filters(condition="polycystic")
    for method in METHODS:
        hits = index.search("heart failure", k=10, filters=only, method=method)
        assert hits and {h.chunk.trial_id for h in hits} == {"NCT05000002"}
    assert index.search("Schirmer", k=5, filters=Filters(status=["recruiting"]), method="bm25") == []


def test_hybrid_fuses_both_rankings(index):
    query = "dry eye disease Sjogren"
    bm25 = [h.row for h in index.search(query, k=40, method="bm25")]
    dense = [h.row for h in index.search(query, k=40, method="dense")]
    hybrid = index.search(query, k=40, method="hybrid")
    assert len(hybrid) == 40 and {h.row for h in hybrid} <= set(bm25) | set(dense)
    for hit in hybrid[:5]:  # reciprocal rank fusion, k = 60
        expected = sum(1 / (60 + ranking.index(hit.row) + 1) for ranking in (bm25, dense) if hit.row in ranking)
        assert hit.score == pytest.approx(expected)


def test_bm25_alone_never_loads_the_model(built):
    opened = TrialIndex(built)
    assert opened.search("Schirmer", k=1, method="bm25")[0].chunk.trial_id == "NCT04615455"
    assert opened._embedder is None
    opened.close()


def test_hnsw_index_finds_the_same_trial(tmp_path, trials, embedder):
    outcome = build(tmp_path / "hnsw", trials, embedder, index_type="hnsw", progress=False)
    assert outcome.manifest.index_type == "hnsw"
    opened = TrialIndex(tmp_path / "hnsw", embedder)
    assert opened.rank_trials("Schirmer test dry eye Sjogren", k=1, method="dense")[0].trial_id == "NCT04615455"
    only = Filters(condition="polycystic")
    assert {h.chunk.trial_id for h in opened.search("eye", k=5, filters=only, method="dense")} == {"NCT05000002"}
