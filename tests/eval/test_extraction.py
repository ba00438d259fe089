import json
from pathlib import Path

from typer.testing import CliRunner

from trialsieve.cli import app

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "lct_tiny.jsonl"


def test_eval_extraction_counts_on_a_hand_made_file(tmp_path):
    """Three lines; the grammar alone finds both limits, and the counts below follow by hand."""
    report, predictions = tmp_path / "report.json", tmp_path / "predictions.jsonl"
    args = ["eval", "extraction", "--data", str(TINY), "--no-model", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--json", str(report), "--predictions-out", str(predictions)])
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text())
    numeric = scores["numeric_constraints"]
    assert (numeric["gold"], numeric["predicted"], numeric["matched"]) == (2, 2, 2)
    assert numeric["unit_agreement"] == 1.0 and numeric["units_checked"] == 2
    entities = scores["entities"]
    assert entities["operator"]["strict"]["f1"] == 1.0 and entities["value"]["strict"]["f1"] == 1.0
    # "years" is an age's unit to the grammar but a temporal unit to LCT: 1 of 2 predicted units is right
    assert entities["unit"]["strict"]["precision"] == 0.5 and entities["unit"]["strict"]["recall"] == 1.0
    assert entities["observation"]["strict"]["f1"] == 1.0  # "Hemoglobin", a measurement, scored as observation
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["NCT00000001:1", "NCT00000001:2", "NCT00000002:3"]
    assert lines[1]["constraints"][0]["unit"] == "g/dL"


def test_eval_extraction_report_has_a_chart(tmp_path):
    args = ["eval", "extraction", "--data", str(TINY), "--no-model", "--no-progress", "--report", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "entity_f1.png").read_bytes()[:4] == b"\x89PNG"
    assert "![Entity F1 by type](entity_f1.png)" in (tmp_path / "extraction.md").read_text()


def test_eval_extraction_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    result = CliRunner().invoke(app, ["eval", "extraction", "--data", str(bad), "--no-model"])
    assert result.exit_code != 0 and "bad.jsonl:1" in result.output
