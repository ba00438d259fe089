"""Index files on disk: incremental adds, clear errors for broken or foreign indexes, crash safety."""

import json
import shutil

import pytest

from tests.conftest import FIXTURES
from trialsieve.extract.ingest import read_inputs
from trialsieve.index import build as builder
from trialsieve.index.search import TrialIndex
from trialsieve.index.store import MANIFEST, StoreError, checksums, read_manifest


def test_manifest_names_model_dimension_and_checksums(built):
    manifest = read_manifest(built)
    assert (manifest.model, manifest.dimension, manifest.index_type) == ("all-MiniLM-L6-v2", 384, "flat")
    assert manifest.trials == 5 and manifest.chunks > 50
    assert {"dense.faiss", "metadata.sqlite", "bm25/vocab.index.json"} <= set(manifest.files)
    assert [p.name for p in built.iterdir() if p.is_dir()] == [manifest.generation]


def test_add_embeds_only_new_trials(index_copy, trials, embedder, monkeypatch):
    before = read_manifest(index_copy)
    embedded: list[str] = []
    original = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts: embedded.extend(texts) or original(texts))
    extra = trials[0].model_copy(update={"id": "NCT09999999", "title": "Cryotherapy for plantar warts"})
    changed = trials[1].model_copy(update={"title": "A different title"})
    outcome = builder.add(index_copy, [*trials[2:], changed, extra], embedder, progress=False)
    assert outcome.added == ["NCT09999999"] and outcome.changed == [trials[1].id]
    assert len(outcome.unchanged) == 3
    assert any(text.startswith("Cryotherapy for plantar warts") for text in embedded)
    assert len(embedded) == outcome.chunks == read_manifest(index_copy).chunks - before.chunks
    opened = TrialIndex(index_copy, embedder)
    assert opened.rank_trials("plantar warts cryotherapy", k=1)[0].trial_id == "NCT09999999"
    assert opened.search("Schirmer test", k=1, method="bm25")[0].chunk.trial_id == "NCT04615455"


def test_adding_nothing_new_writes_nothing(index_copy, trials, embedder):
    before = read_manifest(index_copy)
    outcome = builder.add(index_copy, trials, embedder, progress=False)
    assert outcome.added == [] and len(outcome.unchanged) == 5
    assert read_manifest(index_copy) == before
    assert [p.name for p in index_copy.iterdir() if p.is_dir()] == [before.generation]


def test_an_interrupted_add_leaves_the_old_index_usable(index_copy, trials, embedder, monkeypatch):
    before = read_manifest(index_copy)

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(builder.dense, "write", crash)  # dies after embedding, before anything is published
    extra = trials[0].model_copy(update={"id": "NCT09999999"})
    with pytest.raises(KeyboardInterrupt):
        builder.add(index_copy, [extra], embedder, progress=False)
    assert read_manifest(index_copy) == before
    opened = TrialIndex(index_copy, embedder)
    assert opened.metadata.counts() == (5, before.chunks)
    assert opened.rank_trials("Schirmer test dry eye", k=1)[0].trial_id == "NCT04615455"
    monkeypatch.undo()
    builder.add(index_copy, [extra], embedder, progress=False)  # the next write succeeds and tidies up
    assert [p.name for p in index_copy.iterdir() if p.is_dir()] == [read_manifest(index_copy).generation]


def test_a_corrupt_file_fails_its_checksum(index_copy):
    manifest = read_manifest(index_copy)
    vectors = index_copy / manifest.generation / "dense.faiss"
    data = bytearray(vectors.read_bytes())
    data[-10] ^= 0xFF
    vectors.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"dense\.faiss fails its checksum"):
        TrialIndex(index_copy)


def test_a_missing_file_or_manifest_is_named(index_copy, tmp_path):
    manifest = read_manifest(index_copy)
    (index_copy / manifest.generation / "metadata.sqlite").unlink()
    with pytest.raises(StoreError, match=r"metadata\.sqlite is missing"):
        TrialIndex(index_copy)
    with pytest.raises(StoreError, match="not a trialsieve index"):
        TrialIndex(tmp_path / "nowhere")
    (index_copy / MANIFEST).write_text("{not json")
    with pytest.raises(StoreError, match="corrupt"):
        TrialIndex(index_copy)


def test_an_index_of_another_model_is_refused(index_copy, embedder):
    path = index_copy / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(manifest | {"model": "BioLORD-2023", "dimension": 768}))
    with pytest.raises(StoreError, match=r"built with BioLORD-2023 \(768 dimensions\).*all-MiniLM-L6-v2 \(384"):
        TrialIndex(index_copy, embedder)
    with pytest.raises(StoreError, match="built with BioLORD-2023"):
        builder.add(index_copy, [], embedder, progress=False)


def test_build_refuses_to_overwrite_a_folder_that_is_not_an_index(tmp_path, embedder):
    (tmp_path / "notes.txt").write_text("mine")
    trials, _ = read_inputs([str(FIXTURES / "ctgov_study.json")])
    with pytest.raises(StoreError, match="not an index"):
        builder.build(tmp_path, trials, embedder, progress=False)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def resign(index):
    """Make the manifest's checksums match the files again, as a foreign or hand-edited index may."""
    path = index / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(manifest | {"files": checksums(index / manifest["generation"])}))


def test_a_manifest_that_lists_no_files_is_refused(index_copy):
    path = index_copy / MANIFEST
    path.write_text(json.dumps(json.loads(path.read_text()) | {"files": {}}))
    with pytest.raises(StoreError, match="does not list the index's files"):
        TrialIndex(index_copy)


def test_a_generation_outside_the_index_is_refused(index_copy):
    path = index_copy / MANIFEST
    path.write_text(json.dumps(json.loads(path.read_text()) | {"generation": "../elsewhere"}))
    with pytest.raises(StoreError, match="not a generation folder"):
        read_manifest(index_copy)


@pytest.mark.parametrize(
    ("name", "content"),
    [("metadata.sqlite", b"not a database"), ("dense.faiss", b"IxFI")],
)
def test_files_that_do_not_open_are_refused_by_readers_and_writers(index_copy, trials, embedder, name, content):
    (index_copy / read_manifest(index_copy).generation / name).write_bytes(content)
    resign(index_copy)
    with pytest.raises(StoreError, match="cannot read the index files"):
        TrialIndex(index_copy)
    extra = trials[0].model_copy(update={"id": "NCT09999999"})
    with pytest.raises(StoreError, match="cannot read the index files"):
        builder.add(index_copy, [extra], embedder, progress=False)


def test_metadata_of_another_index_is_refused(index_copy, tmp_path, trials, embedder):
    other = builder.build(tmp_path / "other", trials[:1], embedder, progress=False).manifest
    generation = read_manifest(index_copy).generation
    shutil.copyfile(
        tmp_path / "other" / other.generation / "metadata.sqlite", index_copy / generation / "metadata.sqlite"
    )
    resign(index_copy)
    with pytest.raises(StoreError, match="metadata does not match the manifest"):
        TrialIndex(index_copy)


def test_build_refuses_a_path_that_is_a_file(tmp_path, trials, embedder):
    (tmp_path / "ix").write_text("mine")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        builder.build(tmp_path / "ix", trials, embedder, progress=False)
    assert (tmp_path / "ix").read_text() == "mine"
