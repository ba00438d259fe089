"""``trialsieve structure --llm openai:...`` end to end against the loopback server."""

import json

from typer.testing import CliRunner

from trialsieve.cli import app

CRITERIA = """Inclusion Criteria:
- Able to walk 1 mile
- Age 18 years or older
Exclusion Criteria:
- Known allergy to penicillin or inability to tolerate the study drug as judged by the investigator
"""


def test_structure_with_an_llm_merges_checked_readings_and_logs_them(server, tmp_path):
    source = tmp_path / "criteria.txt"
    source.write_text(CRITERIA)
    server.content(json.dumps({"limits": [{"variable": "walk", "operator": ">=", "value": 1}], "concepts": []}))
    server.content(json.dumps({"limits": [], "concepts": [{"text": "the study drug", "kind": "drug"}]}))
    out = tmp_path / "trials.jsonl"
    args = ["structure", str(source), "-o", str(out), "--no-model", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--llm", f"openai:{server.url}", "--llm-model", "tiny"])
    assert result.exit_code == 0, result.output
    log = [json.loads(line) for line in out.with_suffix(".llm.jsonl").read_text().splitlines()]
    assert [(e["criterion_id"], e["accepted"], e["error"]) for e in log] == [("I1", 1, None), ("E1", 1, None)]
    criteria = {c["id"]: c for c in json.loads(out.read_text())["criteria"]}
    assert criteria["I1"]["rule"]["source"] == "llm" and criteria["I1"]["status"] == "structured"
    assert criteria["I2"]["rule"]["source"] == "grammar"  # never sent: the grammar had it
    assert [leaf.get("source") for leaf in _leaves(criteria["E1"]["rule"])] == ["grammar", "llm"]


def test_a_bad_llm_spec_is_a_usage_error(tmp_path):
    source = tmp_path / "criteria.txt"
    source.write_text(CRITERIA)
    result = CliRunner().invoke(app, ["structure", str(source), "-o", str(tmp_path / "o.jsonl"), "--llm", "gpt"])
    assert result.exit_code == 2


def _leaves(rule: dict) -> list[dict]:
    return [leaf for arg in rule["args"] for leaf in _leaves(arg)] if "args" in rule else [rule]


def test_eval_extraction_reports_with_and_without_the_llm(server, tmp_path):
    from tests.conftest import FIXTURES

    for _ in range(100):
        server.content(json.dumps({"limits": [], "concepts": []}))
    report = tmp_path / "scores.json"
    args = ["eval", "extraction", "--data", str(FIXTURES / "lct_tiny.jsonl"), "--json", str(report), "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--no-model", "--llm", f"openai:{server.url}"])
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text())
    assert scores["llm"]["numeric_constraints"] == scores["numeric_constraints"]  # empty readings change nothing
    assert scores["llm"]["seconds_per_criterion"] > 0 and "with openai:" in result.output
