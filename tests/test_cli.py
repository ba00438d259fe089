"""The batch command end to end, through the installed entry point."""

import json
import subprocess
import sys

from tests.conftest import FIXTURES, ROOT, SEEDS


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "trialsieve.cli", *args], capture_output=True, text=True, cwd=cwd)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_structure_seeds_and_resume(tmp_path):
    out = tmp_path / "trials.jsonl"
    first = run("structure", str(SEEDS), "-o", str(out))
    assert first.returncode == 0, first.stderr
    lines = read_jsonl(out)
    assert sorted(line["trial"]["id"] for line in lines) == ["NCT04356287", "NCT04615455"]
    assert "trials 2, criteria" in first.stdout and "failures 0" in first.stdout
    assert all({"id", "section", "text", "rule", "status"} <= set(c) for line in lines for c in line["criteria"])
    again = run("structure", str(SEEDS), "-o", str(out))
    assert f"nothing to do: 2 trials already in {out}" in again.stdout and len(read_jsonl(out)) == 2
    assert "trials 0" not in again.stdout  # a no-op resume used to print "trials 0, criteria 0 (structured 0.0%"


def test_resume_repairs_a_line_cut_short(tmp_path):
    out = tmp_path / "trials.jsonl"
    assert run("structure", str(next(SEEDS.glob("NCT04615455*"))), "-o", str(out)).returncode == 0
    with out.open("a") as handle:
        handle.write('{"schema_version": "1.0", "trial": {"id": "NCT0435')
    assert run("structure", str(SEEDS), "-o", str(out)).returncode == 0
    assert [line["trial"]["id"] for line in read_jsonl(out)] == ["NCT04615455", "NCT04356287"]


def test_failures_are_reported_and_exit_non_zero(tmp_path):
    out = tmp_path / "trials.jsonl"
    result = run(
        "structure",
        str(FIXTURES / "ctgov_list_with_bad.json"),
        str(FIXTURES / "broken.json"),
        str(tmp_path / "missing.json"),
        "-o",
        str(out),
        "--no-progress",
    )
    assert result.returncode == 1
    assert "failures 4" in result.stdout
    assert "FAILED" in result.stderr and "broken.json: invalid JSON" in result.stderr
    assert "missing.json: no such file" in result.stderr
    assert [line["trial"]["id"] for line in read_jsonl(out)] == ["NCT05000002"]


def test_workers_give_the_same_output(tmp_path):
    inputs = [str(SEEDS), str(FIXTURES / "ctgov_study.json"), str(FIXTURES / "ctgov_studies.jsonl")]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("structure", *inputs, "-o", str(one)).returncode == 0
    assert run("structure", *inputs, "-o", str(two), "--workers", "2").returncode == 0
    assert one.read_text() == two.read_text()


def test_criteria_jsonl_mode(tmp_path):
    out = tmp_path / "criteria.jsonl"
    result = run("structure", "--criteria-jsonl", str(FIXTURES / "criteria_lines.jsonl"), "-o", str(out))
    assert result.returncode == 1 and "not a criterion line" in result.stderr  # the last line is not JSON
    records = {r["id"]: r for r in read_jsonl(out)}
    assert set(records) == {"c1", "c2", "c3"}
    platelets = records["c1"]
    assert set(platelets) == {"id", "text", "section", "rule", "status", "entities", "constraints"}
    (constraint,) = platelets["constraints"]
    assert (constraint["operator"], constraint["value"], constraint["unit"]) == (">=", 100, "10*9/L")
    types = {e["type"] for e in platelets["entities"]}
    assert {"value", "unit", "observation"} <= types  # the entity model's types
    grammar = run("structure", "--criteria-jsonl", str(FIXTURES / "criteria_lines.jsonl"), "-o", str(out), "--no-model")
    assert "measurement" in {e["type"] for e in next(iter(read_jsonl(out)))["entities"]}  # the grammar's kinds
    assert grammar.returncode == 1
    for record in records.values():
        for e in record["entities"]:
            assert record["text"][e["start"] : e["end"]] == e["text"]
    assert records["c2"]["section"] == "unknown" and records["c2"]["rule"]["negated"] is True
    assert {c["variable"] for c in records["c3"]["constraints"]} == {"AST", "ALT"}


def test_usage_errors(tmp_path):
    assert run("structure", "-o", str(tmp_path / "x.jsonl")).returncode == 2
    assert run("structure", "--criteria-jsonl", str(tmp_path / "none.jsonl")).returncode == 2


def test_schema_matches_the_documented_one():
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert {"Comparison", "Presence", "Demographic", "Unstructured", "All", "Any", "Not", "AtLeast"} <= set(
        schema["$defs"]
    )
    assert schema == json.loads((ROOT / "docs" / "rules.schema.json").read_text())


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, trialsieve.cli as c; from typer.testing import CliRunner; "
        "CliRunner().invoke(c.app, ['--help']); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'gradio', 'transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


def test_check_prints_a_table_and_json():
    patient = ROOT / "data" / "patients" / "care-ssc-ruled-out-neutrophils.json"
    trial = SEEDS / "NCT04356287-CARE-SSc.txt"
    args = ("check", "--patient", str(patient), "--trial", str(trial), "--as-of", "2026-11-22", "--no-embeddings")
    human = run(*args)
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("NCT04356287 / care-ssc-ruled-out-neutrophils (as of 2026-11-22): INELIGIBLE")
    assert "ruled out by: E10" in human.stdout
    report = json.loads(run(*args, "--json").stdout)
    assert (report["overall"], report["ruled_out_by"]) == ("ineligible", ["E10"])
    assert {"id", "section", "text", "verdict", "evidence"} <= set(report["criteria"][0])
    assert "missing_data" in report


def test_check_names_a_bad_patient_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "gender": 7}}]}')
    result = run("check", "--patient", str(bad), "--trial", str(SEEDS / "NCT04615455-AMASS.txt"), "--no-embeddings")
    assert result.returncode == 2
    assert "entry 0 (Patient/?): invalid" in result.stderr


def test_eval_eligibility_writes_predictions(tmp_path):
    out, scores = tmp_path / "p.jsonl", tmp_path / "s.json"
    data = FIXTURES / "trialgpt_tiny.jsonl"
    result = run(
        "eval",
        "eligibility",
        "--data",
        str(data),
        "--predictions-out",
        str(out),
        "--json",
        str(scores),
        "--no-embeddings",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy 87.5%" in result.stdout
    lines = read_jsonl(out)
    assert [line["annotation_id"] for line in lines] == list(range(1, 9))
    assert lines[0]["predicted_label"] == "included" and lines[0]["evidence"]
    assert json.loads(scores.read_text())["accuracy"] == 0.875


def test_check_refuses_a_bad_date():
    patient = ROOT / "data" / "patients" / "amass-eligible.json"
    result = run("check", "--patient", str(patient), "--trial", str(SEEDS / "NCT04615455-AMASS.txt"), "--as-of", "May")
    assert result.returncode == 2 and "not a date: May" in result.stderr


def test_eval_eligibility_names_a_bad_line(tmp_path):
    data = tmp_path / "rows.jsonl"
    data.write_text('{"patient_text": "x"}\n')
    result = run("eval", "eligibility", "--data", str(data), "--no-embeddings", "--no-progress")
    assert result.returncode == 2
    message = " ".join(result.stderr.replace("│", " ").split())  # the error box wraps lines
    assert "rows.jsonl:1: not a TrialGPT criterion row: lacks criterion_text, label, section" in message
