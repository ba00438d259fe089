"""BM25 search reads only its terms' columns (issue 23, ``Lexical.search``): on real ClinicalTrials.gov
passages it finds the same passages with the same float32 scores as bm25s scoring every passage
(``get_scores``), ranked by score, then row, so equal scores come in one order and the same tied
passages make the cut whatever the sort does; a filter keeps exactly the passages it admits."""

from __future__ import annotations

import numpy as np
import pytest

from trialsieve.index import lexical, store
from trialsieve.index.lexical import Lexical, _tokens
from trialsieve.index.metadata import Filters
from trialsieve.index.search import TrialIndex

QUERIES = [
    "hepatitis C",
    "HIV",
    "pregnant or breastfeeding women",
    "age 18 years or older",
    "serum creatinine above 1.5 times the upper limit of normal",
    "history of myocardial infarction or stroke within 6 months",
    "HIV HIV positive, hepatitis B or hepatitis C",  # terms repeated: each occurrence adds its column
]


@pytest.fixture(scope="module")
def bm25(passages, tmp_path_factory) -> Lexical:
    directory = tmp_path_factory.mktemp("bm25") / "bm25"
    assert lexical.write(iter(passages), directory) == len(passages)
    return Lexical.load(directory)


def every_passage_scored(index: Lexical, query: str, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """bm25s's scores of every passage, those above zero (in ``rows``), by score then row."""
    terms = [t for t in _tokens([query], ids=False)[0] if t in index.retriever.vocab_dict]
    scores = index.retriever.get_scores(terms)
    found = np.flatnonzero(scores)
    if rows is not None:
        found = np.intersect1d(found, rows)
    return sorted(((int(r), float(scores[r])) for r in found), key=lambda hit: (-hit[1], hit[0]))


@pytest.mark.parametrize("share", [0, 10**9], ids=["scores-the-rows-found", "scores-every-passage"])
def test_term_columns_give_every_passage_scoring_s_rows_and_scores_ties_by_row(bm25, passages, share, monkeypatch):
    monkeypatch.setattr(lexical, "DENSE_SHARE", share)  # both ways of adding up the columns
    rows = np.arange(1, len(passages), 3)  # a filter, as ``--status`` and the like make
    cut_in_a_tie = 0
    for query in QUERIES + passages[::1500]:  # and real criteria, passages of the collection itself
        for where in (None, rows):
            reference = every_passage_scored(bm25, query, where)
            assert reference, query
            assert bm25.search(query, len(passages), where) == reference, query  # the same set, bit for bit
            for k in (1, 10, 100):
                assert bm25.search(query, k, where) == reference[:k], (query, k)
                cut_in_a_tie += k < len(reference) and reference[k - 1][1] == reference[k][1]
    assert cut_in_a_tie  # real queries whose k-th score is tied: which tied rows make the cut is tested


def test_a_query_without_an_indexed_term_finds_nothing(bm25):
    assert bm25.search("the of and", 10) == [] and bm25.search("zzyzxqqq", 10) == []
    assert bm25.search("hepatitis", 0) == []


def test_filtered_bm25_through_the_index_is_full_scoring_restricted(built, embedder):
    """On the real index (FAISS, SQLite, BM25), a filter's rows restrict BM25 exactly."""
    opened = TrialIndex(built, embedder)
    try:
        only = Filters(condition="polycystic")
        rows = opened.metadata.rows(only)
        base = store.generation_dir(built, opened.manifest) / store.LEXICAL
        full = Lexical.load(base)
        for query in ("heart failure", "polycystic kidney disease", "age 18 years or older"):
            expected = every_passage_scored(full, query, rows)[:10]
            hits = opened.search(query, k=10, filters=only, method="bm25")
            assert expected and [(h.row, h.score) for h in hits] == expected, query
    finally:
        opened.close()
