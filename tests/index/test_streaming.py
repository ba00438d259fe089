"""The streamed build (issue 23): trials read a window at a time, texts embedded in fixed slices,
FAISS's type chosen by the final size, BM25 tokenized a batch at a time; and the index the same as
one built from every trial held at once."""

import numpy as np
import pytest

from trialsieve.index import build as builder
from trialsieve.index import dense, lexical, store
from trialsieve.index.chunks import chunk_trial
from trialsieve.index.lexical import Lexical, _tokens
from trialsieve.index.metadata import Metadata


def rows_and_vectors(index):
    manifest = store.read_manifest(index)
    base = store.generation_dir(index, manifest)
    metadata = Metadata(base / store.METADATA)
    rows = [list(metadata.db.execute(f"SELECT * FROM {table} ORDER BY 1")) for table in ("trials", "chunks")]
    metadata.close()
    vectors = dense.read(base / store.DENSE)
    return rows, vectors.reconstruct_n(0, vectors.ntotal)


def test_a_build_reads_its_trials_as_it_goes_and_windows_change_nothing(tmp_path, trials, embedder, monkeypatch):
    monkeypatch.setattr(builder, "EMBED_SLICE", 8)
    held = builder.build(tmp_path / "held", trials, embedder, progress=False)  # one window holds every trial

    monkeypatch.setattr(builder, "WINDOW", 1)
    pulled, pulled_at_first_encode = [], []

    def stream():
        for trial in trials:
            pulled.append(trial.id)
            yield trial

    original = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts: pulled_at_first_encode.append(len(pulled)) or original(texts))
    streamed = builder.build(tmp_path / "streamed", stream(), embedder, progress=False)
    assert pulled_at_first_encode[0] < len(trials)  # embedding began before the last trial was read
    assert streamed.added == held.added and streamed.chunks == held.chunks
    assert sum(len(chunk_trial(t)) for t in trials) == streamed.chunks
    (held_rows, held_vectors), (streamed_rows, streamed_vectors) = (
        rows_and_vectors(tmp_path / "held"),
        rows_and_vectors(tmp_path / "streamed"),
    )
    assert streamed_rows == held_rows
    assert np.array_equal(streamed_vectors, held_vectors)  # the same slices, so the same vectors


def test_an_empty_stream_is_refused_before_any_folder_is_made(tmp_path, embedder):
    with pytest.raises(ValueError, match="no trials"):
        builder.build(tmp_path / "idx", iter([]), embedder, progress=False)
    assert not (tmp_path / "idx").exists()


def test_the_index_type_follows_the_final_size(tmp_path, trials, embedder, monkeypatch):
    """The number of chunks is known only once every trial is read: FAISS is made then."""
    monkeypatch.setattr(dense, "EXACT_LIMIT", 20)
    outcome = builder.build(tmp_path / "idx", iter(trials), embedder, progress=False)
    assert outcome.chunks > 20 and outcome.manifest.index_type == "hnsw"
    assert not list((tmp_path / "idx").rglob(builder.VECTORS))  # the slices' file is gone


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_room_made_first_changes_nothing_in_the_index(kind):
    """``dense.reserve`` makes room without changing what is stored or added after (one thread, so
    that HNSW's inserts are in order)."""
    import faiss

    slices = [np.random.default_rng(i).standard_normal((40, 16)).astype(np.float32) for i in range(5)]
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        plain, roomy = dense.create(16, kind), dense.create(16, kind)
        for index in (plain, roomy):
            index.add(slices[0])
        dense.reserve(roomy, 200)
        dense.reserve(roomy, 10)  # less than it holds: nothing changes
        for part in slices[1:]:
            plain.add(part)
            roomy.add(part)
    finally:
        faiss.omp_set_num_threads(threads)
    assert roomy.ntotal == 200
    assert bytes(faiss.serialize_index(roomy)) == bytes(faiss.serialize_index(plain))


def test_bm25_built_a_batch_at_a_time_scores_as_bm25s_does(trials, monkeypatch, tmp_path):
    import bm25s

    texts = [chunk.text for trial in trials for chunk in chunk_trial(trial)] + ["", "the of and"]
    reference = bm25s.BM25()
    reference.index(_tokens(texts, ids=True), show_progress=False)
    monkeypatch.setattr("trialsieve.index.lexical.TOKENIZE_BATCH", 7)
    lexical.write(iter(texts), tmp_path / "bm25")
    ours = Lexical.load(tmp_path / "bm25").retriever
    assert set(ours.vocab_dict) == set(reference.vocab_dict)
    for query in ("hepatitis C", "pregnant or breastfeeding women", "creatinine", "age 18 years"):
        terms = [t for t in _tokens([query], ids=False)[0] if t in reference.vocab_dict]
        assert terms and np.array_equal(ours.get_scores(terms), reference.get_scores(terms))
