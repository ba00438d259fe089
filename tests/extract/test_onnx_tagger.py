"""The tagger's ONNX graph against the torch model it was built from, on real LCT criteria.

Inference runs ``model.onnx`` with ONNX Runtime so that a cold command never imports torch (issue
22); these tests hold it to what the torch model tags: the same graph in fp32 gives the same tags,
and the shipped int8 graph (each token's input quantised on the fly) nearly all of them.
"""

import shutil

import pytest

from tests.conftest import ROOT
from trialsieve.extract import lct
from trialsieve.extract.tagger import ONNX, WEIGHTS, EntityTagger, OnnxForward, graph, shipped

#: Test-part criteria of the LCT dev file: real text, never trained on; the long ones are tagged in windows.
CRITERIA = [row["text"] for row in lct.split(lct.read(ROOT / "data" / "lct" / "criteria_entities.dev.jsonl"))["test"]]


@pytest.fixture(scope="module")
def torch_tagger() -> EntityTagger:
    return EntityTagger.load_torch()


def _spans(tagged) -> set[tuple[int, int, int, str]]:
    return {(i, e.start, e.end, e.type) for i, entities in enumerate(tagged) for e in entities}


def test_the_fp32_graph_tags_exactly_as_torch(torch_tagger):
    texts = [*CRITERIA[:150], " ".join(CRITERIA[:40])]  # the last one is past 256 tokens: windows
    onnx = EntityTagger(
        OnnxForward(graph(shipped(), "float").SerializeToString()), torch_tagger.tokenizer, torch_tagger.tags
    )
    assert onnx.tag(texts) == torch_tagger.tag(texts)


def test_the_shipped_int8_graph_agrees_with_torch(tagger, torch_tagger):
    """About 98.7% of entity spans are the same on the test part (measured); the F1 on the whole test part
    moves by under 0.002 (``benchmarks/onnx_accuracy.py``)."""
    texts = CRITERIA[:300]
    ours, theirs = _spans(tagger.tag(texts)), _spans(torch_tagger.tag(texts))
    assert len(ours & theirs) / len(ours | theirs) >= 0.97, (len(ours & theirs), len(ours | theirs))


def test_a_criterion_is_tagged_alike_alone_and_in_any_batch(tagger):
    """Inputs are quantised per token, so neighbours in a batch (and their padding) change nothing;
    with one scale a batch, 5 of these 60 came out differently alone."""
    texts = CRITERIA[:60]
    assert tagger.tag(texts) == [tagger.tag([t])[0] for t in texts] == tagger.tag(texts[::-1])[::-1]


def test_the_shipped_graph_is_built_from_the_shipped_weights():
    """A retrained ``weights.safetensors`` with a stale ``model.onnx`` would tag with the old model."""
    assert (shipped() / ONNX).read_bytes() == graph(shipped()).SerializeToString()


def test_a_model_directory_without_onnx_is_built_in_memory(tmp_path, tagger):
    """Models trained before the ONNX graph existed still load, with no torch and no file written."""
    for name in ("config.json", "tokenizer.json", WEIGHTS):
        shutil.copy(shipped() / name, tmp_path / name)
    texts = CRITERIA[:20]
    assert EntityTagger.load(tmp_path).tag(texts) == tagger.tag(texts)
    assert not (tmp_path / ONNX).exists()


def test_a_model_of_another_family_runs_on_torch(tmp_path, capsys):
    """``train-entities --base`` takes other encoders; one the graph does not cover still loads."""
    from transformers import DistilBertConfig, DistilBertForTokenClassification

    from trialsieve.extract.tagger import write_model

    names = EntityTagger.load().tags
    config = DistilBertConfig(dim=32, hidden_dim=64, n_layers=1, n_heads=2, num_labels=len(names))
    config.id2label, config.label2id = dict(enumerate(names)), {n: i for i, n in enumerate(names)}
    write_model(DistilBertForTokenClassification(config), shipped(), tmp_path)
    assert "no ONNX graph for this model" in capsys.readouterr().err and not (tmp_path / ONNX).exists()
    tagger = EntityTagger.load(tmp_path)
    assert "tagging with torch" in capsys.readouterr().err
    assert len(tagger.tag(CRITERIA[:3])) == 3
