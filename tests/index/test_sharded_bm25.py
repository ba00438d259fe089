"""BM25 built a shard at a time (issue 23, ``index/lexical.py``): the score matrix bm25s builds holding
every passage at once, so the same scores and rankings, on real ClinicalTrials.gov passages; and a
build killed with SIGKILL while it writes BM25 leaves the previous index as it was, and the same build
run again makes the whole index, each trial once."""

from __future__ import annotations

import filecmp
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import INDEXED, ROOT
from trialsieve.index import build as builder
from trialsieve.index import lexical, store
from trialsieve.index.chunks import chunk_trial
from trialsieve.index.lexical import Lexical, _tokens
from trialsieve.index.metadata import Metadata
from trialsieve.index.search import TrialIndex

QUERIES = [
    "hepatitis C",
    "pregnant or breastfeeding women",
    "serum creatinine above 1.5 times the upper limit of normal",
    "age 18 years or older",
    "history of myocardial infarction or stroke within 6 months",
    "HIV",
]


@pytest.fixture(scope="module")
def one_bm25(passages):
    """bm25s's own index of every passage at once: what the build made before it was sharded."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(_tokens(passages, ids=True), show_progress=False)
    return retriever


@pytest.fixture
def sharded(passages, tmp_path, monkeypatch) -> Path:
    """The passages' BM25 written a shard at a time: small shards and blocks, so that it takes many of
    each, blocks of many terms and terms written alone (more entries than a block), shards that are
    not a whole number of tokenizer batches."""
    shard = len(passages) // 12  # 1,000 on the dev records, 121 on the bundled ones
    monkeypatch.setattr(lexical, "SHARD", shard)
    monkeypatch.setattr(lexical, "TOKENIZE_BATCH", shard * 3 // 10)
    monkeypatch.setattr(lexical, "MERGE_BLOCK", shard * 7 // 10)
    assert lexical.write(iter(passages), tmp_path / "bm25") == len(passages)
    assert not (tmp_path / "bm25" / lexical.SHARDS).exists()  # pass 1's files are gone
    return tmp_path / "bm25"


def test_bm25_built_in_shards_is_the_matrix_bm25s_builds_from_every_passage(sharded, one_bm25, passages):
    ours = Lexical.load(sharded).retriever
    indptr = np.asarray(ours.scores["indptr"])
    df = np.diff(indptr)
    starts = lexical._blocks(indptr)
    assert len(passages) > 10 * lexical.SHARD  # over ten shards
    # terms written alone, and blocks of several
    assert (df > lexical.MERGE_BLOCK).any() and (np.diff(starts) > 1).any()
    assert ours.scores["num_docs"] == one_bm25.scores["num_docs"] == len(passages)
    assert set(ours.vocab_dict) == set(one_bm25.vocab_dict)
    reference = one_bm25.scores
    for term, column in ours.vocab_dict.items():  # the two number the vocabulary differently
        if not term:
            continue  # bm25s's empty token, numbered after the rest: no column
        theirs = one_bm25.vocab_dict[term]
        mine = slice(indptr[column], indptr[column + 1])
        same = slice(reference["indptr"][theirs], reference["indptr"][theirs + 1])
        assert np.array_equal(ours.scores["indices"][mine], reference["indices"][same]), term
        assert np.array_equal(ours.scores["data"][mine], reference["data"][same]), term  # bit for bit


def test_sharded_bm25_ranks_real_queries_as_one_bm25(sharded, one_bm25, passages):
    ours, one = Lexical.load(sharded), Lexical(one_bm25)
    queries = QUERIES + passages[::997]  # and real criteria, passages of the collection itself
    rows = np.arange(0, len(passages), 3)  # a filter, as ``--status`` and the like make
    for query in queries:
        for k, where in ((10, None), (1000, None), (10, rows)):
            found = ours.search(query, k, where)
            assert found and found == one.search(query, k, where), query


def test_a_collection_of_stop_words_only_builds_and_finds_nothing(tmp_path):
    """bm25s itself fails on a collection without a term (its empty token is numbered from the others)."""
    assert lexical.write(iter(["", "the of and", "It is"]), tmp_path / "bm25") == 3
    index = Lexical.load(tmp_path / "bm25")
    assert index.search("the", 5) == [] and index.search("hepatitis", 5) == []


KILLED_IN_BM25 = """
import os, signal, sys
from pathlib import Path
from trialsieve.extract.ingest import read_inputs
from trialsieve.index import build, lexical
from trialsieve.index.embeddings import Embedder

lexical.SHARD = 16
add = lexical._Counts.add

def add_then_die(self, shard):  # SIGKILL, as kill -9 would, once BM25 has written two shards
    add(self, shard)
    if self.docs >= 2 * lexical.SHARD:
        os.kill(os.getpid(), signal.SIGKILL)

lexical._Counts.add = add_then_die
trials, _ = read_inputs(sys.argv[2:])
build.build(Path(sys.argv[1]), trials, Embedder(), progress=False)
"""


def generation(index: Path) -> Path:
    return store.generation_dir(index, store.read_manifest(index))


def test_a_build_killed_while_writing_bm25_leaves_the_old_index_and_a_rerun_makes_it_whole(
    tmp_path, trials, embedder, monkeypatch
):
    index, clean = tmp_path / "index", tmp_path / "clean"
    monkeypatch.setattr(lexical, "SHARD", 16)
    builder.build(index, trials[:2], embedder, progress=False)  # the index as it was before
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IN_BM25, str(index), *INDEXED], cwd=ROOT, capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (partial,) = index.glob("gen-*.partial")  # killed in BM25's pass 1: its shards are written, no matrix yet
    assert (partial / store.LEXICAL / lexical.SHARDS / "cols").stat().st_size > 0
    assert not (partial / store.LEXICAL / lexical.DATA).exists()
    before = TrialIndex(index, embedder)  # the old index still opens, passes its checksums, and answers
    query = chunk_trial(trials[0])[0].text
    found = {hit.chunk.trial_id for hit in before.search(query, 50, method="bm25")}
    assert before.manifest.trials == 2 and trials[0].id in found and found <= {t.id for t in trials[:2]}
    before.close()

    rerun = builder.build(index, trials, embedder, progress=False)  # the same build again
    builder.build(clean, trials, embedder, progress=False)  # and one never interrupted
    assert sorted(rerun.added) == sorted(t.id for t in trials)
    assert [p.name for p in index.iterdir() if p.name.startswith("gen-")] == [generation(index).name]
    metadata = Metadata(generation(index) / store.METADATA)
    trial_ids = [row[0] for row in metadata.db.execute("SELECT id FROM trials")]
    chunk_rows = [row[0] for row in metadata.db.execute("SELECT row FROM chunks ORDER BY row")]
    metadata.close()
    assert sorted(trial_ids) == sorted(t.id for t in trials)  # each trial once
    assert chunk_rows == list(range(rerun.chunks)) == list(range(sum(len(chunk_trial(t)) for t in trials)))
    assert rerun.chunks > 2 * lexical.SHARD
    for name in (lexical.DATA, lexical.INDICES, lexical.INDPTR, lexical.VOCAB, lexical.PARAMS):
        assert filecmp.cmp(generation(index) / store.LEXICAL / name, generation(clean) / store.LEXICAL / name, False)
    for query in QUERIES:
        assert [h.row for h in TrialIndex(index, embedder).search(query, 10, method="bm25")] == [
            h.row for h in TrialIndex(clean, embedder).search(query, 10, method="bm25")
        ]
