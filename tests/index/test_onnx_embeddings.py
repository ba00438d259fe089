"""The embedder's ONNX graph against sentence-transformers, on real criteria and concept names.

Embeddings run on ONNX Runtime so that a cold ``check`` never imports torch (issue 22); the graph is
converted once from the installed MiniLM weights into ``$TRIALSIEVE_HOME/models``. These tests hold
its vectors and its neighbours to sentence-transformers', and check that a user's own model
directory still works, converted or not.
"""

import json
import shutil

import numpy as np
import pytest

from tests.conftest import ROOT
from trialsieve.index.embeddings import Embedder, cache_dir, default_model

ROWS = [json.loads(line) for line in (ROOT / "data" / "lct" / "criteria_entities.dev.jsonl").read_text().splitlines()]
CRITERIA = [row["text"] for row in ROWS[:200]]
CONCEPTS = list(dict.fromkeys(e["text"] for row in ROWS[:200] for e in row["entities"]))[:200]
TEXTS = [*CRITERIA, *CONCEPTS, " ".join(CRITERIA[:30])]  # the last is cut at 256 tokens, as ST cuts it


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return Embedder(backend="torch").encode(TEXTS)


def test_vectors_equal_sentence_transformers(embedder, reference):
    assert embedder._encoder.__class__.__name__ == "_OnnxEncoder"
    cosine = (embedder.encode(TEXTS) * reference).sum(axis=1)
    assert cosine.min() >= 0.999, TEXTS[int(cosine.argmin())]


def test_nearest_criteria_of_each_concept_are_unchanged(embedder, reference):
    """Retrieval on a small scale: each concept's five nearest criteria, in order."""
    ours = embedder.encode(TEXTS)
    n = len(CRITERIA)
    top = {name: np.argsort(-(v[n:-1] @ v[:n].T), axis=1)[:, :5] for name, v in (("onnx", ours), ("st", reference))}
    assert (top["onnx"] == top["st"]).mean() >= 0.99


def test_the_conversion_is_cached_and_a_local_model_path_works(tmp_path, monkeypatch, capsys, embedder):
    """A copy of MiniLM elsewhere is the user's own model: converted once into the cache, then reused."""
    monkeypatch.setenv("TRIALSIEVE_HOME", str(tmp_path / "home"))
    own = tmp_path / "my-minilm"
    shutil.copytree(default_model(), own)
    first = Embedder(own)
    assert not cache_dir().exists()  # loaded on first use: a check that embeds nothing never converts
    vectors = first.encode(CONCEPTS[:20])
    assert "converting the sentence embedder my-minilm to ONNX once" in capsys.readouterr().err
    assert [p.name.startswith("my-minilm-") for p in cache_dir().iterdir()] == [True]
    again = Embedder(own)
    assert np.allclose(again.encode(CONCEPTS[:20]), vectors, atol=1e-6)
    assert capsys.readouterr().err == ""
    assert np.allclose(vectors, embedder.encode(CONCEPTS[:20]), atol=1e-5)
    assert first.name == "my-minilm" and first.dimension == 384


def test_a_model_the_graph_does_not_cover_falls_back_to_sentence_transformers(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRIALSIEVE_HOME", str(tmp_path / "home"))
    own = tmp_path / "cls-pooled"
    shutil.copytree(default_model(), own)
    pooling = own / "1_Pooling" / "config.json"
    pooling.write_text(
        json.dumps(
            json.loads(pooling.read_text()) | {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}
        )
    )
    embedder = Embedder(own)
    assert "its pooling is not mean pooling; embedding with sentence-transformers" in capsys.readouterr().err
    assert embedder.encode(["asthma"]).shape == (1, 384)
    with pytest.raises(ValueError, match="cannot run on ONNX Runtime"):
        Embedder(own, backend="onnx")


def test_remembered_texts_are_bounded(embedder, monkeypatch):
    """A long-running app embeds new concepts all day: the oldest are forgotten, answers stay the same."""
    import trialsieve.index.embeddings as module

    fresh = Embedder()
    monkeypatch.setattr(module, "REMEMBERED", 10)
    first = fresh.embed(CONCEPTS[:25])
    assert len(fresh._cache) == 10
    assert np.allclose(fresh.embed(CONCEPTS[:25]), first, atol=1e-6)
