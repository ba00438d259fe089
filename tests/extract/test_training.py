"""Training for real, on a tiny corpus: the same data and seed give the same weights."""

import json
from pathlib import Path

from typer.testing import CliRunner

from trialsieve.cli import app
from trialsieve.extract import lct
from trialsieve.extract.tagger import read_weights

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "lct_tiny.jsonl"


def _corpus(path: Path) -> Path:
    """The three hand-made lines, each under 12 trial ids, so that every part of the split has rows."""
    rows = [json.loads(line) for line in TINY.read_text().splitlines()]
    lines = [json.dumps(row | {"trial_id": f"NCT{n:08d}"}) for n in range(12) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_training_is_deterministic_and_writes_a_loadable_model(tmp_path):
    data = _corpus(tmp_path / "corpus.jsonl")
    assert all(lct.split(lct.read(data)).values())
    outputs = []
    for name in ("a", "b"):
        args = ["train-entities", "--data", str(data), "-o", str(tmp_path / name), "--epochs", "1", "--no-progress"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "test (trials never trained on)" in result.output and "micro core" in result.output
        outputs.append(read_weights(tmp_path / name / "weights.safetensors"))
        assert (tmp_path / name / "model.onnx").is_file()  # what inference runs
    # Identical when run alone; under CPU load the threads may sum floats in another order, which
    # can move a weight across an int8 rounding boundary: allow one step on a few weights, no more.
    moved = total = 0
    for key, first in outputs[0].items():
        second = outputs[1][key]
        step = first.abs().amax(dim=-1, keepdim=True) / 127 if first.dim() == 2 else 1e-6
        assert ((first - second).abs() <= step * 1.01).all(), key
        moved += int((first != second).sum())
        total += first.numel()
    assert moved <= total * 1e-4

    from trialsieve.extract.tagger import EntityTagger

    tagger = EntityTagger.load(tmp_path / "a")
    assert len(tagger.tag(["Age ≥ 18 years", "No prior chemotherapy"])) == 2


def _said(result) -> str:
    """The CLI's output with its error box and line wrapping taken out."""
    return " ".join(result.output.replace("│", " ").split())


def test_a_base_that_is_not_a_local_encoder_is_refused(tmp_path):
    args = ["train-entities", "--data", str(TINY), "-o", str(tmp_path / "m"), "--base", str(tmp_path), "--epochs", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0 and "nothing is downloaded" in _said(result)


def test_a_corpus_with_no_training_trials_is_refused(tmp_path):
    """NCT00000004 falls in the test part: there is nothing to learn from, and the error says so."""
    row = json.loads(TINY.read_text().splitlines()[0]) | {"trial_id": "NCT00000004"}
    data = tmp_path / "test_only.jsonl"
    data.write_text(json.dumps(row) + "\n")
    result = CliRunner().invoke(app, ["train-entities", "--data", str(data), "-o", str(tmp_path / "m")])
    assert result.exit_code != 0 and "nothing to learn from" in _said(result)
    assert not (tmp_path / "m").exists()


def test_a_malformed_corpus_line_is_named(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text("{oops\n")
    result = CliRunner().invoke(app, ["train-entities", "--data", str(data), "-o", str(tmp_path / "m")])
    assert result.exit_code != 0 and "bad.jsonl:1" in _said(result)
