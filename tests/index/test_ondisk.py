"""IVF with its inverted lists on disk (issue 23): what a build makes above ``dense.IVF_LIMIT`` chunks,
here with the limits lowered so that the five real trials cross them, embedded by the real model."""

import json
import os
import subprocess
import sys

import faiss
import numpy as np
import pytest

from tests.conftest import INDEXED
from trialsieve.index import build as builder
from trialsieve.index import dense, ondisk, store
from trialsieve.index.metadata import Filters
from trialsieve.index.search import TrialIndex


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(dense, "EXACT_LIMIT", 5)
    monkeypatch.setattr(dense, "IVF_LIMIT", 10)


def opened_vectors(directory):
    manifest = store.read_manifest(directory)
    base = store.generation_dir(directory, manifest)
    index = dense.read(base / store.DENSE)
    if dense.kind_of(index) == "ivf":
        return base, index, ondisk.vectors_of(index, np.arange(index.ntotal))
    return base, index, index.reconstruct_n(0, index.ntotal)


def same(hits, expected) -> bool:
    """The same ranking: scores, and passages (equal texts, in several trials, tie in any order)."""
    texts = [hit.chunk.text for hit in hits] == [hit.chunk.text for hit in expected]
    return texts and [hit.score for hit in hits] == pytest.approx([hit.score for hit in expected], abs=1e-6)


def test_a_build_above_the_limit_writes_its_lists_to_disk_and_searches_as_exact(tmp_path, trials, embedder, low_limits):
    outcome = builder.build(tmp_path / "ivf", trials, embedder, progress=False)
    assert outcome.manifest.index_type == "ivf" and outcome.chunks > dense.IVF_LIMIT
    flat = builder.build(tmp_path / "flat", trials, embedder, index_type="flat", progress=False)
    base, index, vectors = opened_vectors(tmp_path / "ivf")
    _, _, flat_vectors = opened_vectors(tmp_path / "flat")
    assert np.array_equal(vectors, flat_vectors)  # every vector, stored whole, found by its row
    assert {store.DENSE, "dense.ivfdata", "dense.rows"} <= set(outcome.manifest.files)
    assert not list((tmp_path / "ivf").rglob(builder.VECTORS)) and not list((tmp_path / "ivf").glob("*.partial"))
    # the lists are the file's: each chunk's vector and row, each list padded to a whole vector
    ivf = faiss.extract_index_ivf(index)
    size = (base / "dense.ivfdata").stat().st_size
    assert 0 <= size - flat.chunks * (4 * embedder.dimension + 8) < ivf.nlist * 4 * embedder.dimension
    assert (base / "dense.rows").stat().st_size == flat.chunks * 8
    assert ivf.nlist == ondisk.lists(flat.chunks, embedder.dimension) <= ondisk.NPROBE
    assert isinstance(faiss.downcast_InvertedLists(ivf.invlists), faiss.OnDiskInvertedLists)

    opened, exact = TrialIndex(tmp_path / "ivf", embedder), TrialIndex(tmp_path / "flat", embedder)
    assert opened.rank_trials("Schirmer test dry eye Sjogren", k=1, method="dense")[0].trial_id == "NCT04615455"
    for query in ("dry eye", "pregnant or breastfeeding women", "polycystic ovary syndrome"):
        # every list probed (this few chunks make fewer lists than NPROBE): the exact answer
        assert same(opened.search(query, k=10, method="dense"), exact.search(query, k=10, method="dense"))
        for filters in (Filters(condition="polycystic"), Filters(trial_ids=["NCT04615455"]), Filters(sex="female")):
            passing = len(opened.metadata.rows(filters))
            hits = opened.search(query, k=50, filters=filters, method="dense")
            assert len(hits) == min(50, passing)
            assert same(hits, exact.search(query, k=50, filters=filters, method="dense"))
    opened.close()
    exact.close()


def test_more_lists_than_probed_still_find_their_trial(tmp_path, trials, embedder, low_limits, monkeypatch):
    """Probing fewer lists than there are, the search is approximate but its scores are true cosines."""
    monkeypatch.setattr(ondisk, "NPROBE", 1)
    monkeypatch.setattr(ondisk, "MIN_POINTS", 2)
    builder.build(tmp_path / "ivf", trials, embedder, progress=False)
    _, index, vectors = opened_vectors(tmp_path / "ivf")
    assert faiss.extract_index_ivf(index).nlist > 1
    opened = TrialIndex(tmp_path / "ivf", embedder)
    query = embedder.embed(["Schirmer test dry eye Sjogren"])[0]
    hits = dense.search(opened.vectors, query, 5)
    assert hits and [score for _, score in hits] == pytest.approx([float(vectors[row] @ query) for row, _ in hits])
    for k in range(1, index.ntotal + 1):  # however few rows the lists probed hold, k come back
        assert len({row for row, _ in dense.search(opened.vectors, query, k)}) == k
    rows = opened.metadata.rows(Filters(trial_ids=["NCT04615455"]))
    found = dense.search(opened.vectors, query, 1000, rows)
    assert sorted(row for row, _ in found) == sorted(rows.tolist())  # every passing chunk, whatever list it is in
    opened.close()


def test_an_add_keeps_the_quantizer_and_every_vector(tmp_path, trials, embedder, low_limits):
    first = builder.build(tmp_path / "ivf", trials[:3], embedder, progress=False)
    assert first.manifest.index_type == "ivf"
    _, before, _ = opened_vectors(tmp_path / "ivf")
    centroids = before.quantizer.reconstruct_n(0, before.nlist)
    del before
    added = builder.add(tmp_path / "ivf", trials, embedder, progress=False)
    assert added.added == [t.id for t in trials[3:]] and added.manifest.index_type == "ivf"
    assert [p.name for p in (tmp_path / "ivf").glob("gen-*")] == [added.manifest.generation]  # the old one is gone
    builder.build(tmp_path / "flat", trials, embedder, index_type="flat", progress=False)
    _, after, vectors = opened_vectors(tmp_path / "ivf")
    assert np.array_equal(after.quantizer.reconstruct_n(0, after.nlist), centroids)
    # row for row the vectors of one build of every trial (embedded in other batches: padding moves them ~1e-7)
    assert np.allclose(vectors, opened_vectors(tmp_path / "flat")[2], atol=1e-5)
    opened = TrialIndex(tmp_path / "ivf", embedder)
    assert opened.rank_trials("Schirmer test dry eye Sjogren", k=1, method="dense")[0].trial_id == "NCT04615455"
    opened.close()


def test_a_failed_write_of_the_lists_leaves_the_index_as_it_was(tmp_path, trials, embedder, low_limits, monkeypatch):
    builder.build(tmp_path / "ivf", trials[:3], embedder, progress=False)
    manifest = store.read_manifest(tmp_path / "ivf")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ondisk, "_append", broken)
    with pytest.raises(OSError, match="disk full"):
        builder.add(tmp_path / "ivf", trials, embedder, progress=False)
    assert store.read_manifest(tmp_path / "ivf") == manifest
    assert [p.name for p in (tmp_path / "ivf").iterdir() if p.name.startswith("gen-")] == [manifest.generation]
    opened = TrialIndex(tmp_path / "ivf", embedder)  # checksums and all
    assert opened.manifest.trials == 3 and opened.search("eye", k=3, method="dense")
    opened.close()


@pytest.mark.parametrize("chunks", [11, 1_000, 50_001, 89_574, 359_690, 10_000_000])
def test_lists_are_trained_on_enough_points(chunks):
    """FAISS's k-means wants at least ``MIN_POINTS`` a centroid from the fixed-size sample (and says so on
    stderr otherwise); the sample, not the collection, bounds the build's memory."""
    nlist = ondisk.lists(chunks, 384)
    sample = min(chunks, ondisk.TRAIN_BYTES // (4 * 384))
    assert nlist == 1 or sample // nlist >= ondisk.MIN_POINTS  # one list needs no training worth the name


def test_the_command_line_builds_and_searches_one_with_nothing_of_faiss_on_stdout(tmp_path):
    """FAISS's C++ prints to stdout in places (``IO_FLAG_ONDISK_SAME_DIR``, resizing on-disk lists);
    ``--json`` output must stay one object a line, so none of those paths may be taken."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "trialsieve.cli", *map(str, args)], capture_output=True, env=env)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    index = tmp_path / "idx"
    built = run("index", "build", *INDEXED, "--index", index, "--index-type", "ivf", "--no-progress")
    assert built.splitlines()[0] == "added 5 trials (77 chunks)"
    assert json.loads(run("index", "info", "--index", index, "--json"))["index_type"] == "ivf"
    found = run("index", "search", "Schirmer test dry eye Sjogren", "--index", index, "-k", "3", "--json")
    hits = [json.loads(line) for line in found.splitlines()]
    assert len(hits) == 3 and hits[0]["chunk"]["trial_id"] == "NCT04615455"
